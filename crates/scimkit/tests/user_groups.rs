//! A User's derived `groups` on the real binary and its SQLite store: filters see them
//! (RFC 7644 §3.4.2.2) and the User's entity tag follows them (RFC 7644 §3.14).

mod common;

use common::{Server, TOKEN, client, send};
use serde_json::{Value, json};

/// Tester report F5 and F12 on SQLite. The group also lists 1,500 ids that are no users, so
/// the filter the service hands the store has 1,501 `id eq` terms (deeper than SQLite's
/// expression limit of 1,000 if it were one flat `or`).
#[tokio::test]
async fn groups_filters_and_tags_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        dir.path(),
        &["--token", TOKEN, "--durability", "normal"],
        &[],
    );
    let http = client();
    let mut ids = Vec::new();
    for name in ["ada", "bob"] {
        let body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        let (status, _, created) =
            send(&http, "POST", &server.url("/Users"), &body.to_string()).await;
        assert_eq!(status, 201, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let uid = ids[0].as_str();
    let mut members: Vec<Value> = (0..1500)
        .map(|i| json!({"value": format!("x{i}")}))
        .collect();
    members.push(json!({"value": uid}));
    let (status, _, group) = send(
        &http,
        "POST",
        &server.url("/Groups"),
        &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "conc 43bf11", "members": members})
        .to_string(),
    )
    .await;
    assert_eq!(status, 201, "{group}");
    let gid = group["id"].as_str().unwrap();

    for filter in [
        format!(r#"groups.value eq "{gid}""#),
        "groups pr".to_owned(),
        format!(r#"groups[value eq "{gid}"]"#),
        r#"groups.display eq "conc 43bf11""#.to_owned(),
    ] {
        let url =
            reqwest::Url::parse_with_params(&server.url("/Users"), [("filter", &filter)]).unwrap();
        let (status, _, list) = send(&http, "GET", url.as_str(), "").await;
        assert_eq!(
            (status, list["totalResults"].clone()),
            (200, json!(1)),
            "{filter}: {list}"
        );
        assert_eq!(list["Resources"][0]["userName"], "ada", "{filter}");
    }

    let user_url = server.url(&format!("/Users/{uid}"));
    let (_, headers, _) = send(&http, "GET", &user_url, "").await;
    let before = headers["etag"].to_str().unwrap().to_owned();
    let rename = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "renamed"}]});
    let group_url = server.url(&format!("/Groups/{gid}?excludedAttributes=members"));
    let (status, _, _) = send(&http, "PATCH", &group_url, &rename.to_string()).await;
    assert_eq!(status, 200);
    let response = http
        .get(&user_url)
        .bearer_auth(TOKEN)
        .header("If-None-Match", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the stale tag is not current");
    assert_ne!(response.headers()["etag"].to_str().unwrap(), before);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["groups"][0]["display"], "renamed");
}
