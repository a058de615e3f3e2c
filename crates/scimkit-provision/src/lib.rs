//! SCIM 2.0 provisioning core (RFC 7644): the protocol as a framework-agnostic service on
//! `http` types ([`ScimService`]), over a storage-agnostic [`Store`] trait with a reference
//! [`InMemoryStore`] and a reusable conformance suite ([`conformance`], feature
//! `conformance`).
//!
//! The host application supplies a store, an [`Authenticator`] (bearer token → [`Tenant`];
//! [`TokenAuthenticator`] keeps SHA-256 digests and compares them in constant time), and
//! optionally [`ValidationPolicy`]s, an [`EventSink`] and a [`MeResolver`]; it mounts the
//! service in any web framework: [`ScimService::handle`] takes an
//! `http::Request<Vec<u8>>`, and with the `tower` feature `ScimService` is a
//! `tower::Service` over any `http_body::Body`.
//!
//! # Example: provisioning like Microsoft Entra ID
//!
//! ```
//! use std::sync::Arc;
//! use scimkit_provision::{EventLog, InMemoryStore, Preset, ScimService, Tenant, TokenAuthenticator};
//! use scimkit_schema::SchemaRegistry;
//! use serde_json::{json, Value};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let registry = Arc::new(SchemaRegistry::core());
//! let store = Arc::new(InMemoryStore::new(registry.clone()));
//! let tenants = Arc::new(TokenAuthenticator::new());
//! tenants.insert("s3cret", Tenant::new("contoso").with_preset(Preset::Entra)
//!     .with_allowed_email_domains(["contoso.example"]));
//! let events = Arc::new(EventLog::new());
//! let service = ScimService::builder(store, tenants)
//!     .registry(registry)
//!     .base_path("/scim/v2")
//!     .events(events.clone())
//!     .build();
//!
//! let call = |method: &str, uri: &str, body: Value| {
//!     let request = http::Request::builder().method(method).uri(uri)
//!         .header("Authorization", "Bearer s3cret")
//!         .body(if body.is_null() { Vec::new() } else { body.to_string().into_bytes() })
//!         .unwrap();
//!     let service = service.clone();
//!     async move {
//!         let response = service.handle(request).await;
//!         let json = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
//!         (response.status().as_u16(), json)
//!     }
//! };
//!
//! // Create, then disable with Entra's PATCH; the user stays readable (soft delete).
//! let (status, user) = call("POST", "/scim/v2/Users?aadOptscim062020", json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "userName": "ada@contoso.example", "active": true})).await;
//! assert_eq!(status, 201);
//! let uri = format!("/scim/v2/Users/{}", user["id"].as_str().unwrap());
//! let (status, user) = call("PATCH", &uri, json!({
//!     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!     "Operations": [{"op": "replace", "path": "active", "value": false}]})).await;
//! assert_eq!((status, user["active"].as_bool()), (200, Some(false)));
//!
//! // A user outside the tenant's domains is refused and nothing is stored.
//! let (status, err) = call("POST", "/scim/v2/Users", json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "eve@evil.example"})).await;
//! assert_eq!((status, err["scimType"].as_str()), (400, Some("invalidValue")));
//! assert_eq!(events.take().len(), 2); // created, deactivated
//! # });
//! ```
//!
//! # Where the pieces are
//!
//! - [`store`]: the [`Store`] contract (ids, versions, uniqueness, search, PATCH with
//!   retries), [`InMemoryStore`], helpers every store shares ([`UniqueAttributes`],
//!   [`stamp_meta`], [`patch_by_replace`]). A store crate runs [`conformance`] against itself
//!   with [`store_conformance_tests!`] (see the module docs). The service tells a store what
//!   it will not return ([`ReadHint`], [`PatchRequest::hint`]: what `excludedAttributes`
//!   names, what `attributes` names nothing of, and all but `meta` for a PATCH answered 204
//!   or inside `/Bulk`), so it can skip loading it.
//! - [`ScimService`]: routing, authentication, parsing, ETags, paging, projection, bulk,
//!   discovery; limits in [`ServiceConfig`] / [`Limits`], published in
//!   `/ServiceProviderConfig`.
//! - Hooks: [`Authenticator`], [`ValidationPolicy`] ([`AllowedEmailDomains`] is on by
//!   default), [`EventSink`] ([`EventLog`] keeps them), [`MeResolver`].
//!
//! # Choices where RFC 7644 is silent
//!
//! - `If-Match` compares entity tags weakly (every SCIM example sends `W/"..."`).
//! - A PATCH or PUT without `If-Match` that loses a race with a concurrent writer is retried
//!   from a fresh read (16 times); with `If-Match` the mismatch is 412.
//! - With index paging, `count` above the maximum page size is served as the maximum; no
//!   `count` is the default page size; `startIndex` past the end is an empty page with the
//!   real `totalResults`.
//! - Cursor paging (RFC 9865) sits on the stores' index paging: a cursor is stateless (a
//!   position, the first page's `count` and an issue time, tagged with HMAC-SHA-256 under
//!   [`ScimServiceBuilder::cursor_key`] over those and the query and tenant), valid for
//!   [`Limits::cursor_timeout_secs`]. Requests naming neither `cursor` nor `startIndex`
//!   page by index (RFC 9865 §2.4); both together are 400 `invalidValue`; a `count` above
//!   the maximum page size, or other than the first page's, is 400 `invalidCount`; a later
//!   page without `count` keeps the first page's. A cursor page is as consistent as an
//!   index page: a change ahead of the position while a client pages can make it see a
//!   resource twice or miss one.
//! - Non-numeric `startIndex` / `count`, an unknown `sortOrder`, and `attributes` together
//!   with `excludedAttributes` are 400 `invalidValue`.
//! - A filter naming an attribute the resource type does not define is 400 `invalidFilter`
//!   on a type endpoint ([`ServiceConfig::unknown_filter_attribute`]) and "no value" in a
//!   query across all types (RFC 7644 §3.4.2.1).
//! - `password` (writeOnly) is seen by policies and never stored; `changePassword` is
//!   published as unsupported.
//! - Data under an extension URN the resource type does not register is 400 `invalidValue`
//!   (it could be neither validated nor filtered); an unknown URN in `schemas` alone is
//!   tolerated by the non-strict presets (Entra's group create).
//! - Deleting a User removes it from every Group's `members`; a User's readOnly `groups`
//!   is computed from Group memberships on the way out (direct memberships only). A User's
//!   entity tag covers them: `W/"<stored version>.<digest of groups>"` (the stored version
//!   alone when it is in no group), so renaming a group or changing its members changes the
//!   `ETag` and `meta.version` of the users concerned, and `If-Match` / `If-None-Match`
//!   compare with that tag (RFC 7644 §3.14). `meta.lastModified` stays the time of the last
//!   write to the User itself, the value `meta.lastModified` filters see.
//! - Filters on a User's `groups` (`groups.value eq "G"`, `groups pr`, `groups[...]`,
//!   `groups.display sw "x"`, also in `/.search` and at the root) see the derived groups:
//!   each such term becomes the ids of the members of the Groups it matches, through the
//!   store's own search (RFC 7644 §3.4.2.2). A term that holds for users in no group
//!   (`groups eq null`), or that selects more users than `Limits::max_filter_terms`, is 400
//!   `invalidFilter`; `sortBy` on `groups` is 400 `invalidValue`.
//! - `/Me` without a resolver is 501; POST `/Me` is 501.
//! - HTTP (RFC 9110): `HEAD` is answered wherever `GET` is, as `GET` without content
//!   (§9.3.2); a method an endpoint does not support is 405 with `Allow` (§15.5.6), decided
//!   from the path alone, before authentication.
#![forbid(unsafe_code)]

mod auth;
mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
mod events;
mod policy;
mod service;
pub mod store;
mod tenant;
#[cfg(feature = "tower")]
mod tower;

pub use auth::{Authenticator, Principal, TokenAuthenticator, TokenHash, generate_token};
pub use config::{
    DEFAULT_BULK_MAX_OPERATIONS, DEFAULT_BULK_MAX_PAYLOAD_BYTES, DEFAULT_CURSOR_TIMEOUT_SECS,
    DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_FILTER_LEN, DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE,
    Limits, ServiceConfig,
};
pub use events::{Change, Event, EventLog, EventSink, NoEvents};
pub use policy::{AllowedEmailDomains, ValidationPolicy};
pub use scimkit_patch::{PatchOptions, Preset};
pub use service::wire::SCIM_JSON;
pub use service::{MeResolver, MeTarget, ScimService, ScimServiceBuilder};
pub use store::{
    ApplyPatch, BoxFuture, InMemoryStore, MembershipDelta, Page, PatchOutcome, PatchRequest,
    ReadHint, SearchQuery, SortSpec, Store, StoreError, UniqueAttribute, UniqueAttributes, Version,
    new_id, normalise_unique, now_timestamp, patch_by_replace, project_hint, stamp_meta,
};
pub use tenant::{PatchResponse, RequestContext, Tenant};
