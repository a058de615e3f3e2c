//! Shared set-up for the end-to-end tests: a service over the in-memory store, a token, and
//! small request helpers.
#![allow(dead_code)]

use std::sync::Arc;

use scimkit_provision::{EventLog, InMemoryStore, ScimService, Tenant, TokenAuthenticator};
use scimkit_replay::{Transport, TransportFuture};
use scimkit_schema::SchemaRegistry;
use serde_json::Value;

pub const TOKEN: &str = "test-token";
pub const BASE: &str = "http://example.com/v2";

/// A service at base path `/v2` with one tenant (token [`TOKEN`]) and an event log.
pub fn service_with(tenant: Tenant) -> (ScimService, Arc<EventLog>, Arc<TokenAuthenticator>) {
    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert(TOKEN, tenant);
    let events = Arc::new(EventLog::new());
    let service = ScimService::builder(store, auth.clone())
        .registry(registry)
        .base_path("/v2")
        .events(events.clone())
        .build();
    (service, events, auth)
}

pub fn service() -> ScimService {
    service_with(Tenant::new("acme")).0
}

/// Sends a request; `body` is JSON text (or empty). Returns status, headers and JSON body
/// (`Value::Null` when empty).
pub async fn send(
    service: &ScimService,
    method: &str,
    path_and_query: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, http::HeaderMap, Value) {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("{BASE}{path_and_query}"))
        .header("Authorization", format!("Bearer {TOKEN}"));
    let custom_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if !body.is_empty() && !custom_type {
        builder = builder.header("Content-Type", "application/scim+json");
    }
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let response = service
        .handle(builder.body(body.as_bytes().to_vec()).unwrap())
        .await;
    let status = response.status().as_u16();
    let (parts, bytes) = response.into_parts();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    };
    (status, parts.headers, json)
}

/// The replay transport: requests go straight into `ScimService::handle`, no network.
pub struct InProcess(pub ScimService);

impl Transport for InProcess {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        Box::pin(async move { Ok(self.0.handle(request).await) })
    }
}
