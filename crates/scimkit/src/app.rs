//! The axum application: the [`ScimService`] mounted as the fallback service (so every path,
//! unknown ones included, gets a SCIM answer), behind one middleware that enforces the request
//! timeout and writes refused writes to the provisioning log.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use scimkit_provision::{Authenticator, SCIM_JSON, ScimService};
use scimkit_schema::ScimError;
use serde_json::Value;

use crate::provisioning_log::{self, Failure};

/// Largest error body the provisioning log reads back to find `scimType` and `detail`.
const MAX_LOGGED_ERROR_BYTES: usize = 64 << 10;

/// What the middleware needs.
#[derive(Clone)]
struct Guard {
    authenticator: Arc<dyn Authenticator>,
    timeout: Duration,
    base_path: String,
}

/// The router: `service` for every path, with the request `timeout` (body upload included;
/// 408 with a SCIM Error beyond) and failure logging through `authenticator` (to name the
/// tenant of a refused write).
pub fn router(
    service: ScimService,
    authenticator: Arc<dyn Authenticator>,
    timeout: Duration,
) -> Router {
    let guard = Guard {
        authenticator,
        timeout,
        base_path: service.config().base_path.clone(),
    };
    Router::new()
        .fallback_service(service)
        .layer(middleware::from_fn_with_state(guard, guarded))
}

async fn guarded(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let token = bearer(&request).map(str::to_owned);
    let response = match tokio::time::timeout(guard.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => scim_error(&ScimError::with_status(
            408,
            format!(
                "the request was not completed within {} seconds; nothing is acknowledged",
                guard.timeout.as_secs()
            ),
        )),
    };
    let status = response.status();
    tracing::debug!(target: "scimkit::http", %method, path, status = status.as_u16());
    let Some(operation) = provisioning_log::write_operation(&method, &path) else {
        return response;
    };
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let tenant = match token {
        Some(token) => guard
            .authenticator
            .authenticate(&token)
            .await
            .map(|p| p.tenant.id.clone()),
        None => None,
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_LOGGED_ERROR_BYTES)
        .await
        .unwrap_or_default();
    let error: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    provisioning_log::failure(&Failure {
        tenant: tenant.as_deref(),
        operation,
        path: path.strip_prefix(&guard.base_path).unwrap_or(&path),
        status: status.as_u16(),
        scim_type: error.get("scimType").and_then(Value::as_str),
        detail: error.get("detail").and_then(Value::as_str),
    });
    Response::from_parts(parts, Body::from(bytes))
}

fn bearer(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("Bearer").then(|| token.trim())
}

fn scim_error(err: &ScimError) -> Response {
    let body = serde_json::to_vec(err).unwrap_or_default();
    let status =
        http::StatusCode::from_u16(err.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(http::header::CONTENT_TYPE, SCIM_JSON)], body).into_response()
}
