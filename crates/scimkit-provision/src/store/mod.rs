//! The storage-agnostic store trait, its data types and the reference in-memory store.
//!
//! # Contract
//!
//! A [`Store`] keeps SCIM resources (canonical JSON objects, as produced by
//! [`scimkit_schema::ingest`]) per `(tenant, resource type, id)`:
//!
//! - **ids**: the store issues them on [`create`](Store::create) (any `id` in the input is
//!   ignored) and never reuses them (RFC 7643 §3.1). [`new_id`] gives a random v4 UUID.
//! - **versions**: each write gives the resource a new [`Version`], written to
//!   `meta.version` as a weak ETag (RFC 7644 §3.14). [`replace`](Store::replace) and
//!   [`delete`](Store::delete) take an expected version and fail with
//!   [`StoreError::VersionMismatch`] when it is not the current one.
//! - **meta**: the store sets `meta.resourceType`, `meta.created` (kept by replace),
//!   `meta.lastModified` and `meta.version` ([`stamp_meta`]); `meta.location` depends on the
//!   base URL and is added by the service on the way out, never stored.
//! - **uniqueness**: attributes whose schema says `uniqueness: server` or `global` (e.g.
//!   `userName`) are unique per tenant and resource type, compared per `caseExact`
//!   ([`UniqueAttributes`]); a clash is [`StoreError::Uniqueness`], which the service turns
//!   into 409 `uniqueness` (RFC 7644 §3.3). Updates and deletes release old values.
//! - **copies**: every result is an owned copy; later writes never show through it.
//! - **search**: [`search`](Store::search) answers a parsed filter AST, a sort and index
//!   paging with exactly what [`scimkit_filter::Matcher`] and [`scimkit_filter::Sorter`]
//!   would select and order; results without `sortBy` (and ties) come in creation order, so
//!   paging is stable.
//! - **isolation**: nothing of one tenant is ever visible to another.
//!
//! The conformance suite ([`crate::conformance`], feature `conformance`) checks all of it.
//!
//! # Why boxed futures
//!
//! The service holds its store as `Arc<dyn Store>` so a binary can pick SQLite or memory at
//! run time. `async fn` in traits is not object safe, so every method returns a
//! [`BoxFuture`] (`Pin<Box<dyn Future + Send>>`): one allocation per call, negligible next to
//! the work a store does, and no macro crate needed. Implement a method as
//! `Box::pin(async move { ... })`.

mod error;
mod memory;
mod meta;
mod patch;
mod query;
mod unique;
mod version;

use std::future::Future;
use std::pin::Pin;

use scimkit_schema::ResourceType;
use serde_json::Value;

use crate::tenant::RequestContext;

pub use error::StoreError;
pub use memory::InMemoryStore;
pub use meta::{new_id, now_timestamp, stamp_meta};
pub use patch::{
    ApplyPatch, DEFAULT_PATCH_ATTEMPTS, MembershipDelta, PatchOutcome, PatchRequest,
    patch_by_replace,
};
pub use query::{Page, ReadHint, SearchQuery, SortSpec, project_hint};
pub use unique::{UniqueAttribute, UniqueAttributes, normalise_unique};
pub use version::Version;

/// A boxed, `Send` future: what every [`Store`] method returns (see the module docs).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Resource storage for the protocol service: one implementation per back-end (memory,
/// SQLite, ...), used as `Arc<dyn Store>`. See the [module docs](self) for the contract every
/// method follows; each method's errors are [`StoreError`]s.
pub trait Store: Send + Sync {
    /// Stores a new resource of `resource_type` and returns it as stored: with a fresh `id`
    /// and `meta` (resourceType, created, lastModified, version).
    ///
    /// # Errors
    /// [`StoreError::Uniqueness`] when a unique attribute's value is taken;
    /// [`StoreError::Backend`] when the back-end fails.
    fn create<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        resource: Value,
    ) -> BoxFuture<'a, Result<Value, StoreError>>;

    /// The resource with this id. Attributes named in `hint` MAY be left out (e.g. a SQL
    /// store skips loading `members` for `excludedAttributes=members`).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none (also when it was deleted).
    fn get<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        hint: &'a ReadHint,
    ) -> BoxFuture<'a, Result<Value, StoreError>>;

    /// Replaces the resource's attributes with `resource` (the service has already applied
    /// RFC 7644 §3.5.1's mutability rules), keeping `id` and `meta.created`, and returns the
    /// new stored form. With `expected`, the current version must equal it.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`], [`StoreError::Uniqueness`].
    fn replace<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        resource: Value,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<Value, StoreError>>;

    /// Deletes the resource (its unique values become free). With `expected`, the current
    /// version must equal it.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::VersionMismatch`].
    fn delete<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// One page of the resources of `resource_type` that match `query.filter`, in
    /// `query.sort` order (creation order otherwise and for ties), from `query.start_index`
    /// (1-based), at most `query.count` of them, plus the number of all matches.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] (400 `invalidFilter`) when the filter cannot be evaluated for
    /// this resource type (e.g. `gt` on a boolean).
    fn search<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Page, StoreError>>;

    /// Applies a PATCH (RFC 7644 §3.5.2). The default is [`patch_by_replace`]: get → apply →
    /// replace with the version check, retried when a concurrent writer got in between and
    /// the client sent no `If-Match`. A store that can change some attributes natively (a
    /// SQL store adding group members as rows) overrides this and falls back to
    /// [`patch_by_replace`] for the rest. The outcome's resource MAY lack the attributes
    /// [`PatchRequest::hint`] names (see there for what it must still hold).
    ///
    /// # Errors
    /// Those of [`get`](Store::get) and [`replace`](Store::replace), and
    /// [`StoreError::Invalid`] with whatever the request's [`ApplyPatch`] refused.
    fn patch<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        request: &'a PatchRequest<'a>,
    ) -> BoxFuture<'a, Result<PatchOutcome, StoreError>> {
        Box::pin(patch_by_replace(self, ctx, resource_type, id, request))
    }
}
