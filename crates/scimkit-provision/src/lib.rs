//! SCIM 2.0 provisioning core (RFC 7644): the protocol as a framework-agnostic service on
//! `http` types ([`ScimService`]), over a storage-agnostic [`Store`] trait with a reference
//! [`InMemoryStore`] and a reusable conformance suite ([`conformance`], feature
//! `conformance`).
//!
//! The host application supplies a store, an [`Authenticator`] (bearer token → [`Tenant`];
//! [`TokenAuthenticator`] keeps SHA-256 digests and compares in constant time), and
//! optionally [`ValidationPolicy`]s, an [`EventSink`] and a [`MeResolver`]; it mounts the
//! service in any web framework (`handle(http::Request<Vec<u8>>)`).
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use scimkit_provision::{InMemoryStore, RequestContext, SearchQuery, Store};
//! use scimkit_schema::SchemaRegistry;
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let registry = Arc::new(SchemaRegistry::core());
//! let store: Arc<dyn Store> = Arc::new(InMemoryStore::new(registry.clone()));
//! let users = registry.resource_type("User").unwrap();
//! let ctx = RequestContext::for_tenant("acme");
//! store.create(&ctx, users, json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "userName": "bjensen"})).await?;
//! let filter = scimkit_filter::parse_filter(r#"userName eq "BJENSEN""#).unwrap();
//! let page = store.search(&ctx, users, &SearchQuery::all(10).with_filter(filter)).await?;
//! assert_eq!(page.total_results, 1);
//! # Ok::<(), scimkit_provision::StoreError>(())
//! # }).unwrap();
//! ```
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
    DEFAULT_BULK_MAX_OPERATIONS, DEFAULT_BULK_MAX_PAYLOAD_BYTES, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_FILTER_LEN, DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, Limits, ServiceConfig,
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
