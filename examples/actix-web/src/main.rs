//! A SCIM 2.0 endpoint inside an actix-web application: scimkit's `ScimService` handles every
//! request under `/scim/v2`, with the in-memory store and one static bearer token.
//!
//! ```text
//! cargo run -p example-actix-web                 # listens on 127.0.0.1:3001
//! curl -H "Authorization: Bearer example-token" http://127.0.0.1:3001/scim/v2/Users
//! ```
//!
//! `LISTEN` (e.g. `127.0.0.1:0` for a free port) and `SCIM_TOKEN` override the defaults.
#![forbid(unsafe_code)]

use std::sync::Arc;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use scimkit_provision::{InMemoryStore, SCIM_JSON, ScimService, Tenant, TokenAuthenticator};
use scimkit_schema::{SchemaRegistry, ScimError};

/// The bearer token the identity provider is configured with (use your own secret store).
const DEFAULT_TOKEN: &str = "example-token";

/// actix-web speaks its own request type: copy method, URI, headers and body into an
/// `http::Request`, let the service answer, and copy the `http::Response` back.
async fn scim(
    request: HttpRequest,
    payload: web::Payload,
    service: web::Data<ScimService>,
) -> HttpResponse {
    let limit = service.config().limits.max_body_bytes;
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => body.to_vec(),
        Ok(Err(err)) => {
            return error(&ScimError::invalid_syntax(format!(
                "cannot read the body: {err}"
            )));
        }
        Err(_) => {
            return error(&ScimError::with_status(
                413,
                format!("the body exceeds {limit} bytes"),
            ));
        }
    };
    let mut builder = http::Request::builder()
        .method(request.method().as_str())
        .uri(request.uri().to_string());
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_bytes());
    }
    let Ok(request) = builder.body(body) else {
        return error(&ScimError::invalid_syntax("malformed request head"));
    };
    let response = service.handle(request).await;
    let mut reply = HttpResponse::build(
        actix_web::http::StatusCode::from_u16(response.status().as_u16())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR),
    );
    for (name, value) in response.headers() {
        reply.append_header((name.as_str(), value.as_bytes()));
    }
    reply.body(response.into_body())
}

/// A SCIM Error response (RFC 7644 §3.12) for what fails before the service sees the request.
fn error(err: &ScimError) -> HttpResponse {
    HttpResponse::build(
        actix_web::http::StatusCode::from_u16(err.status)
            .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST),
    )
    .content_type(SCIM_JSON)
    .body(serde_json::to_vec(err).unwrap_or_default())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:3001".into());
    let token = std::env::var("SCIM_TOKEN").unwrap_or_else(|_| DEFAULT_TOKEN.into());

    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    let authenticator = TokenAuthenticator::new();
    authenticator.insert(&token, Tenant::new("example"));
    let service = ScimService::builder(store, Arc::new(authenticator))
        .registry(registry)
        .base_path("/scim/v2")
        .build();

    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(service.clone()))
            .route(
                "/",
                web::get().to(|| async { "My app. SCIM 2.0 lives under /scim/v2.\n" }),
            )
            .service(web::scope("/scim/v2").default_service(web::to(scim)))
    })
    .bind(&listen)?;
    for addr in server.addrs() {
        println!("SCIM 2.0 at http://{addr}/scim/v2");
    }
    server.run().await
}
