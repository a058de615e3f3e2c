//! `scimkit serve` as a process: flags and environment variables, authentication, limits,
//! timeouts, hostile input, the provisioning log and graceful shutdown.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Server, TOKEN, client, send, send_with};
use serde_json::{Value, json};

const USER: &str = r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com", "externalId": "e-ada"}"#;

fn user(name: &str) -> String {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}).to_string()
}

#[tokio::test]
async fn authentication_discovery_and_unknown_paths() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &[]);
    let http = client();
    // RFC 7644 §2 / RFC 6750 §3: 401 with a challenge and a SCIM Error.
    let (status, headers, body) = send_with(&http, "GET", &server.url("/Users"), "", "wrong").await;
    assert_eq!(status, 401);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(body["status"], "401");
    // Discovery is readable without a token and refuses writes (RFC 7644 §4).
    for endpoint in ["/ServiceProviderConfig", "/ResourceTypes", "/Schemas"] {
        let response = http.get(server.url(endpoint)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{endpoint}");
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let (status, _, body) = send(&http, method, &server.url(endpoint), "{}").await;
            assert_eq!(status, 405, "{method} {endpoint}");
            assert_eq!(body["status"], "405");
        }
    }
    // Unknown URLs, inside and outside the base path: 404 with a SCIM Error.
    let root = server.base_url.trim_end_matches("/scim/v2");
    for url in [
        server.url("/Nothing"),
        format!("{root}/elsewhere"),
        format!("{root}/"),
    ] {
        let (status, headers, body) = send(&http, "GET", &url, "").await;
        assert_eq!(status, 404, "{url}");
        assert_eq!(headers["content-type"], "application/scim+json");
        assert_eq!(body["status"], "404");
    }
    // Entra's Tenant URL flag and a `+`-encoded filter (Test connection).
    let probe = server.url(
        "/Users?aadOptscim062020&filter=userName+eq+%2200000000-0000-0000-0000-000000000000%22",
    );
    let (status, _, body) = send(&http, "GET", &probe, "").await;
    assert_eq!((status, body["totalResults"].clone()), (200, json!(0)));
}

/// Through axum and hyper: a 405 carries `Allow` (RFC 9110 §15.5.6) and HEAD is GET without
/// content (RFC 9110 §9.3.2). Regression: `DELETE /Users` had no `Allow`, `HEAD /Users/{id}`
/// was 405.
#[tokio::test]
async fn allow_on_405_and_head_as_get() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &[]);
    let http = client();
    let (status, headers, _) = send(&http, "DELETE", &server.url("/Users"), "").await;
    assert_eq!(
        (status, headers["allow"].to_str().unwrap()),
        (405, "GET, HEAD, POST")
    );
    let (status, _, ada) = send(&http, "POST", &server.url("/Users"), USER).await;
    assert_eq!(status, 201);
    let url = server.url(&format!("/Users/{}", ada["id"].as_str().unwrap()));
    let get = http.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    let get_etag = get.headers()["etag"].clone();
    let get_len = get.bytes().await.unwrap().len();
    let head = http.head(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["etag"], get_etag);
    assert_eq!(
        head.headers()["content-length"].to_str().unwrap(),
        get_len.to_string()
    );
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn bad_input_never_crashes_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start_in(
        dir.path(),
        &["--token", TOKEN, "--max-body-bytes", "4096"],
        &[],
    );
    let http = client();
    let users = server.url("/Users");
    // Over the body limit: 413 and a SCIM Error (RFC 7644 §3.12).
    let big = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "x".repeat(5000)})
    .to_string();
    let (status, _, body) = send(&http, "POST", &users, &big).await;
    assert_eq!((status, body["status"].as_str()), (413, Some("413")));
    let hostile = [
        "",
        "{",
        "null",
        "[]",
        "\"x\"",
        "{\"schemas\": 5}",
        "{\"userName\": {\"a\": []}}",
        "\u{0}\u{1}\u{2}",
        "{\"schemas\": [\"urn:ietf:params:scim:schemas:core:2.0:User\"], \"userName\": \"\u{10FFFF}\", \"emails\": [[[[]]]]}",
    ];
    for body in hostile {
        for (method, url) in [
            ("POST", users.clone()),
            ("PUT", server.url("/Users/x")),
            ("PATCH", server.url("/Users/x")),
            ("POST", server.url("/Bulk")),
            ("POST", server.url("/.search")),
        ] {
            let (status, _, reply) = send(&http, method, &url, body).await;
            assert!(
                (400..500).contains(&status),
                "{method} {url} {body:?}: {status} {reply}"
            );
        }
    }
    let deep = format!("{}userName eq \"a\"{}", "(".repeat(5000), ")".repeat(5000));
    let filtered = reqwest::Url::parse_with_params(&users, &[("filter", deep.as_str())]).unwrap();
    let (status, _, reply) = send(&http, "GET", filtered.as_str(), "").await;
    assert_eq!(
        (status, reply["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    // Still serving, and nothing was stored.
    assert!(server.is_running());
    let (status, _, list) = send(&http, "GET", &users, "").await;
    assert_eq!((status, list["totalResults"].clone()), (200, json!(0)));
}

#[test]
fn a_request_that_takes_too_long_gets_408() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &["--request-timeout", "1"]);
    let addr = server.addr();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // Announce 100 bytes, send 10, then stall.
    write!(
        stream,
        "POST /scim/v2/Users HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/scim+json\r\nContent-Length: 100\r\n\r\n{{\"schemas\""
    )
    .unwrap();
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        reply.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&reply).contains("\"status\"") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"status\":\"408\""), "{text}");
}

/// Reads until the server closes the connection (EOF or reset); panics if it is still open
/// after 20 s. Returns what was read.
fn read_until_closed(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("the connection is still open after 20 s; read so far: {reply:?}")
            }
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&reply).into_owned()
}

/// Slowloris: a connection that sends part of a request head (the tester's input), nothing,
/// or part of the HTTP/2 preface is closed once `--header-timeout` passes; a kept-alive
/// connection idle that long is closed after its response. Regression: the first stayed
/// open indefinitely (`--request-timeout` starts only once the head is in).
#[test]
fn a_connection_without_a_complete_request_head_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &["--header-timeout", "1"]);
    let addr = server.addr();
    for partial in [
        format!("GET /scim/v2/Users HTTP/1.1\r\nHost: {addr}\r\n"),
        String::new(),
        "PRI * HTTP/2.0\r\n".to_owned(),
    ] {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.write_all(partial.as_bytes()).unwrap();
        let reply = read_until_closed(&mut stream);
        assert!(reply.is_empty(), "{partial:?}: {reply}");
    }
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /scim/v2/ServiceProviderConfig HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let reply = read_until_closed(&mut stream);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test]
async fn flags_come_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        dir.path(),
        &["--memory"],
        &[
            ("SCIMKIT_TOKEN", "env-token"),
            ("SCIMKIT_COMPAT", "strict"),
            ("SCIMKIT_ALLOWED_DOMAINS", "example.com,example.org"),
            ("SCIMKIT_BASE_PATH", "/api/scim"),
        ],
    );
    assert!(
        server.base_url.ends_with("/api/scim"),
        "{}",
        server.base_url
    );
    assert_eq!(
        server.printed_token(),
        None,
        "a given token is never printed"
    );
    let http = client();
    let users = server.url("/Users");
    let (status, _, ada) = send_with(&http, "POST", &users, USER, "env-token").await;
    assert_eq!(status, 201, "{ada}");
    // The allowed-domains policy: 400 invalidValue naming the domain, nothing stored.
    let (status, _, err) = send_with(
        &http,
        "POST",
        &users,
        &user("eve@evil.example"),
        "env-token",
    )
    .await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    assert!(
        err["detail"].as_str().unwrap().contains("evil.example"),
        "{err}"
    );
    // The strict preset: Entra's capitalised "Replace" and string booleans are refused.
    let patch = r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#;
    let url = server.url(&format!("/Users/{}", ada["id"].as_str().unwrap()));
    let (status, _, _) = send_with(&http, "PATCH", &url, patch, "env-token").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn the_lenient_default_takes_entra_legacy_requests_and_answers_patch_with_200() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &[]);
    let http = client();
    let (_, _, ada) = send(&http, "POST", &server.url("/Users"), USER).await;
    let url = server.url(&format!("/Users/{}", ada["id"].as_str().unwrap()));
    let patch = r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#;
    let (status, _, body) = send(&http, "PATCH", &url, patch).await;
    assert_eq!(status, 200, "RFC 7644 §3.5.2: 200 with the resource");
    assert_eq!(body["active"], false);
}

#[tokio::test]
async fn every_change_is_one_provisioning_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &[]);
    let http = client();
    let (_, _, ada) = send(&http, "POST", &server.url("/Users"), USER).await;
    let uid = ada["id"].as_str().unwrap().to_owned();
    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Staff"})
    .to_string();
    let (_, _, staff) = send(&http, "POST", &server.url("/Groups"), &group).await;
    let gid = staff["id"].as_str().unwrap().to_owned();
    let add = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": uid}]}]})
    .to_string();
    let (status, _, _) = send(&http, "PATCH", &server.url(&format!("/Groups/{gid}")), &add).await;
    assert_eq!(status, 200);
    let (status, _, _) = send(&http, "POST", &server.url("/Users"), USER).await;
    assert_eq!(status, 409);
    let (status, _, _) = send(&http, "DELETE", &server.url(&format!("/Users/{uid}")), "").await;
    assert_eq!(status, 204);
    let log = server.log_text();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("scimkit::provisioning"))
        .collect();
    let expect = [
        ("operation=\"created\"", uid.as_str()),
        ("operation=\"created\"", gid.as_str()),
        ("operation=\"members_added\"", gid.as_str()),
        ("outcome=\"failure\"", "status=409"),
        ("operation=\"deleted\"", uid.as_str()),
    ];
    assert!(lines.len() >= expect.len(), "{log}");
    for (want, id) in expect {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(want) && l.contains(id) && l.contains("tenant=")),
            "no line with {want} and {id} in:\n{log}"
        );
    }
    let added = lines.iter().find(|l| l.contains("members_added")).unwrap();
    assert!(
        added.contains("count=1") && added.contains(&format!("members=\"{uid}\"")),
        "{added}"
    );
    let created = lines.iter().find(|l| l.contains("created")).unwrap();
    assert!(
        !created.contains("count=") && !created.contains("from="),
        "{created}"
    );
    let failure = lines.iter().find(|l| l.contains("status=409")).unwrap();
    assert!(
        failure.contains("scim_type=\"uniqueness\"") && failure.contains("tenant=\"default\""),
        "{failure}"
    );
}

#[tokio::test]
async fn json_logs_are_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::memory(dir.path(), &["--log-format", "json"]);
    let (status, _, ada) = send(&client(), "POST", &server.url("/Users"), USER).await;
    assert_eq!(status, 201);
    let log = server.log_text();
    let line: Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["target"] == "scimkit::provisioning")
        .unwrap_or_else(|| panic!("no provisioning line in {log}"));
    assert_eq!(line["fields"]["operation"], "created");
    assert_eq!(line["fields"]["tenant"], "default");
    assert_eq!(line["fields"]["id"], ada["id"]);
    assert_eq!(line["fields"]["outcome"], "success");
}

#[test]
fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &[]);
    let log = server.log.clone();
    let status = server.stop();
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("shutdown signal received") && log.contains("stopped"),
        "{log}"
    );
}

/// RFC 9865 over HTTP on the SQLite store: a client walks a filtered, sorted query by
/// cursor and gets exactly what index paging gives; `/ServiceProviderConfig` says so.
#[tokio::test]
async fn cursor_paging_walks_a_sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_in(dir.path(), &["--token", TOKEN], &[]);
    let http = client();
    for i in 0..25 {
        let name = format!("{}{i:02}@example.com", if i % 5 == 0 { "x" } else { "c" });
        let (status, _, _) = send(&http, "POST", &server.url("/Users"), &user(&name)).await;
        assert_eq!(status, 201);
    }
    let query = "filter=userName+sw+%22c%22&sortBy=userName&sortOrder=descending&count=7";
    let mut walked = Vec::new();
    let mut url = server.url(&format!("/Users?{query}&cursor"));
    loop {
        let (status, _, page) = send(&http, "GET", &url, "").await;
        assert_eq!(
            (status, page["totalResults"].as_u64()),
            (200, Some(20)),
            "{page}"
        );
        for user in page["Resources"].as_array().unwrap() {
            walked.push(user["userName"].as_str().unwrap().to_owned());
        }
        match page["nextCursor"].as_str() {
            Some(next) => url = server.url(&format!("/Users?{query}&cursor={next}")),
            None => break,
        }
    }
    let (_, _, all) = send(
        &http,
        "GET",
        &server.url("/Users?filter=userName+sw+%22c%22&sortBy=userName&sortOrder=descending"),
        "",
    )
    .await;
    let by_index: Vec<String> = all["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(walked.len(), 20);
    assert_eq!(walked, by_index);
    assert_eq!(walked[0], "c24@example.com");
    let (_, _, spc) = send(&http, "GET", &server.url("/ServiceProviderConfig"), "").await;
    assert_eq!(spc["pagination"]["cursor"], true);
}
