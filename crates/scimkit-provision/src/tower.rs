//! `tower::Service` for [`ScimService`] (feature `tower`): mount it in axum
//! (`Router::nest_service("/scim/v2", service)`), hyper, or any tower stack.
//!
//! The request body is collected up to [`Limits::max_body_bytes`](crate::Limits) (a longer
//! body is answered with 413 without being read further); the response body is
//! `http_body_util::Full<Bytes>`. The service never fails: every problem is a SCIM Error
//! response, so the error type is [`Infallible`].

use std::convert::Infallible;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use scimkit_schema::ScimError;

use crate::service::ScimService;
use crate::service::wire::Reply;
use crate::store::BoxFuture;

impl<B> tower::Service<Request<B>> for ScimService
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response<Full<Bytes>>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let service = self.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let limit = service.config().limits.max_body_bytes;
            let response = match Limited::new(body, limit).collect().await {
                Ok(collected) => {
                    let body = collected.to_bytes().to_vec();
                    service.handle(Request::from_parts(parts, body)).await
                }
                Err(err) => {
                    let scim = if err.downcast_ref::<LengthLimitError>().is_some() {
                        ScimError::with_status(
                            413,
                            format!("the request body exceeds the limit of {limit} bytes"),
                        )
                    } else {
                        ScimError::invalid_syntax(format!(
                            "the request body could not be read: {err}"
                        ))
                    };
                    Reply::error(&scim).into_response()
                }
            };
            Ok(response.map(|body| Full::new(Bytes::from(body))))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tower::Service;

    use super::*;
    use crate::{InMemoryStore, ServiceConfig, Tenant, TokenAuthenticator};

    fn service() -> ScimService {
        let registry = Arc::new(scimkit_schema::SchemaRegistry::core());
        let auth = TokenAuthenticator::new();
        auth.insert("t", Tenant::new("acme"));
        let mut config = ServiceConfig::new("/scim/v2");
        config.limits.max_body_bytes = 64;
        ScimService::builder(
            Arc::new(InMemoryStore::new(registry.clone())),
            Arc::new(auth),
        )
        .registry(registry)
        .config(config)
        .build()
    }

    #[tokio::test]
    async fn serves_http_body_requests_and_limits_the_body() {
        let mut svc = service();
        let body = Full::new(Bytes::from_static(
            br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a"}"#,
        ));
        let request = Request::post("/scim/v2/Users")
            .header("Authorization", "Bearer t")
            .body(body)
            .unwrap();
        let response = svc.call(request).await.unwrap();
        assert_eq!(response.status(), 413, "71 bytes > 64");
        let small = Full::new(Bytes::from_static(b""));
        let request = Request::get("/scim/v2/Users")
            .header("Authorization", "Bearer t")
            .body(small)
            .unwrap();
        let response = svc.call(request).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["Content-Type"], "application/scim+json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let list: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(list["totalResults"], 0);
    }
}
