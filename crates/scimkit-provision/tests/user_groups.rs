//! A User's readOnly `groups` (RFC 7643 §4.1.2) is derived from Group memberships; what is
//! served must behave like stored data: its entity tag changes with it (RFC 7644 §3.14,
//! RFC 9110 §8.8.3) and filters see it (RFC 7644 §3.4.2.2).

mod common;

use common::{send, service};
use scimkit_provision::ScimService;
use serde_json::{Value, json};

const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async fn create(service: &ScimService, endpoint: &str, body: Value) -> String {
    let (status, _, created) = send(service, "POST", endpoint, &body.to_string(), &[]).await;
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn user(service: &ScimService, name: &str) -> String {
    create(
        service,
        "/Users",
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}),
    )
    .await
}

async fn group(service: &ScimService, name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    create(
        service,
        "/Groups",
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
            "members": members}),
    )
    .await
}

async fn patch_group(service: &ScimService, gid: &str, op: Value) {
    let body = json!({"schemas": [PATCH_OP], "Operations": [op]}).to_string();
    let (status, _, reply) = send(service, "PATCH", &format!("/Groups/{gid}"), &body, &[]).await;
    assert_eq!(status, 200, "{reply}");
}

/// `ETag` of `GET path`, checked equal to the body's `meta.version`.
async fn etag(service: &ScimService, path: &str) -> String {
    let (status, headers, body) = send(service, "GET", path, "", &[]).await;
    assert_eq!(status, 200, "{body}");
    let tag = headers["ETag"].to_str().unwrap().to_owned();
    assert_eq!(body["meta"]["version"], tag.as_str(), "ETag = meta.version");
    tag
}

/// The tester's sequence (F12): rename the group, then remove the member; each time the
/// user's tag changes, `If-None-Match` with the old tag answers 200 with the new groups, and
/// the tag is stable while nothing changes.
#[tokio::test]
async fn a_users_tag_changes_with_its_groups() {
    let service = service();
    let uid = user(&service, "u").await;
    let path = format!("/Users/{uid}");
    let alone = etag(&service, &path).await;
    let gid = group(&service, "etag grp", &[&uid]).await;
    let member = etag(&service, &path).await;
    assert_ne!(member, alone, "added to a group");
    assert_eq!(etag(&service, &path).await, member, "stable");

    patch_group(
        &service,
        &gid,
        json!({"op": "replace", "path": "displayName", "value": "renamed grp"}),
    )
    .await;
    let renamed = etag(&service, &path).await;
    assert_ne!(renamed, member, "group renamed");
    let (status, _, body) = send(&service, "GET", &path, "", &[("If-None-Match", &member)]).await;
    assert_eq!(status, 200, "not 304 with the stale tag");
    assert_eq!(body["groups"][0]["display"], "renamed grp");
    let (status, headers, _) =
        send(&service, "GET", &path, "", &[("If-None-Match", &renamed)]).await;
    assert_eq!(
        (status, headers["ETag"].to_str().unwrap()),
        (304, renamed.as_str())
    );

    patch_group(
        &service,
        &gid,
        json!({"op": "remove", "path": format!("members[value eq \"{uid}\"]")}),
    )
    .await;
    let removed = etag(&service, &path).await;
    assert_ne!(removed, renamed, "membership removed");
    let (status, _, body) = send(&service, "GET", &path, "", &[("If-None-Match", &renamed)]).await;
    assert_eq!(status, 200);
    assert!(body.get("groups").is_none(), "{body}");
    assert_eq!(removed, alone, "in no group: the stored version again");
}

/// The served tag is the same everywhere: GET, HEAD, a list, a search, a PATCH reply.
#[tokio::test]
async fn the_served_tag_is_the_same_everywhere() {
    let service = service();
    let uid = user(&service, "u").await;
    group(&service, "g", &[&uid]).await;
    let path = format!("/Users/{uid}");
    let tag = etag(&service, &path).await;
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(list["Resources"][0]["meta"]["version"], tag.as_str());
    let (_, _, list) = send(&service, "GET", "/Users?attributes=meta.version", "", &[]).await;
    assert_eq!(list["Resources"][0]["meta"]["version"], tag.as_str());
    let (_, _, list) = send(&service, "GET", "/Users?excludedAttributes=groups", "", &[]).await;
    assert_eq!(list["Resources"][0]["meta"]["version"], tag.as_str());
    let (_, headers, _) = send(&service, "HEAD", &path, "", &[]).await;
    assert_eq!(headers["ETag"], tag.as_str());
    let set_title = json!({"schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "title", "value": "Eng"}]})
    .to_string();
    let (status, headers, body) =
        send(&service, "PATCH", &path, &set_title, &[("If-Match", &tag)]).await;
    assert_eq!(status, 200, "{body}");
    let new = headers["ETag"].to_str().unwrap();
    assert_ne!(new, tag);
    assert_eq!(body["meta"]["version"], new);
    assert_eq!(etag(&service, &path).await, new);
}

/// RFC 7644 §3.14: a write built from a copy whose groups have since changed fails with 412
/// (PUT, PATCH, DELETE, bulk); with the current tag it succeeds.
#[tokio::test]
async fn if_match_with_a_tag_from_before_a_membership_change_is_412() {
    let service = service();
    let uid = user(&service, "u").await;
    let path = format!("/Users/{uid}");
    let (_, _, stale_copy) = send(&service, "GET", &path, "", &[]).await;
    let stale = etag(&service, &path).await;
    group(&service, "g", &[&uid]).await;

    let mut put = stale_copy.clone();
    put["title"] = json!("Eng");
    let set_title = json!({"schemas": [PATCH_OP],
        "Operations": [{"op": "replace", "path": "title", "value": "Eng"}]})
    .to_string();
    for (method, body) in [("PUT", put.to_string()), ("PATCH", set_title.clone())] {
        let (status, _, err) = send(&service, method, &path, &body, &[("If-Match", &stale)]).await;
        assert_eq!(status, 412, "{method}: {err}");
    }
    let (status, _, _) = send(&service, "DELETE", &path, "", &[("If-Match", &stale)]).await;
    assert_eq!(status, 412);
    let bulk = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "PATCH", "path": format!("/Users/{uid}"), "version": stale,
            "data": {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title", "value": "Eng"}]}}]});
    let (_, _, reply) = send(&service, "POST", "/Bulk", &bulk.to_string(), &[]).await;
    assert_eq!(reply["Operations"][0]["status"], "412", "{reply}");
    let (_, _, unchanged) = send(&service, "GET", &path, "", &[]).await;
    assert!(unchanged.get("title").is_none(), "nothing applied");

    let current = etag(&service, &path).await;
    let (status, headers, body) = send(
        &service,
        "PUT",
        &path,
        &put.to_string(),
        &[("If-Match", &current)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after_put = headers["ETag"].to_str().unwrap().to_owned();
    let (status, _, body) = send(
        &service,
        "PATCH",
        &path,
        &set_title,
        &[("If-Match", &after_put)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["groups"][0]["display"], "g");
}
