//! [`ScimService`]: the SCIM 2.0 protocol (RFC 7644) over `http` types.

mod bulk;
mod changes;
mod cursor;
use cursor::CursorKey;
mod discovery;
mod groups_filter;
mod list;
mod me;
mod resources;
mod route;
mod served;
mod view;
pub(crate) mod wire;

use std::sync::Arc;

use http::{Method, Request, Response};
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};

use crate::auth::Authenticator;
use crate::config::ServiceConfig;
use crate::events::{EventSink, NoEvents};
use crate::policy::{AllowedEmailDomains, ValidationPolicy};
use crate::store::Store;
use crate::tenant::RequestContext;

pub use me::{MeResolver, MeTarget};
use route::Route;
use wire::{Query, Reply};

/// The SCIM protocol service: hand it an `http::Request` whose body is the request's bytes,
/// get back the `http::Response`. It knows no web framework (mount it in axum, actix-web,
/// hyper, ... with a few lines, or through the `tower` feature's `tower::Service`) and no
/// database (it talks to a [`Store`]).
///
/// One request flows forward only: route → authenticate (token → tenant, tenant enabled?) →
/// parse query and body once (filter, paths, projection; canonicalise and validate the body
/// with the tenant's compatibility preset) → validation policies → one store call (with the
/// expected version) → events → projection → response.
///
/// Cheap to clone (an `Arc` inside); `Send + Sync`.
///
/// ```
/// use std::sync::Arc;
/// use scimkit_provision::{InMemoryStore, ScimService, Tenant, TokenAuthenticator};
/// use scimkit_schema::SchemaRegistry;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = Arc::new(SchemaRegistry::core());
/// let auth = TokenAuthenticator::new();
/// auth.insert("secret-token", Tenant::new("acme"));
/// let service = ScimService::builder(Arc::new(InMemoryStore::new(registry.clone())), Arc::new(auth))
///     .registry(registry)
///     .base_path("/scim/v2")
///     .build();
///
/// let request = http::Request::post("/scim/v2/Users")
///     .header("Authorization", "Bearer secret-token")
///     .header("Content-Type", "application/scim+json")
///     .body(br#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen"}"#.to_vec())
///     .unwrap();
/// let response = service.handle(request).await;
/// assert_eq!(response.status(), 201);
/// assert!(response.headers().contains_key("ETag"));
/// let user: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
/// assert_eq!(user["userName"], "bjensen");
///
/// // Entra's "Test connection": a userName filter with '+' for spaces and the Tenant URL flag.
/// let probe = http::Request::get("/scim/v2/Users?aadOptscim062020&filter=userName+eq+%22nobody%22")
///     .header("Authorization", "Bearer secret-token")
///     .body(Vec::new())
///     .unwrap();
/// let response = service.handle(probe).await;
/// assert_eq!(response.status(), 200);
/// let list: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
/// assert_eq!(list["totalResults"], 0);
/// # });
/// ```
#[derive(Clone)]
pub struct ScimService {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) registry: Arc<SchemaRegistry>,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) authenticator: Arc<dyn Authenticator>,
    pub(crate) events: Arc<dyn EventSink>,
    pub(crate) policies: Vec<Arc<dyn ValidationPolicy>>,
    pub(crate) me: Option<Arc<dyn MeResolver>>,
    pub(crate) config: ServiceConfig,
    /// The key cursors are tagged with (RFC 9865 §5).
    pub(crate) cursor_key: CursorKey,
}

/// Builds a [`ScimService`]; see [`ScimService::builder`].
pub struct ScimServiceBuilder {
    inner: Inner,
}

impl ScimServiceBuilder {
    /// The schema registry (default [`SchemaRegistry::core`]). Must be the one the store was
    /// built with.
    pub fn registry(mut self, registry: Arc<SchemaRegistry>) -> Self {
        self.inner.registry = registry;
        self
    }

    /// The whole configuration (base path, limits, ...).
    pub fn config(mut self, config: ServiceConfig) -> Self {
        self.inner.config = config;
        self
    }

    /// Just the base path, e.g. `/scim/v2` (see [`ServiceConfig::new`]).
    pub fn base_path(mut self, base_path: &str) -> Self {
        self.inner.config.base_path = ServiceConfig::new(base_path).base_path;
        self
    }

    /// Where provisioning events go (default: nowhere).
    pub fn events(mut self, events: Arc<dyn EventSink>) -> Self {
        self.inner.events = events;
        self
    }

    /// Adds a validation policy; policies run in the order added, after the built-in
    /// [`AllowedEmailDomains`].
    pub fn policy(mut self, policy: Arc<dyn ValidationPolicy>) -> Self {
        self.inner.policies.push(policy);
        self
    }

    /// Enables `/Me` through `resolver` (without one, `/Me` answers 501, RFC 7644 §3.11).
    pub fn me_resolver(mut self, resolver: Arc<dyn MeResolver>) -> Self {
        self.inner.me = Some(resolver);
        self
    }

    /// The secret that tags RFC 9865 cursors: at least 32 random bytes (anyone who knows
    /// the key can make cursors the service accepts). Default: a random key made when the
    /// builder is created, so cursors end with the process (a client holding one gets 400
    /// `invalidCursor` and starts again). Give the same key to every instance behind one
    /// base URL, and across restarts, to keep cursors valid between them. An empty `key`
    /// is ignored (the random key stays), so an unset variable read as `""` cannot make
    /// cursors forgeable.
    pub fn cursor_key(mut self, key: impl AsRef<[u8]>) -> Self {
        if !key.as_ref().is_empty() {
            self.inner.cursor_key = CursorKey::new(key.as_ref());
        }
        self
    }

    /// The service.
    pub fn build(self) -> ScimService {
        ScimService {
            inner: Arc::new(self.inner),
        }
    }
}

impl ScimService {
    /// Starts building a service over `store` that authenticates with `authenticator`.
    pub fn builder(
        store: Arc<dyn Store>,
        authenticator: Arc<dyn Authenticator>,
    ) -> ScimServiceBuilder {
        ScimServiceBuilder {
            inner: Inner {
                registry: Arc::new(SchemaRegistry::core()),
                store,
                authenticator,
                events: Arc::new(NoEvents),
                policies: vec![Arc::new(AllowedEmailDomains)],
                me: None,
                config: ServiceConfig::default(),
                cursor_key: CursorKey::random(),
            },
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// The schema registry in use.
    pub fn registry(&self) -> &SchemaRegistry {
        &self.inner.registry
    }

    /// The `/ServiceProviderConfig` this service publishes (RFC 7643 §5), generated from its
    /// real configuration.
    pub fn service_provider_config(&self) -> scimkit_schema::ServiceProviderConfig {
        discovery::service_provider_config(&self.inner)
    }

    /// Handles one request. Never panics on input and never fails: every problem is a SCIM
    /// Error response (RFC 7644 §3.12) with `Content-Type: application/scim+json`.
    ///
    /// `HEAD` is answered as `GET` without content (RFC 9110 §9.3.2): the same status and
    /// headers (`ETag` included) and a `Content-Length` of the body a GET would carry. A 405
    /// carries `Allow` (RFC 9110 §15.5.6).
    pub async fn handle(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let head = request.method() == Method::HEAD;
        let response = match self.dispatch(&request).await {
            Ok(reply) => reply.into_response(),
            Err(err) => Reply::error(&err).into_response(),
        };
        if head {
            wire::without_content(response)
        } else {
            response
        }
    }

    async fn dispatch(&self, request: &Request<Vec<u8>>) -> Result<Reply, ScimError> {
        let inner = &*self.inner;
        let limits = &inner.config.limits;
        if request.body().len() > limits.max_body_bytes {
            return Err(ScimError::with_status(
                413,
                format!(
                    "the request body is {} bytes; the limit is {} bytes",
                    request.body().len(),
                    limits.max_body_bytes
                ),
            ));
        }
        let route = Route::parse(
            &inner.registry,
            &inner.config.base_path,
            request.uri().path(),
        )?;
        if !route.accepts(request.method()) {
            return Ok(method_not_allowed(request.method(), &route));
        }
        // RFC 9110 §9.3.2: HEAD is GET; `handle` drops the content.
        let method = match *request.method() {
            Method::HEAD => &Method::GET,
            ref other => other,
        };
        let query = Query::parse(request.uri().query());
        let base_url = wire::base_url(
            inner.config.public_base_url.as_deref(),
            &inner.config.base_path,
            request,
        );
        if route.is_discovery() && inner.config.public_discovery {
            return discovery::handle(inner, &route, &query, &base_url);
        }
        let ctx = self.authenticate(request).await?;
        if route.is_discovery() {
            return discovery::handle(inner, &route, &query, &base_url);
        }
        if !request.body().is_empty() {
            wire::check_content_type(request.headers())?;
        }
        let call = Call {
            inner,
            ctx: &ctx,
            base_url: &base_url,
            query: &query,
            headers: request.headers(),
        };
        match route {
            Route::Root => list::query_all(&call, list::Params::from_query(&query)?).await,
            Route::RootSearch => list::search_all(&call, request.body()).await,
            Route::Bulk => bulk::handle(&call, request.body()).await,
            Route::Me(rest) => me::handle(&call, method, &rest, request.body()).await,
            Route::Type(rt) if *method == Method::POST => {
                resources::create(&call, rt, request.body()).await
            }
            Route::Type(rt) => list::query(&call, rt, list::Params::from_query(&query)?).await,
            Route::TypeSearch(rt) => list::search(&call, rt, request.body()).await,
            Route::Resource(rt, id) => {
                resources::dispatch(&call, method, rt, &id, request.body()).await
            }
            Route::ServiceProviderConfig | Route::Schemas(_) | Route::ResourceTypes(_) => {
                discovery::handle(inner, &route, &query, &base_url)
            }
        }
    }

    async fn authenticate(&self, request: &Request<Vec<u8>>) -> Result<RequestContext, ScimError> {
        let token = wire::bearer_token(request.headers()).ok_or_else(|| {
            ScimError::with_status(
                401,
                "authentication required: send Authorization: Bearer <token> (RFC 7644 §2, RFC 6750)",
            )
        })?;
        let principal = self
            .inner
            .authenticator
            .authenticate(token)
            .await
            .ok_or_else(|| {
                ScimError::with_status(401, "the bearer token is not valid (RFC 6750 §3.1)")
            })?;
        if !principal.tenant.enabled {
            return Err(ScimError::with_status(
                403,
                "provisioning is turned off for this tenant; nothing was read or changed",
            ));
        }
        Ok(RequestContext {
            tenant: principal.tenant,
            subject: principal.subject,
        })
    }
}

/// Everything a handler needs about the request in progress.
pub(crate) struct Call<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) ctx: &'a RequestContext,
    pub(crate) base_url: &'a str,
    pub(crate) query: &'a Query,
    pub(crate) headers: &'a http::HeaderMap,
}

impl Call<'_> {
    pub(crate) fn registry(&self) -> &SchemaRegistry {
        &self.inner.registry
    }

    /// `meta.location` of a resource.
    pub(crate) fn location(&self, rt: &ResourceType, id: &str) -> String {
        format!("{}{}/{}", self.base_url, rt.endpoint, id)
    }
}

/// 405 with `Allow` listing the endpoint's methods (RFC 9110 §15.5.6) and a SCIM Error
/// naming them.
pub(crate) fn method_not_allowed(method: &Method, route: &Route<'_>) -> Reply {
    let allow = route
        .methods()
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let (what, rfc) = route.describe();
    let mut reply = Reply::error(&ScimError::with_status(
        405,
        format!("{method} is not supported on {what}; it supports {allow} ({rfc})"),
    ));
    reply.allow = Some(allow);
    reply
}
