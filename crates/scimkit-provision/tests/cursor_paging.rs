//! Cursor paging (RFC 9865): `cursor` on `GET`, in `/.search` bodies and at the root;
//! `nextCursor` / `previousCursor`; `invalidCursor` and `invalidCount`.

mod common;

use std::sync::Arc;

use common::{BASE, TOKEN, send, service_with};
use proptest::prelude::*;
use scimkit_provision::{
    InMemoryStore, Limits, ScimService, ServiceConfig, Tenant, TokenAuthenticator,
};
use scimkit_schema::SchemaRegistry;
use serde_json::{Value, json};

async fn with_users(names: &[&str]) -> ScimService {
    let (service, _, _) = service_with(Tenant::new("acme"));
    for name in names {
        let body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        let (status, _, _) = send(&service, "POST", "/Users", &body.to_string(), &[]).await;
        assert_eq!(status, 201);
    }
    service
}

fn names(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userName"].as_str().unwrap().to_owned())
        .collect()
}

async fn get(service: &ScimService, uri: &str) -> Value {
    let (status, _, list) = send(service, "GET", uri, "", &[]).await;
    assert_eq!(status, 200, "{uri}: {list}");
    list
}

async fn error(service: &ScimService, method: &str, uri: &str, body: &str) -> (String, String) {
    let (status, _, err) = send(service, method, uri, body, &[]).await;
    assert_eq!(status, 400, "{uri}: {err}");
    assert_eq!(err["status"], "400");
    (
        err["scimType"].as_str().unwrap().to_owned(),
        err["detail"].as_str().unwrap().to_owned(),
    )
}

const SEVEN: [&str; 7] = ["u0", "u1", "u2", "u3", "u4", "u5", "u6"];

/// RFC 9865 §2: a bare `cursor` starts; `nextCursor` is on every page but the last;
/// `previousCursor` is on every page but the first and leads back to the page before.
#[tokio::test]
async fn a_client_walks_every_page_forward_and_back() {
    let service = with_users(&SEVEN).await;
    let first = get(&service, "/Users?cursor&count=3").await;
    assert_eq!(names(&first), ["u0", "u1", "u2"]);
    assert_eq!(first["totalResults"], 7);
    assert_eq!(first["itemsPerPage"], 3);
    assert!(first.get("startIndex").is_none(), "{first}");
    assert!(first.get("previousCursor").is_none(), "{first}");
    let next = first["nextCursor"].as_str().unwrap();
    // RFC 9865 §2: URL-safe, unreserved characters only.
    assert!(
        next.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    );

    let second = get(&service, &format!("/Users?cursor={next}&count=3")).await;
    assert_eq!(names(&second), ["u3", "u4", "u5"]);
    let back = second["previousCursor"].as_str().unwrap();
    let again = get(&service, &format!("/Users?cursor={back}&count=3")).await;
    assert_eq!(names(&again), ["u0", "u1", "u2"]);

    // A later page may leave `count` out: it keeps the first page's.
    let next = second["nextCursor"].as_str().unwrap();
    let last = get(&service, &format!("/Users?cursor={next}")).await;
    assert_eq!(names(&last), ["u6"]);
    assert_eq!(last["itemsPerPage"], 1);
    assert!(last.get("nextCursor").is_none(), "{last}");
    assert!(last["previousCursor"].is_string());
}

/// Cursor pages hold the same resources, in the same order, as index pages of the same
/// filtered and sorted query (RFC 9865 §2.2).
#[tokio::test]
async fn cursor_pages_follow_the_filter_and_sort() {
    let service = with_users(&["b1", "a1", "c1", "a2", "x9", "b2"]).await;
    let query = "filter=userName+ne+%22x9%22&sortBy=userName&sortOrder=descending&count=2";
    let mut walked = Vec::new();
    let mut uri = format!("/Users?{query}&cursor=");
    loop {
        let page = get(&service, &uri).await;
        assert_eq!(page["totalResults"], 5);
        walked.extend(names(&page));
        match page["nextCursor"].as_str() {
            Some(next) => uri = format!("/Users?{query}&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(walked, ["c1", "b2", "b1", "a2", "a1"]);
    let all = get(&service, &format!("/Users?{query}&count=10")).await;
    assert_eq!(names(&all), walked);
}

/// RFC 9865 §3: `"cursor": ""` in a SearchRequest body, on a type and at the root
/// (RFC 7644 §3.4.3, §3.4.2.1), and a cursor from one carried into the next body.
#[tokio::test]
async fn search_bodies_carry_the_cursor() {
    let service = with_users(&["u0", "u1", "u2"]).await;
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g"});
    send(&service, "POST", "/Groups", &group.to_string(), &[]).await;
    for (path, total) in [("/Users/.search", 3usize), ("/.search", 4)] {
        let mut body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "cursor": "", "count": 2});
        let mut seen = 0;
        let mut pages = 0;
        loop {
            let (status, _, page) = send(&service, "POST", path, &body.to_string(), &[]).await;
            assert_eq!(status, 200, "{path}: {page}");
            assert_eq!(page["totalResults"], total);
            seen += page["Resources"].as_array().unwrap().len();
            pages += 1;
            match page["nextCursor"].as_str() {
                Some(next) => body["cursor"] = json!(next),
                None => break,
            }
        }
        assert_eq!((seen, pages), (total, total.div_ceil(2)), "{path}");
    }
}

/// RFC 9865 §2.1, §5: a cursor used with another filter or on another resource type, a
/// made-up one, and one from another tenant are all the same 400 `invalidCursor`.
#[tokio::test]
async fn a_cursor_only_works_for_its_own_query_and_tenant() {
    let (service, _, auth) = service_with(Tenant::new("acme"));
    auth.insert("other-token", Tenant::new("globex"));
    for name in SEVEN {
        let body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        send(&service, "POST", "/Users", &body.to_string(), &[]).await;
    }
    let first = get(&service, "/Users?filter=userName+pr&cursor&count=2").await;
    let next = first["nextCursor"].as_str().unwrap().to_owned();
    for uri in [
        format!("/Users?cursor={next}&count=2"),
        format!("/Users?filter=userName+sw+%22u%22&cursor={next}&count=2"),
        format!("/Users?filter=userName+pr&sortBy=userName&cursor={next}&count=2"),
        format!("/Groups?filter=userName+pr&cursor={next}&count=2"),
        "/Users?filter=userName+pr&cursor=not-a-cursor&count=2".to_owned(),
        format!(
            "/Users?filter=userName+pr&cursor={}&count=2",
            &next[..next.len() - 2]
        ),
    ] {
        let (scim_type, detail) = error(&service, "GET", &uri, "").await;
        assert_eq!(scim_type, "invalidCursor", "{uri}");
        assert!(detail.contains("RFC 9865 §2.1"), "{detail}");
    }
    let request = http::Request::get(format!(
        "{BASE}/Users?filter=userName+pr&cursor={next}&count=2"
    ))
    .header("Authorization", "Bearer other-token")
    .body(Vec::new())
    .unwrap();
    let response = service.handle(request).await;
    let err: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(
        (response.status().as_u16(), err["scimType"].as_str()),
        (400, Some("invalidCursor"))
    );
    // The operator's case and the attribute list are not part of the query's identity.
    let page = get(
        &service,
        &format!("/Users?filter=userName+PR&attributes=id&cursor={next}&count=2"),
    )
    .await;
    assert_eq!(page["Resources"].as_array().unwrap().len(), 2);
    assert!(page["Resources"][0].get("userName").is_none());
    let _ = TOKEN;
}

/// RFC 9865 §2.1 `invalidCount`: a count above `maxPageSize` or different from the first
/// page's; RFC 9865 §2.4: `startIndex` with `cursor` is 400 `invalidValue`.
#[tokio::test]
async fn counts_and_start_index_are_checked() {
    let registry = Arc::new(SchemaRegistry::core());
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert(TOKEN, Tenant::new("acme"));
    let service = ScimService::builder(Arc::new(InMemoryStore::new(registry.clone())), auth)
        .registry(registry)
        .config(ServiceConfig {
            limits: Limits {
                max_page_size: 5,
                default_page_size: 2,
                ..Limits::default()
            },
            ..ServiceConfig::new("/v2")
        })
        .build();
    for name in SEVEN {
        let body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        send(&service, "POST", "/Users", &body.to_string(), &[]).await;
    }
    let (scim_type, detail) = error(&service, "GET", "/Users?cursor&count=6", "").await;
    assert_eq!(scim_type, "invalidCount");
    assert!(
        detail.contains("count 6 is above maxPageSize 5"),
        "{detail}"
    );
    // Regression (tester): the detail quoted the count clamped to i64.
    let huge = "99999999999999999999999";
    let (_, detail) = error(&service, "GET", &format!("/Users?cursor&count={huge}"), "").await;
    assert!(
        detail.contains(&format!("count {huge} is above")),
        "{detail}"
    );
    // Index paging still serves such a count as the maximum (RFC 7644 §3.4.2.4).
    assert_eq!(get(&service, "/Users?count=6").await["itemsPerPage"], 5);

    let first = get(&service, "/Users?cursor").await;
    assert_eq!(names(&first), ["u0", "u1"], "the default page size");
    let next = first["nextCursor"].as_str().unwrap();
    let (scim_type, detail) = error(
        &service,
        "GET",
        &format!("/Users?cursor={next}&count=3"),
        "",
    )
    .await;
    assert_eq!(scim_type, "invalidCount");
    assert!(detail.contains("differs from the count 2"), "{detail}");
    let (_, detail) = error(
        &service,
        "GET",
        &format!("/Users?cursor={next}&count=-1"),
        "",
    )
    .await;
    assert!(detail.contains("count -1 (taken as 0) differs"), "{detail}");
    assert_eq!(
        names(&get(&service, &format!("/Users?cursor={next}&count=2")).await),
        ["u2", "u3"]
    );

    let (scim_type, _) = error(&service, "GET", "/Users?cursor&startIndex=3", "").await;
    assert_eq!(scim_type, "invalidValue");

    // `count=0` gives only the total, and no cursor that would never move (RFC 7644 §3.4.2.4).
    let empty = get(&service, "/Users?cursor&count=0").await;
    assert_eq!(
        (
            empty["totalResults"].as_u64(),
            empty["itemsPerPage"].as_u64()
        ),
        (Some(7), Some(0))
    );
    assert!(empty.get("nextCursor").is_none(), "{empty}");
}

/// RFC 9865 §2.4: with neither `cursor` nor `startIndex`, paging is by index, as before.
#[tokio::test]
async fn without_a_cursor_paging_is_by_index() {
    let service = with_users(&SEVEN).await;
    let page = get(&service, "/Users?count=3").await;
    assert_eq!(
        (page["startIndex"].as_u64(), page["itemsPerPage"].as_u64()),
        (Some(1), Some(3))
    );
    assert!(page.get("nextCursor").is_none(), "{page}");
    let (_, _, spc) = send(&service, "GET", "/ServiceProviderConfig", "", &[]).await;
    assert_eq!(spc["pagination"]["cursor"], true);
    assert_eq!(spc["pagination"]["defaultPaginationMethod"], "index");
    assert_eq!(spc["pagination"]["cursorTimeout"], 3600);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// For any number of users and any page size, following `nextCursor` visits every user
    /// once, in index order, in `ceil(n / count)` pages, and following `previousCursor` from
    /// the last page visits the same pages backwards.
    #[test]
    fn cursors_visit_every_resource_once(n in 0usize..23, count in 1u64..9) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let names: Vec<String> = (0..n).map(|i| format!("u{i:02}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let service = with_users(&refs).await;
            let mut pages = Vec::new();
            let mut uri = format!("/Users?cursor&count={count}");
            loop {
                let page = get(&service, &uri).await;
                assert_eq!(page["totalResults"].as_u64(), Some(n as u64));
                pages.push((names_of(&page), page["previousCursor"].as_str().map(str::to_owned)));
                match page["nextCursor"].as_str() {
                    Some(next) => uri = format!("/Users?cursor={next}&count={count}"),
                    None => break,
                }
            }
            let walked: Vec<String> = pages.iter().flat_map(|p| p.0.clone()).collect();
            assert_eq!(walked, names);
            assert_eq!(pages.len(), n.div_ceil(count as usize).max(1));
            // Backwards: each page's previousCursor opens the page before it.
            for i in (1..pages.len()).rev() {
                let back = pages[i].1.as_deref().expect("previousCursor after the first page");
                let page = get(&service, &format!("/Users?cursor={back}")).await;
                assert_eq!(names_of(&page), pages[i - 1].0);
            }
            assert!(pages[0].1.is_none());
        });
    }
}

fn names_of(list: &Value) -> Vec<String> {
    list["Resources"]
        .as_array()
        .map_or_else(Vec::new, |_| names(list))
}

/// RFC 9865 §5: cursors are tagged under the service's secret key. Regression (tester): the
/// tag was a plain digest of public inputs, so a client could compute a cursor whose page
/// size escaped `maxPageSize` and whose issue time never expired.
#[tokio::test]
async fn a_cursor_computed_without_the_key_is_refused() {
    use sha2::{Digest, Sha256};
    // The unkeyed construction: digest of (tenant, type, filter, sort), then of the fields.
    let forge = |offset: u64, count: u64, issued: u64| {
        let mut query = Sha256::new();
        for part in ["acme", "User", "", ""] {
            query.update((part.len() as u64).to_be_bytes());
            query.update(part.as_bytes());
        }
        let mut fields = vec![1u8];
        for word in [offset, count, issued] {
            fields.extend_from_slice(&word.to_be_bytes());
        }
        let mut tag = Sha256::new();
        tag.update(b"scimkit cursor");
        tag.update(query.finalize());
        tag.update(&fields);
        fields.extend_from_slice(&tag.finalize()[..16]);
        fields
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let service = with_users(&SEVEN).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for cursor in [forge(0, 5000, now), forge(2, 2, u64::MAX), forge(0, 2, now)] {
        let (scim_type, _) = error(&service, "GET", &format!("/Users?cursor={cursor}"), "").await;
        assert_eq!(scim_type, "invalidCursor");
    }
}

/// `ScimServiceBuilder::cursor_key`: instances sharing a key (replicas, or one process
/// after a restart) accept each other's cursors; by default each has its own random key.
#[tokio::test]
async fn instances_with_one_cursor_key_share_cursors() {
    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    let instance = |key: Option<&str>| {
        let auth = Arc::new(TokenAuthenticator::new());
        auth.insert(TOKEN, Tenant::new("acme"));
        let builder = ScimService::builder(store.clone(), auth)
            .registry(registry.clone())
            .base_path("/v2");
        match key {
            Some(key) => builder.cursor_key(key),
            None => builder,
        }
        .build()
    };
    let (a, b, c, d, e) = (
        instance(Some("shared secret")),
        instance(Some("shared secret")),
        instance(None),
        instance(Some("")),
        instance(Some("")),
    );
    for name in SEVEN {
        let body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        send(&a, "POST", "/Users", &body.to_string(), &[]).await;
    }
    let first = get(&a, "/Users?cursor&count=3").await;
    let next = first["nextCursor"].as_str().unwrap();
    assert_eq!(
        names(&get(&b, &format!("/Users?cursor={next}")).await),
        ["u3", "u4", "u5"]
    );
    let (scim_type, _) = error(&c, "GET", &format!("/Users?cursor={next}"), "").await;
    assert_eq!(scim_type, "invalidCursor");
    // An empty key is ignored: each keeps its own random key.
    let first = get(&d, "/Users?cursor&count=3").await;
    let next = first["nextCursor"].as_str().unwrap();
    let (scim_type, _) = error(&e, "GET", &format!("/Users?cursor={next}"), "").await;
    assert_eq!(scim_type, "invalidCursor");
}
