//! The first-start token and `scimkit tenant add|list|disable|enable|rotate-token`, against a
//! running server on the same database file.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Server, client, scimkit, send_with};
use serde_json::json;

fn tenant(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = scimkit(dir).arg("tenant").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn token_in(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("no token in {text:?}"))
        .to_owned()
}

#[tokio::test]
async fn the_first_start_prints_a_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &[], &[]);
    let token = server
        .printed_token()
        .expect("first start prints the token");
    let http = client();
    let (status, _, _) = send_with(&http, "GET", &server.url("/Users"), "", &token).await;
    assert_eq!(status, 200);
    assert!(server.stop().success());
    // Not in the database file (nor its WAL): only the SHA-256 digest is.
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().contains("scimkit.db") {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(64).any(|w| w == token.as_bytes()),
                "{}",
                path.display()
            );
        }
    }
    let server = Server::start_in(dir.path(), &[], &[]);
    assert_eq!(server.printed_token(), None, "{:?}", server.banner);
    let (status, _, _) = send_with(&http, "GET", &server.url("/Users"), "", &token).await;
    assert_eq!(status, 200, "the token survives restarts");
}

#[tokio::test]
async fn tenants_are_managed_while_the_server_runs() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--token", "default-token"], &[]);
    let http = client();
    let users = server.url("/Users");
    let user = |name: &str| {
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name})
            .to_string()
    };

    let (ok, out, err) = tenant(
        dir.path(),
        &[
            "add",
            "acme",
            "--name",
            "Acme Inc.",
            "--compat",
            "entra",
            "--allowed-domain",
            "acme.example",
            "--patch-response",
            "no-content",
        ],
    );
    assert!(ok, "{err}");
    let acme = token_in(&out);
    let (ok, _, err) = tenant(dir.path(), &["add", "acme"]);
    assert!(!ok && err.contains("already exists"), "{err}");

    // Isolation: one base URL, the token selects the tenant.
    let (status, _, ada) = send_with(&http, "POST", &users, &user("ada@acme.example"), &acme).await;
    assert_eq!(status, 201);
    // acme answers PATCH with 204 and the new ETag (RFC 7644 §3.5.2); the default tenant
    // with the resource.
    let deactivate = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": false}]})
    .to_string();
    let ada_url = format!("{users}/{}", ada["id"].as_str().unwrap());
    let (status, headers, body) = send_with(&http, "PATCH", &ada_url, &deactivate, &acme).await;
    assert_eq!((status, body), (204, serde_json::Value::Null));
    assert_eq!(headers["etag"], "W/\"2\"");
    let (_, _, bob) = send_with(
        &http,
        "POST",
        &users,
        &user("bob@x.example"),
        "default-token",
    )
    .await;
    let bob_url = format!("{users}/{}", bob["id"].as_str().unwrap());
    let (status, _, body) = send_with(&http, "PATCH", &bob_url, &deactivate, "default-token").await;
    assert_eq!((status, &body["active"]), (200, &json!(false)), "{body}");
    let (status, _, err) =
        send_with(&http, "POST", &users, &user("ada@other.example"), &acme).await;
    assert_eq!(status, 400, "acme allows acme.example only: {err}");
    let (_, _, list) = send_with(&http, "GET", &users, "", "default-token").await;
    assert_eq!(list["totalResults"], 1);
    let (_, _, list) = send_with(&http, "GET", &users, "", &acme).await;
    assert_eq!(list["totalResults"], 1);

    let (ok, out, _) = tenant(dir.path(), &["list"]);
    assert!(ok);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0][..6],
        ["ID", "NAME", "ENABLED", "COMPAT", "TOKEN", "PATCH"]
    );
    assert_eq!(
        rows[1][..8],
        [
            "acme",
            "Acme",
            "Inc.",
            "yes",
            "entra",
            "set",
            "no-content",
            "acme.example"
        ]
    );
    assert_eq!(
        rows[2][..7],
        [
            "default", "Default", "tenant", "yes", "lenient", "set", "resource"
        ]
    );

    // The switch applies to the running server once its cached token has expired
    // (scimkit_sqlite::TOKEN_CACHE_TTL): 403, nothing changed.
    let expire =
        || tokio::time::sleep(scimkit_sqlite::TOKEN_CACHE_TTL + Duration::from_millis(100));
    assert!(tenant(dir.path(), &["disable", "acme"]).0);
    expire().await;
    let (status, _, body) =
        send_with(&http, "POST", &users, &user("bob@acme.example"), &acme).await;
    assert_eq!((status, body["status"].as_str()), (403, Some("403")));
    assert!(tenant(dir.path(), &["enable", "acme"]).0);
    expire().await;
    let (_, _, list) = send_with(&http, "GET", &users, "", &acme).await;
    assert_eq!(list["totalResults"], 1, "nothing changed while disabled");

    // A rotated token replaces the old one (within the same time).
    let (ok, out, _) = tenant(dir.path(), &["rotate-token", "acme"]);
    assert!(ok);
    let fresh = token_in(&out);
    expire().await;
    let (status, _, _) = send_with(&http, "GET", &users, "", &acme).await;
    assert_eq!(status, 401);
    let (status, _, _) = send_with(&http, "GET", &users, "", &fresh).await;
    assert_eq!(status, 200);

    let (ok, _, err) = tenant(dir.path(), &["disable", "nobody"]);
    assert!(!ok && err.contains("no tenant \"nobody\""), "{err}");
    let (ok, _, err) = tenant(dir.path(), &["list", "--db", "missing.db"]);
    assert!(!ok && err.contains("no database at missing.db"), "{err}");
}

#[tokio::test]
async fn serve_flags_configure_the_default_tenant_at_each_start() {
    let dir = tempfile::tempdir().unwrap();
    let row = || {
        let (_, out, _) = tenant(dir.path(), &["list"]);
        out.lines().nth(1).unwrap().to_owned()
    };
    let server = Server::start_in(dir.path(), &["--token", "t1", "--compat", "okta"], &[]);
    assert!(server.stop().success());
    assert!(row().contains("okta"), "{}", row());
    let server = Server::start_in(
        dir.path(),
        &["--token", "t1"],
        &[("SCIMKIT_PATCH_RESPONSE", "no-content")],
    );
    assert!(
        row().contains("okta") && row().contains("no-content"),
        "{}",
        row()
    );
    let http = client();
    let users = server.url("/Users");
    let body =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada"});
    let (status, _, ada) = send_with(&http, "POST", &users, &body.to_string(), "t1").await;
    assert_eq!(status, 201, "{ada}");
    let rename = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "Ada"}]});
    let ada_url = format!("{users}/{}", ada["id"].as_str().unwrap());
    let (status, headers, _) = send_with(&http, "PATCH", &ada_url, &rename.to_string(), "t1").await;
    assert_eq!(status, 204);
    assert_eq!(headers["etag"], "W/\"2\"");
    assert!(server.stop().success());
    let server = Server::start_in(
        dir.path(),
        &["--token", "t2", "--allowed-domain", "example.com"],
        &[],
    );
    // Given flags apply; the preset and the PATCH response, not given this time, stay as
    // stored.
    assert!(
        row().contains("okta") && row().contains("example.com") && row().contains("no-content"),
        "{}",
        row()
    );
    let (status, _, _) = send_with(&http, "GET", &server.url("/Users"), "", "t1").await;
    assert_eq!(status, 401, "--token replaced the stored token");
    let (status, _, _) = send_with(&http, "GET", &server.url("/Users"), "", "t2").await;
    assert_eq!(status, 200);
    assert!(server.stop().success());

    // Regression: a restart without --allowed-domain / --compat silently widened the tenant
    // to any domain and the lenient preset.
    let server = Server::start_in(dir.path(), &[], &[]);
    assert!(
        row().contains("okta") && row().contains("example.com"),
        "{}",
        row()
    );
    assert!(server.stop().success());
    let server = Server::start_in(
        dir.path(),
        &[
            "--allow-any-domain",
            "--compat",
            "lenient",
            "--patch-response",
            "resource",
        ],
        &[],
    );
    let now = row();
    assert!(
        now.contains("lenient") && !now.contains("example.com") && now.contains(" resource "),
        "{now}"
    );
    assert!(server.stop().success());
}
