//! The service's own rules: authentication and tenants, the provisioning switch, policies,
//! limits, media types, soft delete, `/Me`, and concurrent PATCHes.

mod common;

use std::sync::Arc;

use common::{BASE, TOKEN, send, service, service_with};
use scimkit_provision::{
    BoxFuture, Change, InMemoryStore, Limits, MeResolver, MeTarget, RequestContext, ScimService,
    ServiceConfig, Tenant, TokenAuthenticator,
};
use scimkit_schema::SchemaRegistry;
use serde_json::{Value, json};

fn user(name: &str) -> String {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}).to_string()
}

async fn raw(
    service: &ScimService,
    request: http::Request<Vec<u8>>,
) -> (u16, http::HeaderMap, Value) {
    let response = service.handle(request).await;
    let status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap()
    };
    (status, parts.headers, json)
}

/// RFC 7644 §2, RFC 6750 §3: no or a wrong token is 401 with `WWW-Authenticate: Bearer` and
/// a SCIM Error; discovery is public by default (RFC 7643 §5).
#[tokio::test]
async fn authentication() {
    let service = service();
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer "),
    ] {
        let mut request = http::Request::get(format!("{BASE}/Users"));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let (status, headers, body) = raw(&service, request.body(Vec::new()).unwrap()).await;
        assert_eq!(status, 401, "{auth:?}");
        assert!(
            headers["WWW-Authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        assert_eq!(headers["Content-Type"], "application/scim+json");
        assert_eq!(body["status"], "401");
    }
    let request = http::Request::get(format!("{BASE}/ServiceProviderConfig"))
        .body(Vec::new())
        .unwrap();
    assert_eq!(raw(&service, request).await.0, 200);

    let registry = Arc::new(SchemaRegistry::core());
    let private = ScimService::builder(
        Arc::new(InMemoryStore::new(registry.clone())),
        Arc::new(TokenAuthenticator::new()),
    )
    .registry(registry)
    .config(ServiceConfig {
        public_discovery: false,
        ..ServiceConfig::new("/v2")
    })
    .build();
    let request = http::Request::get(format!("{BASE}/Schemas"))
        .body(Vec::new())
        .unwrap();
    assert_eq!(raw(&private, request).await.0, 401);
}

/// Each token selects its tenant; tenants see only their own data.
#[tokio::test]
async fn tenants_are_isolated() {
    let (service, _, auth) = service_with(Tenant::new("acme"));
    auth.insert("globex-token", Tenant::new("globex"));
    let (status, _, created) = send(&service, "POST", "/Users", &user("ada"), &[]).await;
    assert_eq!(status, 201);
    let uid = created["id"].as_str().unwrap();
    let globex = |method: &str, path: &str, body: &str| {
        http::Request::builder()
            .method(method)
            .uri(format!("{BASE}{path}"))
            .header("Authorization", "Bearer globex-token")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    assert_eq!(
        raw(&service, globex("GET", &format!("/Users/{uid}"), ""))
            .await
            .0,
        404
    );
    assert_eq!(
        raw(&service, globex("DELETE", &format!("/Users/{uid}"), ""))
            .await
            .0,
        404
    );
    let (_, _, list) = raw(&service, globex("GET", "/Users", "")).await;
    assert_eq!(list["totalResults"], 0);
    assert_eq!(
        raw(&service, globex("POST", "/Users", &user("ada")))
            .await
            .0,
        201,
        "userName is unique per tenant"
    );
    let (_, _, mine) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(mine["totalResults"], 1);
}

/// The "SCIM sync active" switch: a disabled tenant gets 403 and nothing changes.
#[tokio::test]
async fn disabled_tenant_is_403_and_nothing_changes() {
    let (service, log, auth) = service_with(Tenant::new("acme"));
    let (_, _, created) = send(&service, "POST", "/Users", &user("ada"), &[]).await;
    let uid = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        auth.update_tenant(Tenant::new("acme").with_enabled(false)),
        1
    );
    for (method, path, body) in [
        ("GET", "/Users".to_owned(), String::new()),
        ("POST", "/Users".into(), user("bob")),
        ("DELETE", format!("/Users/{uid}"), String::new()),
    ] {
        let (status, _, err) = send(&service, method, &path, &body, &[]).await;
        assert_eq!(
            (status, err["status"].as_str()),
            (403, Some("403")),
            "{method} {path}"
        );
    }
    auth.update_tenant(Tenant::new("acme"));
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(
        list["totalResults"], 1,
        "nothing was created or deleted while off"
    );
    assert_eq!(log.take().len(), 1, "only the first create was recorded");
}

/// The allowed-email-domains policy: refused users get 400 invalidValue naming the domain
/// and nothing is stored; changing an email within allowed domains keeps id and data.
#[tokio::test]
async fn allowed_email_domains() {
    let (service, log, _) =
        service_with(Tenant::new("acme").with_allowed_email_domains(["acme.example"]));
    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@evil.example"}).to_string();
    let (status, _, err) = send(&service, "POST", "/Users", &body, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    assert!(
        err["detail"].as_str().unwrap().contains("evil.example"),
        "{err}"
    );
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(list["totalResults"], 0, "nothing stored");

    let body = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@acme.example",
        "title": "Engineer", "emails": [{"value": "ada@acme.example", "type": "work"}]}).to_string();
    let (_, _, created) = send(&service, "POST", "/Users", &body, &[]).await;
    let uid = created["id"].as_str().unwrap().to_owned();
    let to_evil = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada@evil.example"}]}).to_string();
    let (status, _, err) = send(&service, "PATCH", &format!("/Users/{uid}"), &to_evil, &[]).await;
    assert_eq!(status, 400, "{err}");
    let to_acme = to_evil.replace("evil.example", "ACME.example");
    let (status, _, patched) =
        send(&service, "PATCH", &format!("/Users/{uid}"), &to_acme, &[]).await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (patched["id"].as_str(), patched["title"].as_str()),
        (Some(uid.as_str()), Some("Engineer"))
    );
    assert_eq!(patched["emails"][0]["value"], "ada@ACME.example");
    assert_eq!(
        log.take()
            .iter()
            .map(|e| e.change.clone())
            .collect::<Vec<_>>(),
        [Change::Created, Change::Updated]
    );
}

/// The allowed-domains policy on the tester's inputs: a `userName` without `@` is a login
/// name and passes; an address with two `@` (the domain "after the last @" was checked) or a
/// look-alike at sign is refused with 400 invalidValue whatever its domains, nothing stored.
#[tokio::test]
async fn allowed_email_domains_login_names_and_malformed_addresses() {
    let (service, _, _) =
        service_with(Tenant::new("acme").with_allowed_email_domains(["acme.example"]));
    let user = |name: &str, email: Option<&str>| {
        let mut body =
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
        if let Some(email) = email {
            body["emails"] = json!([{"value": email}]);
        }
        body.to_string()
    };
    for name in ["carl", "acme.example"] {
        let (status, _, body) = send(&service, "POST", "/Users", &user(name, None), &[]).await;
        assert_eq!(status, 201, "{name}: {body}");
    }
    for (name, email, quoted) in [
        (
            "x@evil.example@acme.example",
            None,
            "x@evil.example@acme.example",
        ),
        ("eve\u{FF20}evil.example", None, "eve\u{FF20}evil.example"),
        ("eve\u{FE6B}acme.example", None, "eve\u{FE6B}acme.example"),
        (
            "dan",
            Some("d@evil.example@acme.example"),
            "d@evil.example@acme.example",
        ),
        ("erin", Some("erin"), "erin"),
    ] {
        let (status, _, err) = send(&service, "POST", "/Users", &user(name, email), &[]).await;
        assert_eq!(
            (status, err["scimType"].as_str()),
            (400, Some("invalidValue")),
            "{name} {email:?}"
        );
        let detail = err["detail"].as_str().unwrap();
        assert!(detail.contains(quoted), "{detail}");
    }
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(list["totalResults"], 2, "only carl and acme.example");
}

/// Limits from one config struct: body size (413), filter length and depth (400
/// invalidFilter), page size (capped), published truthfully.
#[tokio::test]
async fn limits() {
    let registry = Arc::new(SchemaRegistry::core());
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert(TOKEN, Tenant::new("acme"));
    let limits = Limits {
        max_body_bytes: 200,
        max_filter_len: 40,
        max_filter_depth: 2,
        max_page_size: 3,
        default_page_size: 2,
        ..Limits::default()
    };
    let service = ScimService::builder(Arc::new(InMemoryStore::new(registry.clone())), auth)
        .registry(registry)
        .config(ServiceConfig {
            limits,
            ..ServiceConfig::new("/v2")
        })
        .build();
    let big = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x".repeat(300)}).to_string();
    let (status, _, err) = send(&service, "POST", "/Users", &big, &[]).await;
    assert_eq!((status, err["status"].as_str()), (413, Some("413")));
    for i in 0..5 {
        send(&service, "POST", "/Users", &user(&format!("u{i}")), &[]).await;
    }
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(
        (list["itemsPerPage"].as_u64(), list["totalResults"].as_u64()),
        (Some(2), Some(5)),
        "default page size"
    );
    let (_, _, list) = send(&service, "GET", "/Users?count=50", "", &[]).await;
    assert_eq!(list["itemsPerPage"], 3, "max page size");
    let long = format!("userName+eq+%22{}%22", "a".repeat(50));
    let (status, _, err) = send(&service, "GET", &format!("/Users?filter={long}"), "", &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    let deep = "not+%28not+%28not+%28userName+pr%29%29%29";
    let (status, _, err) = send(&service, "GET", &format!("/Users?filter={deep}"), "", &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    let (_, _, spc) = send(&service, "GET", "/ServiceProviderConfig", "", &[]).await;
    assert_eq!(spc["filter"]["maxResults"], 3);
    assert_eq!(
        spc["pagination"],
        json!({"cursor": true, "index": true, "defaultPaginationMethod": "index", "defaultPageSize": 2, "maxPageSize": 3, "cursorTimeout": 3600})
    );
    assert_eq!(
        spc["bulk"]["maxPayloadSize"], 200,
        "never above the body limit"
    );
}

/// RFC 7644 §3.8: JSON with or without charset is accepted; another charset is 415; bad
/// JSON is 400 invalidSyntax; unknown paths are 404; wrong methods 405; never a panic.
#[tokio::test]
async fn media_types_and_bad_input() {
    let service = service();
    for ct in [
        "application/scim+json; charset=utf-8",
        "application/json",
        "application/json;charset=\"UTF-8\"",
    ] {
        let (status, _, _) = send(
            &service,
            "POST",
            "/Users",
            &user(&format!("u-{}", ct.len())),
            &[("Content-Type", ct)],
        )
        .await;
        assert_eq!(status, 201, "{ct}");
    }
    let (status, _, _) = send(
        &service,
        "POST",
        "/Users",
        &user("latin"),
        &[("Content-Type", "application/json; charset=iso-8859-1")],
    )
    .await;
    assert_eq!(status, 415);
    for body in ["{", "[]", "\"x\"", "null", "{\"schemas\": 5}"] {
        let (status, headers, err) = send(&service, "POST", "/Users", body, &[]).await;
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(headers["Content-Type"], "application/scim+json");
    }
    let (status, _, _) = send(&service, "GET", "/Nope", "", &[]).await;
    assert_eq!(status, 404);
    let (status, _, _) = send(&service, "DELETE", "/Users", "", &[]).await;
    assert_eq!(status, 405);
    let (status, _, err) = send(
        &service,
        "GET",
        "/Users?attributes=userName&excludedAttributes=id",
        "",
        &[],
    )
    .await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
    let (status, _, _) = send(&service, "GET", "/Users/x", "", &[("If-Match", "garbage")]).await;
    assert_eq!(status, 400);
}

/// Soft delete is data: `active: false` keeps the user readable, findable and in its groups.
#[tokio::test]
async fn soft_delete_keeps_everything() {
    let service = service();
    let (_, _, u) = send(&service, "POST", "/Users", &user("ada"), &[]).await;
    let uid = u["id"].as_str().unwrap();
    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G", "members": [{"value": uid}]});
    let (_, _, g) = send(&service, "POST", "/Groups", &group.to_string(), &[]).await;
    let off = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": false}]});
    send(
        &service,
        "PATCH",
        &format!("/Users/{uid}"),
        &off.to_string(),
        &[],
    )
    .await;
    let (status, _, read) = send(&service, "GET", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!((status, read["active"].as_bool()), (200, Some(false)));
    let (_, _, found) = send(&service, "GET", "/Users?filter=active+eq+false", "", &[]).await;
    assert_eq!(found["totalResults"], 1);
    let gid = g["id"].as_str().unwrap().to_owned();
    let (_, _, g) = send(&service, "GET", &format!("/Groups/{gid}"), "", &[]).await;
    assert_eq!(g["members"][0]["value"], json!(uid));
    // RFC 7643 §4.1.2: the user's readOnly groups reflect the membership.
    assert_eq!(
        read["groups"],
        json!([{"value": gid, "type": "direct", "display": "G"}])
    );
    let (_, _, lean) = send(
        &service,
        "GET",
        &format!("/Users/{uid}?excludedAttributes=groups"),
        "",
        &[],
    )
    .await;
    assert!(lean.get("groups").is_none());
    let (_, _, named) = send(
        &service,
        "GET",
        &format!("/Users/{uid}?attributes=userName"),
        "",
        &[],
    )
    .await;
    assert!(named.get("groups").is_none());
}

/// Concurrent PATCHes adding members to one group (no If-Match) all succeed and lose
/// nothing: the store's version check plus the service's retries. 16 PATCHes, so the pass
/// does not depend on scheduling: a PATCH loses a round only to another PATCH's commit, so
/// at most 15 times, within the in-memory store's 16 attempts (`DEFAULT_PATCH_ATTEMPTS`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_member_patches_lose_nothing() {
    let service = service();
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Crowd"});
    let (_, _, g) = send(&service, "POST", "/Groups", &group.to_string(), &[]).await;
    let gid = g["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for n in 0..16 {
        let (service, gid) = (service.clone(), gid.clone());
        tasks.push(tokio::spawn(async move {
            let add = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": format!("m{n}")}]}]});
            send(&service, "PATCH", &format!("/Groups/{gid}"), &add.to_string(), &[]).await.0
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let (_, _, g) = send(&service, "GET", &format!("/Groups/{gid}"), "", &[]).await;
    assert_eq!(g["members"].as_array().unwrap().len(), 16);
}

struct FixedMe(String);

impl MeResolver for FixedMe {
    fn resolve<'a>(&'a self, _ctx: &'a RequestContext) -> BoxFuture<'a, Option<MeTarget>> {
        Box::pin(async move {
            Some(MeTarget {
                resource_type: "User".into(),
                id: self.0.clone(),
            })
        })
    }
}

/// RFC 7644 §3.11: `/Me` is 501 without a resolver; with one it acts on the subject's
/// resource and `Location` names it.
#[tokio::test]
async fn me_endpoint() {
    let service = service();
    let (status, _, _) = send(&service, "GET", "/Me", "", &[]).await;
    assert_eq!(status, 501);

    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert(TOKEN, Tenant::new("acme"));
    let plain = ScimService::builder(store.clone(), auth.clone())
        .registry(registry.clone())
        .base_path("/v2")
        .build();
    let (_, _, me) = send(&plain, "POST", "/Users", &user("me"), &[]).await;
    let uid = me["id"].as_str().unwrap().to_owned();
    let with_me = ScimService::builder(store, auth)
        .registry(registry)
        .base_path("/v2")
        .me_resolver(Arc::new(FixedMe(uid.clone())))
        .build();
    let (status, headers, body) = send(&with_me, "GET", "/Me", "", &[]).await;
    assert_eq!((status, body["userName"].as_str()), (200, Some("me")));
    assert_eq!(headers["Location"], format!("{BASE}/Users/{uid}").as_str());
    let (status, _, _) = send(&with_me, "POST", "/Me", &user("x"), &[]).await;
    assert_eq!(status, 501);
}
