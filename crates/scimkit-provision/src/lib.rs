//! SCIM 2.0 provisioning core (RFC 7644): a storage-agnostic [`Store`] trait with a reference
//! [`InMemoryStore`] and a reusable conformance suite.
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

pub use store::{
    ApplyPatch, BoxFuture, InMemoryStore, MembershipDelta, Page, PatchOutcome, PatchRequest,
    ReadHint, SearchQuery, SortSpec, Store, StoreError, UniqueAttribute, UniqueAttributes, Version,
    new_id, normalise_unique, now_timestamp, patch_by_replace, project_hint, stamp_meta,
};
pub use auth::{Authenticator, Principal, TokenAuthenticator, TokenHash, generate_token};
pub use config::{
    DEFAULT_BULK_MAX_OPERATIONS, DEFAULT_BULK_MAX_PAYLOAD_BYTES, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_FILTER_LEN, DEFAULT_MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, Limits, ServiceConfig,
};
pub use events::{Change, Event, EventLog, EventSink, NoEvents};
pub use policy::{AllowedEmailDomains, ValidationPolicy};
pub use service::{MeResolver, MeTarget, ScimService, ScimServiceBuilder};
pub use service::wire::SCIM_JSON;
pub use tenant::{CompatPreset, PatchResponse, RequestContext, Tenant, UnknownPreset};
