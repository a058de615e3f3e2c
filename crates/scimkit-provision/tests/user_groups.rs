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

/// `userName`s of the users `GET /Users?filter=...` (URL-encoded here) returns, sorted, with
/// `totalResults` checked against them.
async fn filtered(service: &ScimService, filter: &str) -> Vec<String> {
    let query: String = url_encode(filter);
    let (status, _, list) = send(service, "GET", &format!("/Users?filter={query}"), "", &[]).await;
    assert_eq!(status, 200, "{filter}: {list}");
    let mut names: Vec<String> = list["Resources"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|u| u["userName"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(list["totalResults"], names.len(), "{filter}");
    names
}

fn url_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// RFC 7644 §3.4.2.2 on the tester's filters (F5): a filter on `groups` sees the groups every
/// GET shows. Regression: each of these answered 200 with totalResults 0.
#[tokio::test]
async fn filters_on_groups_see_the_derived_groups() {
    let service = service();
    let u = user(&service, "u").await;
    let v = user(&service, "v").await;
    user(&service, "w").await;
    let g = group(&service, "conc 43bf11", &[&u]).await;
    let h = group(&service, "other", &[&v, "not-a-user"]).await;
    for (filter, expected) in [
        (format!(r#"groups.value eq "{g}""#), vec!["u"]),
        ("groups pr".to_owned(), vec!["u", "v"]),
        (format!(r#"groups[value eq "{g}"]"#), vec!["u"]),
        (r#"groups.display eq "conc 43bf11""#.to_owned(), vec!["u"]),
        // display is caseExact false in the User schema (RFC 7643 §8.7.1).
        (r#"GROUPS.DISPLAY eq "CONC 43BF11""#.to_owned(), vec!["u"]),
        (r#"groups.display sw "o""#.to_owned(), vec!["v"]),
        (r#"groups.type eq "direct""#.to_owned(), vec!["u", "v"]),
        (r#"groups.type eq "indirect""#.to_owned(), vec![]),
        ("not (groups pr)".to_owned(), vec!["w"]),
        (format!(r#"groups.value ne "{g}""#), vec!["v"]),
        (
            format!(r#"groups[value eq "{h}" and display eq "other"] or userName eq "w""#),
            vec!["v", "w"],
        ),
        (
            format!(r#"userName eq "u" and groups.value eq "{h}""#),
            vec![],
        ),
        (
            format!(r#"urn:ietf:params:scim:schemas:core:2.0:User:groups.value eq "{g}""#),
            vec!["u"],
        ),
        (r#"groups.value eq "nope""#.to_owned(), vec![]),
        (r#"groups.$ref pr"#.to_owned(), vec![]),
    ] {
        assert_eq!(filtered(&service, &filter).await, expected, "{filter}");
    }
    // POST /.search (RFC 7644 §3.4.3), paged: totalResults counts every match.
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": "groups pr", "count": 1});
    let (status, _, list) =
        send(&service, "POST", "/Users/.search", &search.to_string(), &[]).await;
    assert_eq!(
        (
            status,
            list["totalResults"].clone(),
            list["itemsPerPage"].clone()
        ),
        (200, json!(2), json!(1))
    );
    // Across all types (RFC 7644 §3.4.2.1): only the user; Groups have no groups.
    let (status, _, list) = send(
        &service,
        "GET",
        &format!(
            "/?filter={}",
            url_encode(&format!(r#"groups.value eq "{g}""#))
        ),
        "",
        &[],
    )
    .await;
    assert_eq!(
        (status, list["totalResults"].clone()),
        (200, json!(1)),
        "{list}"
    );
    assert_eq!(list["Resources"][0]["id"], u.as_str());
}

/// What the rewrite cannot answer is refused, never silently empty: a term that holds for
/// users in no group, `sortBy` on groups, and more member ids than the filter term limit.
#[tokio::test]
async fn unsupported_filters_and_sorts_on_groups_are_400() {
    let registry = std::sync::Arc::new(scimkit_schema::SchemaRegistry::core());
    let auth = std::sync::Arc::new(scimkit_provision::TokenAuthenticator::new());
    auth.insert(common::TOKEN, scimkit_provision::Tenant::new("acme"));
    let mut config = scimkit_provision::ServiceConfig::new("/v2");
    config.limits.max_filter_terms = 3;
    let service = ScimService::builder(
        std::sync::Arc::new(scimkit_provision::InMemoryStore::new(registry.clone())),
        auth,
    )
    .registry(registry)
    .config(config)
    .build();
    let a = user(&service, "a").await;
    let b = user(&service, "b").await;
    let c = user(&service, "c").await;
    let d = user(&service, "d").await;
    let small = group(&service, "small", &[&a, &b, &c]).await;
    let big = group(&service, "big", &[&a, &b, &c, &d]).await;
    assert_eq!(
        filtered(&service, &format!(r#"groups.value eq "{small}""#)).await,
        ["a", "b", "c"]
    );
    for (query, scim_type, says) in [
        (
            format!(
                "filter={}",
                url_encode(&format!(r#"groups.value eq "{big}""#))
            ),
            "invalidFilter",
            "GET /Groups/{id}",
        ),
        (
            format!("filter={}", url_encode("groups.value eq null")),
            "invalidFilter",
            "not (groups pr)",
        ),
        (
            format!("filter={}", url_encode("groups eq null")),
            "invalidFilter",
            "in no group",
        ),
        (
            "sortBy=groups.value".to_owned(),
            "invalidValue",
            "sortBy groups.value",
        ),
        (
            "sortBy=groups.display&filter=userName+pr".to_owned(),
            "invalidValue",
            "no sort key",
        ),
    ] {
        let (status, _, err) = send(&service, "GET", &format!("/Users?{query}"), "", &[]).await;
        assert_eq!(
            (status, err["scimType"].as_str()),
            (400, Some(scim_type)),
            "{query}: {err}"
        );
        assert!(
            err["detail"].as_str().unwrap().contains(says),
            "{query}: {err}"
        );
    }
}
