//! A SCIM 2.0 endpoint inside an axum application: scimkit's `ScimService` mounted under
//! `/scim/v2` next to the application's own routes, with the in-memory store and one static
//! bearer token.
//!
//! ```text
//! cargo run -p example-axum                      # listens on 127.0.0.1:3000
//! curl -H "Authorization: Bearer example-token" http://127.0.0.1:3000/scim/v2/Users
//! ```
//!
//! `LISTEN` (e.g. `127.0.0.1:0` for a free port) and `SCIM_TOKEN` override the defaults.
#![forbid(unsafe_code)]

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use scimkit_provision::{InMemoryStore, ScimService, Tenant, TokenAuthenticator};
use scimkit_schema::SchemaRegistry;

/// The bearer token the identity provider is configured with (use your own secret store).
const DEFAULT_TOKEN: &str = "example-token";

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let token = std::env::var("SCIM_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());

    // One registry for the store and the service: the RFC 7643 User, Group, EnterpriseUser.
    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    // The token selects the tenant; only its SHA-256 digest is kept.
    let authenticator = TokenAuthenticator::new();
    authenticator.insert(&token, Tenant::new("example"));
    let scim = ScimService::builder(store, Arc::new(authenticator))
        .registry(registry)
        .base_path("/scim/v2")
        .build();

    // `ScimService` is a `tower::Service` (feature `tower`): it reads the body up to its limit
    // and answers every path under its base path, unknown ones with a SCIM 404.
    let app = Router::new()
        .route(
            "/",
            get(|| async { "My app. SCIM 2.0 lives under /scim/v2.\n" }),
        )
        .route_service("/scim/v2", scim.clone())
        .route_service("/scim/v2/{*rest}", scim);

    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("SCIM 2.0 at http://{}/scim/v2", listener.local_addr()?);
    axum::serve(listener, app).await
}
