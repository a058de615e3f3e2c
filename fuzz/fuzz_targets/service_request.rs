//! Arbitrary HTTP requests into `ScimService::handle` over the in-memory store.
//!
//! Input: the first byte picks the method (HEAD included), the text up to the first newline is the path and
//! query (appended to `/scim/v2`), the rest is the body. Checks: no panic, every response
//! is a valid status with a JSON body (a SCIM Error for 4xx/5xx) or an empty one, and an
//! error never changes the stored state (the user count stays as it was).
#![no_main]

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use scimkit_provision::{InMemoryStore, ScimService, Tenant, TokenAuthenticator};
use scimkit_schema::SchemaRegistry;

fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// A service with one seeded user in one group, rebuilt every 5,000 inputs so the store (which the
/// fuzzer fills with created users) stays small and runs stay fast.
fn service() -> ScimService {
    static SERVICE: Mutex<Option<(usize, ScimService)>> = Mutex::new(None);
    let mut slot = SERVICE.lock().unwrap_or_else(|e| e.into_inner());
    match slot.as_mut() {
        Some((uses, service)) if *uses < 5_000 => {
            *uses += 1;
            return service.clone();
        }
        _ => {}
    }
    let fresh = {
        let registry = Arc::new(SchemaRegistry::core());
        let auth = TokenAuthenticator::new();
        auth.insert("t", Tenant::new("fuzz"));
        let service = ScimService::builder(Arc::new(InMemoryStore::new(registry.clone())), Arc::new(auth))
            .registry(registry)
            .base_path("/scim/v2")
            .build();
        let seed = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"seed","emails":[{"value":"a@x","type":"work"}]}"#;
        let response = run(service.handle(request("POST", "/scim/v2/Users", seed.to_vec()).unwrap()));
        assert_eq!(response.status(), 201);
        // A group with the seed user, so filters on a User's derived groups have data.
        let user: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        let group = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "seeds", "members": [{"value": user["id"]}]});
        let response = run(service.handle(request("POST", "/scim/v2/Groups", group.to_string().into_bytes()).unwrap()));
        assert_eq!(response.status(), 201);
        service
    };
    *slot = Some((1, fresh.clone()));
    fresh
}

fn request(method: &str, uri: &str, body: Vec<u8>) -> Option<http::Request<Vec<u8>>> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("Authorization", "Bearer t")
        .header("Content-Type", "application/scim+json")
        .body(body)
        .ok()
}

fn count(service: &ScimService) -> u64 {
    let response = run(service.handle(request("GET", "/scim/v2/Users?count=0", Vec::new()).unwrap()));
    let list: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
    list["totalResults"].as_u64().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let method = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"][usize::from(selector) % 6];
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let Ok(target) = std::str::from_utf8(&rest[..split]) else { return };
    let body = rest.get(split + 1..).unwrap_or_default().to_vec();
    let Some(request) = request(method, &format!("/scim/v2{target}"), body) else { return };
    let service = &service();
    let before = count(service);
    let response = run(service.handle(request));
    let status = response.status().as_u16();
    assert!((200..600).contains(&status));
    if !response.body().is_empty() {
        let json: serde_json::Value = serde_json::from_slice(response.body()).expect("JSON body");
        if status >= 400 {
            assert_eq!(json["status"], status.to_string(), "SCIM Error status as a string");
            assert_eq!(json["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error");
            assert_eq!(count(service), before, "an error changed the stored state");
        }
    }
});
