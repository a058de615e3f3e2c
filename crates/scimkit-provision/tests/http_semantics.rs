//! HTTP semantics the service owes every client beyond SCIM itself: `Allow` on 405
//! (RFC 9110 §15.5.6) and HEAD as GET without content (RFC 9110 §9.1, §9.3.2).

mod common;

use common::{send, service};
use serde_json::json;

fn allow(headers: &http::HeaderMap) -> &str {
    headers
        .get("Allow")
        .map(|v| v.to_str().unwrap())
        .unwrap_or("<none>")
}

/// RFC 9110 §15.5.6: a 405 MUST carry `Allow`. Regression: `DELETE /Users` was a 405
/// without it.
#[tokio::test]
async fn every_405_names_the_allowed_methods() {
    let service = service();
    for (method, path, expected) in [
        ("DELETE", "/Users", "GET, HEAD, POST"),
        ("POST", "/Users/x", "GET, HEAD, PUT, PATCH, DELETE"),
        ("GET", "/Users/.search", "POST"),
        ("GET", "/Bulk", "POST"),
        ("PUT", "/", "GET, HEAD"),
        ("GET", "/.search", "POST"),
        ("OPTIONS", "/Me", "GET, HEAD, PUT, PATCH, DELETE"),
        ("POST", "/ServiceProviderConfig", "GET, HEAD"),
        ("DELETE", "/Schemas", "GET, HEAD"),
        ("PATCH", "/ResourceTypes/User", "GET, HEAD"),
    ] {
        let (status, headers, body) = send(&service, method, path, "", &[]).await;
        assert_eq!(status, 405, "{method} {path}: {body}");
        assert_eq!(allow(&headers), expected, "{method} {path}");
        assert_eq!(body["status"], "405");
        assert_eq!(headers["Content-Type"], "application/scim+json");
    }
}

/// Regression: the detail of `POST /ServiceProviderConfig` cited two sections,
/// "... (RFC 7644 §4) (RFC 7644 §3.2)"; it cites one.
#[tokio::test]
async fn a_405_detail_cites_one_section() {
    let service = service();
    let (_, _, body) = send(&service, "POST", "/ServiceProviderConfig", "{}", &[]).await;
    assert_eq!(
        body["detail"],
        "POST is not supported on /ServiceProviderConfig; it supports GET, HEAD (RFC 7644 §4)"
    );
    let (_, _, body) = send(&service, "DELETE", "/Users", "", &[]).await;
    assert_eq!(
        body["detail"],
        "DELETE is not supported on /Users; it supports GET, HEAD, POST (RFC 7644 §3.2)"
    );
}

/// RFC 9110 §9.1 / §9.3.2: HEAD is GET without content: same status and headers (ETag
/// included), `Content-Length` of the GET body, no body. Regression: `HEAD /Users/{id}` was
/// 405.
#[tokio::test]
async fn head_is_get_without_content() {
    let service = service();
    let user =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada"});
    let (_, _, created) = send(&service, "POST", "/Users", &user.to_string(), &[]).await;
    let path = format!("/Users/{}", created["id"].as_str().unwrap());
    let response = |method: &'static str, path: String, headers: Vec<(&'static str, String)>| {
        let service = service.clone();
        async move {
            let mut builder = http::Request::builder()
                .method(method)
                .uri(format!("{}{path}", common::BASE))
                .header("Authorization", format!("Bearer {}", common::TOKEN));
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
            service.handle(builder.body(Vec::new()).unwrap()).await
        }
    };
    for path in [
        path.clone(),
        "/Users".to_owned(),
        "/ServiceProviderConfig".to_owned(),
    ] {
        let get = response("GET", path.clone(), vec![]).await;
        let head = response("HEAD", path.clone(), vec![]).await;
        assert_eq!(head.status(), 200, "{path}");
        assert!(head.body().is_empty(), "{path}");
        assert_eq!(
            head.headers()["Content-Length"],
            get.body().len().to_string().as_str(),
            "{path}"
        );
        assert_eq!(
            head.headers().get("ETag"),
            get.headers().get("ETag"),
            "{path}"
        );
        assert_eq!(head.headers()["Content-Type"], "application/scim+json");
    }
    let etag = response("GET", path.clone(), vec![]).await.headers()["ETag"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    // Conditional HEAD (RFC 7644 §3.14): 304 with the tag, no body.
    let head = response("HEAD", path, vec![("If-None-Match", etag.clone())]).await;
    assert_eq!(head.status(), 304);
    assert_eq!(head.headers()["ETag"], etag.as_str());
    assert!(head.body().is_empty());
    // An error is the GET's status and headers without its body.
    let missing = response("HEAD", "/Users/nope".to_owned(), vec![]).await;
    assert_eq!(missing.status(), 404);
    assert!(missing.body().is_empty());
    assert!(missing.headers().contains_key("Content-Length"));
}
