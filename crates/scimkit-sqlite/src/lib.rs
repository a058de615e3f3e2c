//! A SQLite [`Store`](scimkit_provision::Store) for scimkit: SCIM 2.0 resources (RFC 7643)
//! persisted in one file, with the semantics the store contract of
//! [`scimkit_provision::store`] asks for and the store conformance suite checks.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use scimkit_provision::{ReadHint, RequestContext, SearchQuery, Store};
//! use scimkit_schema::SchemaRegistry;
//! use scimkit_sqlite::SqliteStore;
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let dir = tempfile::tempdir().unwrap();
//! let registry = Arc::new(SchemaRegistry::core());
//! let store: Arc<dyn Store> =
//!     Arc::new(SqliteStore::open(dir.path().join("scimkit.db"), registry.clone()).await.unwrap());
//! let users = registry.resource_type("User").unwrap();
//! let ctx = RequestContext::for_tenant("acme");
//!
//! let ada = store.create(&ctx, users, json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "userName": "Ada@Example.com", "externalId": "e-1"
//! })).await?;
//! assert_eq!(ada["meta"]["version"], "W/\"1\"");
//!
//! // userName is not caseExact (RFC 7643 §4.1.1): the lookup folds case, through an index.
//! let filter = scimkit_filter::parse_filter(r#"userName eq "ADA@EXAMPLE.COM""#).unwrap();
//! let page = store.search(&ctx, users, &SearchQuery::all(10).with_filter(filter)).await?;
//! assert_eq!(page.total_results, 1);
//! assert_eq!(page.resources[0]["id"], ada["id"]);
//!
//! // Another store on the same file (another process, after a restart) sees the write.
//! let again = SqliteStore::open(dir.path().join("scimkit.db"), registry.clone()).await.unwrap();
//! let read = again.get(&ctx, users, ada["id"].as_str().unwrap(), &ReadHint::default()).await?;
//! assert_eq!(read, ada);
//! # Ok::<(), scimkit_provision::StoreError>(())
//! # }).unwrap();
//! ```
//!
//! # Tables
//!
//! Migrations are embedded and applied when a store opens (`migrations/*.sql`).
//!
//! - `resources`: one row per resource, keyed `(tenant, resource_type, id)`; `pk` (never
//!   reused) is the creation order; `version` backs `meta.version` (`W/"<n>"`, RFC 7644
//!   §3.14); `body` is the stored JSON without the values of the membership attribute.
//!   Indexed lookup columns hold the key of `externalId`, `userName` and `displayName`
//!   (lower-cased unless the attribute is caseExact, per the registry).
//! - `members`: the values of Group `members` (any resource type's top-level multi-valued
//!   complex `members` with a `value`), one row each, in order, with the `value` key indexed.
//!   Adding or removing k members of a 100,000-member group touches k rows, and
//!   [`ReadHint`](scimkit_provision::ReadHint)`{ omit: ["members"] }`
//!   (`excludedAttributes=members`, or `attributes` naming nothing of `members`, on a GET,
//!   a search or a PATCH) does not read them.
//! - `unique_values`: the value keys of every attribute with `uniqueness` server or global
//!   ([`UniqueAttributes`](scimkit_provision::UniqueAttributes), per caseExact), per tenant
//!   and resource type; a clash is [`StoreError::Uniqueness`](scimkit_provision::StoreError).
//! - `tenants`: tenants for multi-tenant deployments (id, name, switch, PATCH preset, PATCH
//!   response, allowed email domains) with the SHA-256 digest of their bearer token, never the
//!   token; [`SqliteTenants`] (from [`SqliteStore::tenants`]) manages them and implements
//!   [`Authenticator`](scimkit_provision::Authenticator). `retired_tokens` keeps the
//!   digests of replaced tokens, which are never given to another tenant (a server may keep
//!   an authenticated token for [`TOKEN_CACHE_TTL`], so a token must only ever name one
//!   tenant).
//! - `store_meta`: the fingerprint of the schema facts the derived columns follow. When the
//!   registry changes (an attribute becomes caseExact or unique), opening the store
//!   re-derives every row's keys in one transaction.
//!
//! # Transactions, concurrency, durability
//!
//! All writes of a store go through its single write connection, where SQLite's write lock
//! is taken with `BEGIN IMMEDIATE`, so writers from any number of tasks, stores or
//! processes on the same file are serialised and lose nothing (a writer waits up to
//! [`SqliteOptions::busy_timeout`] for another process's lock). Each write checks the
//! expected version inside that lock; a PATCH reads, applies and writes inside it, so
//! concurrent PATCHes never need a retry. Reads run on [`SqliteOptions::readers`] read-only
//! connections in WAL mode: they never block the writer and each search sees one snapshot.
//!
//! Calls must run on a tokio runtime with its time driver (`enable_all`): a batch's `COMMIT`
//! goes to the blocking pool, and a writer waiting for another process's lock sleeps.
//!
//! **Statements run on the calling thread.** Reads and writes use rusqlite connections and run
//! their statements on the thread that polls the call, with no hand-off to a driver thread;
//! only a batch's `COMMIT` (its fsync) goes to tokio's blocking pool. The store started on
//! sqlx, which runs each connection's statements on a worker thread of its own: measured with
//! the load bench (`benches/load`), those threads and the kernel's thread switching took half
//! of the server's CPU, while an indexed lookup takes about 16 µs in SQLite. Moving reads,
//! then writes, onto the calling thread gave 1.3× and then 1.2–1.6× the throughput. The
//! embedded migrations still run with sqlx's migrator, once, when a store opens. The price: a
//! call occupies its thread while SQLite works, microseconds for an indexed lookup or a
//! PATCH, longer for a search that scans every resource of a type or a PATCH that rewrites a
//! whole large group.
//!
//! **The read path** costs one statement per lookup: a search filters, sorts and pages in
//! one prepared statement (kept in the connection's statement cache; its `LIMIT` is written
//! into the text, since SQLite prepares a statement with a bound `LIMIT` again at every
//! execution) and counts the matches only when the page is full, and
//! [`SqliteTenants`] keeps authenticated tokens for [`TOKEN_CACHE_TTL`] (1 s; changes made
//! through the store take effect at once, those of another process on the same file within
//! that time). A write leaves `unique_values` alone when the unique values did not change.
//!
//! **Group commit** (on by default, [`SqliteOptions::group_commit`]): concurrent writes of a
//! store share one transaction. The first writer to find none open runs `BEGIN IMMEDIATE`;
//! each write runs in its own `SAVEPOINT`, one at a time in arrival order. A write that
//! fails is rolled back to its savepoint (`ROLLBACK TO`, `RELEASE`) and returns its error at
//! once, leaving nothing in the batch. A write that succeeds releases its savepoint and
//! waits while the writers queued behind it write into the same transaction; then one
//! `COMMIT` acknowledges them all, and writers arriving meanwhile form the next batch.
//! Under load that is one fsync per batch instead of one per write.
//!
//! **Durability.** A write is acknowledged (its call returns `Ok`) only after the `COMMIT`
//! holding it returned, and with the default [`Durability::Full`] (`synchronous = FULL`)
//! that `COMMIT` is on stable storage: an acknowledged write survives `kill -9` and power
//! loss. A `COMMIT` that fails (disk full, I/O error) is rolled back and fails every write
//! of its batch: none is acknowledged and none is stored. A write whose future is dropped
//! (client gone, request timeout) is all or nothing: a write's statements run with no await
//! between its `SAVEPOINT` and its `RELEASE`, so it is cut off either before it wrote
//! (nothing of it is stored) or after, while it waits for its batch (it is complete and
//! committed with the batch, unacknowledged, like a response lost on the wire). A write
//! that panics is rolled back to its savepoint, and its batch settled, before the panic goes
//! on. Any writer of a batch may commit it; a batch whose writers all failed or were dropped
//! is committed as the last one leaves or, when another call holds the writers' lock then,
//! as that call lets go of it; and the end of a batch runs even if the runtime it was started
//! on shuts down first. So once no call is running the store holds no transaction and no
//! write lock. The one exception: a writer that leaves while the lock has been handed to a
//! queued call that is then dropped before it ran hands the batch to a task, which runs
//! when the runtime next runs (or ends the batch as the runtime shuts down). While another connection
//! (another process) holds the database's write lock, a writer retries `BEGIN IMMEDIATE`
//! after short sleeps, without blocking its thread, until the busy timeout, counted from the
//! start of its call.
//!
//! **Reads inside a write** (the version check, uniqueness, the PATCH's current resource)
//! see the earlier writes of the same batch before they are committed. That is sound for
//! what is acknowledged: the batch commits or fails as one, so no write is acknowledged on
//! the strength of one that is not durable with it. The one visible effect: when a batch's
//! `COMMIT` fails, a write of that batch refused because of an earlier one in it (409
//! `uniqueness` on a userName it claimed, 412 on a version it set) was refused over a write
//! that did not happen; retrying it then succeeds. Reads on the read connections see only
//! committed batches.
//!
//! # PATCH and group membership
//!
//! [`Store::patch`](scimkit_provision::Store::patch) is overridden. A request that changes
//! nothing but Group `members` (every add / remove / replace shape Entra ID and Okta send,
//! as [`scimkit_patch::plan_membership`] normalises them with the tenant's preset) is applied
//! to the `members` rows: k added or removed members cost k row writes plus the group's own
//! row, whatever the group's size. The service's
//! [`ApplyPatch`](scimkit_provision::ApplyPatch) still judges the request on the group
//! holding only the members it names, so its validation and policies refuse what they
//! refuse. The outcome carries a [`MembershipDelta`](scimkit_provision::MembershipDelta)
//! (the ids actually added and removed) instead of the previous resource.
//!
//! What such a PATCH returns decides what it costs. The group with all its members (a
//! 200 response with the resource) means reading every member row back. When the
//! request's [`PatchRequest::hint`](scimkit_provision::PatchRequest::hint) omits `members`,
//! as the service's does for `PATCH /Groups/{id}?excludedAttributes=members`, for a tenant
//! that answers PATCH with 204 No Content (RFC 7644 §3.5.2) and inside `/Bulk`, only the
//! group's own row is returned, with the new `meta.version` (the `ETag`), and no other
//! member row is read: the cost is k index lookups and row writes plus the group's row,
//! whatever the group's size. Entra ID sends such a PATCH for every membership change. In
//! `benches/benches/sqlite_store.rs`, adding then removing 100 members of a
//! 100,000-member group took 50 to 90 times less with `members` omitted than with the whole
//! group returned (and 80 to 150 times less than the in-memory store, which clones the
//! group; two runs on a loaded 2-core machine).
//! The statements that find member rows by `value` name their index (`INDEXED BY`): without
//! statistics SQLite would scan all of a big group's rows instead.
//!
//! Every other PATCH runs the service's `ApplyPatch` on the whole resource inside the
//! write transaction (it needs every member anyway, and returns the whole group whatever
//! the hint); a changed member list is then written as a difference (rows kept in order
//! stay untouched). Adding members that are present, or removing absent ones, changes
//! nothing and keeps the version (RFC 7644 §3.5.2.1).
//!
//! # What runs in SQL
//!
//! Filters are translated to parameterised SQL where the translation is exactly the
//! evaluator's ([`scimkit_filter::Matcher`]); the rest is evaluated by the matcher on the
//! candidates SQL returns, so results always equal the evaluator's (a differential test
//! checks it). Values and JSON paths are bound as arguments; JSON paths and columns come from
//! the schema's canonical names only.
//!
//! | filter part | in SQL |
//! |---|---|
//! | `id`, `externalId`, `userName`, `displayName` with `eq` `ne` `co` `sw` `ew` `gt` `ge` `lt` `le` `pr`, `eq null` | on the indexed key columns (folded in Rust, so Unicode case folding is the evaluator's) |
//! | other single-valued string, reference and binary attributes, sub-attributes of single-valued complex ones (`name.familyName`, `meta.resourceType`, enterprise `manager.value`, ...) | `json_extract`: caseExact ones with every operator; others `eq` `ne` `gt` `ge` `lt` `le` through the `scim_fold` collation (the evaluator's folding), `co` `sw` `ew` in Rust |
//! | booleans (`active eq true`) | `eq`, `ne` |
//! | multi-valued attributes and their sub-attributes (`emails.value`, `schemas`), value paths (`emails[type eq "work" and value eq "a@x"]`) | `EXISTS` over `json_each`, each condition on the same element, with the operators above |
//! | Group `members.value`, `members[value eq "..."]` | `EXISTS` on the `members` table through its index |
//! | `pr` and `eq null` / `ne null` on any of the above | yes |
//! | `and`, `or`, `not` | `and` keeps what it can translate (the rest is checked in Rust); `or` needs every operand; `not` needs an exact operand |
//! | unknown attributes | constants (no value, as the evaluator) |
//! | numbers, dateTimes, `pr` on a whole complex attribute | in Rust |
//!
//! When the whole filter is translated exactly and `sortBy` names a single-valued string
//! attribute (or is absent), SQL also counts, sorts (resources without a value last when
//! ascending, first when descending, ties in creation order) and pages (`LIMIT` start +
//! count, the rows before the start dropped in Rust: the bundled SQLite 3.51.3 ignored
//! `OFFSET` on one plan with a correlated `EXISTS`, see `tests/search.rs`).
//! Otherwise the candidates come in creation order and [`scimkit_filter::Sorter`] sorts
//! them, so paging is stable either way.
//!
//! The translation assumes *regular* resources: keys in the schema's spelling and values of
//! the schema's JSON types, as `scimkit_schema::ingest` produces. Each row records whether it
//! is; while a tenant holds an irregular resource of a type (stored by a caller that skipped
//! ingest), that type's searches run entirely in Rust.
#![forbid(unsafe_code)]

mod cached;
mod collation;
mod connect;
mod error;
mod group_commit;
mod layout;
mod members;
mod migrate;
mod options;
mod patch;
mod readers;
mod regular;
mod search;
mod store;
mod tenants;
mod token_cache;
mod unique;

pub use error::OpenError;
pub use options::{DEFAULT_BUSY_TIMEOUT, DEFAULT_READERS, Durability, SqliteOptions};
pub use store::SqliteStore;
pub use tenants::{SqliteTenants, TenantRecord};
pub use token_cache::TOKEN_CACHE_TTL;
