//! The restart test: provision users and groups into the SQLite file, stop the server, start a
//! new one on the same file, and read everything back exactly as it was acknowledged.

mod common;

use common::{Server, TOKEN, client, send};
use serde_json::{Value, json};

#[tokio::test]
async fn everything_provisioned_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &[]);
    let http = client();
    let mut users = Vec::new();
    for i in 0..20 {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "userName": format!("user{i}@example.com"), "externalId": format!("ext-{i}"),
            "name": {"givenName": format!("Given{i}"), "familyName": "Restart"},
            "emails": [{"value": format!("user{i}@example.com"), "type": "work", "primary": true}],
            "active": i % 3 != 0,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": format!("{i}")}
        });
        let (status, _, user) = send(&http, "POST", &server.url("/Users"), &body.to_string()).await;
        assert_eq!(status, 201, "{user}");
        users.push(user);
    }
    let mut groups = Vec::new();
    for g in 0..3 {
        let members: Vec<Value> = users
            .iter()
            .skip(g)
            .step_by(3)
            .map(|u| json!({"value": u["id"]}))
            .collect();
        let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": format!("Group {g}"), "members": members});
        let (status, _, group) =
            send(&http, "POST", &server.url("/Groups"), &body.to_string()).await;
        assert_eq!(status, 201, "{group}");
        groups.push(group);
    }
    // Later changes: a PATCH of members, a PUT, a deactivation, a delete.
    let gid = groups[0]["id"].as_str().unwrap().to_owned();
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "remove", "path": format!("members[value eq \"{}\"]", users[0]["id"].as_str().unwrap())},
        {"op": "add", "path": "members", "value": [{"value": users[1]["id"]}]}]});
    let (status, _, patched) = send(
        &http,
        "PATCH",
        &server.url(&format!("/Groups/{gid}")),
        &patch.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    groups[0] = patched;
    let deleted = users.pop().unwrap();
    let (status, _, _) = send(
        &http,
        "DELETE",
        &server.url(&format!("/Users/{}", deleted["id"].as_str().unwrap())),
        "",
    )
    .await;
    assert_eq!(status, 204);
    let deactivate = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": false}]});
    let uid = users[1]["id"].as_str().unwrap().to_owned();
    let (_, _, user) = send(
        &http,
        "PATCH",
        &server.url(&format!("/Users/{uid}")),
        &deactivate.to_string(),
    )
    .await;
    users[1] = user;
    // The group lists read back now are what must survive (deleting a user leaves its groups).
    let mut expected = Vec::new();
    for r in users.iter().chain(groups.iter()) {
        let kind = if r["meta"]["resourceType"] == "User" {
            "Users"
        } else {
            "Groups"
        };
        let url = server.url(&format!("/{kind}/{}", r["id"].as_str().unwrap()));
        let (status, _, now) = send(&http, "GET", &url, "").await;
        assert_eq!(status, 200);
        expected.push((url.trim_start_matches(&server.base_url).to_owned(), now));
    }
    let old_base = server.base_url.clone();
    assert!(server.stop().success());

    let server = Server::start_in(dir.path(), &["--token", TOKEN], &[]);
    for (path, before) in &expected {
        let (status, _, after) = send(&http, "GET", &server.url(path), "").await;
        assert_eq!(status, 200, "{path}");
        // URLs (meta.location, groups.$ref) carry the new port; everything else is identical.
        let before = before.to_string().replace(&old_base, &server.base_url);
        assert_eq!(
            after,
            serde_json::from_str::<Value>(&before).unwrap(),
            "{path}"
        );
    }
    let (_, _, list) = send(
        &http,
        "GET",
        &server.url("/Users?filter=userName+sw+%22user%22"),
        "",
    )
    .await;
    assert_eq!(list["totalResults"], users.len());
    let (_, _, list) = send(
        &http,
        "GET",
        &server.url("/Groups?excludedAttributes=members"),
        "",
    )
    .await;
    assert_eq!(list["totalResults"], 3);
    assert!(server.stop().success());
}

/// `--durability normal` (here from `SCIMKIT_DURABILITY`): a graceful restart keeps every
/// acknowledged write too.
#[tokio::test]
async fn normal_durability_keeps_writes_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("SCIMKIT_DURABILITY", "normal")];
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &env);
    let http = client();
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com"});
    let (status, _, ada) = send(&http, "POST", &server.url("/Users"), &body.to_string()).await;
    assert_eq!(status, 201);
    assert!(server.stop().success());
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &env);
    let url = server.url(&format!("/Users/{}", ada["id"].as_str().unwrap()));
    let (status, _, read) = send(&http, "GET", &url, "").await;
    assert_eq!(
        (status, &read["userName"]),
        (200, &json!("ada@example.com"))
    );
}
