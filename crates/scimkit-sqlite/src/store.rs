//! [`SqliteStore`]: the [`Store`] implementation.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use scimkit_provision::{
    BoxFuture, Page, PatchOutcome, PatchRequest, ReadHint, RequestContext, SearchQuery, Store,
    StoreError, Version, new_id, now_timestamp, stamp_meta,
};
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};
use serde_json::Value;

use crate::connect::{self, Opened, Pools};
use crate::error::{OpenError, backend};
use crate::group_commit::Writer;
use crate::layout::{Derived, Layout, MemberAttr, fingerprint};
use crate::options::SqliteOptions;
use crate::token_cache::TokenCache;
use crate::{cached, members, migrate, unique};

/// A SCIM [`Store`] on SQLite. See the [crate docs](crate) for the tables, the transaction
/// model, durability and what filters are pushed down to SQL.
///
/// Cheap to share: hold it as `Arc<dyn Store>` (or `Arc<SqliteStore>`). Several stores, in
/// one process or many, may open the same file; their writes are serialised by SQLite's
/// write lock.
pub struct SqliteStore {
    pub(crate) registry: Arc<SchemaRegistry>,
    pub(crate) pools: Pools,
    pub(crate) writer: Writer,
    /// Shared by every [`SqliteTenants`](crate::SqliteTenants) of the store.
    pub(crate) token_cache: Arc<TokenCache>,
    layouts: RwLock<HashMap<String, Arc<Layout>>>,
}

/// One stored row, as a write transaction reads it.
pub(crate) struct StoredRow {
    pub(crate) pk: i64,
    pub(crate) version: i64,
    pub(crate) created: String,
    /// Whether the stored resource is regular (see `regular.rs`).
    pub(crate) regular: bool,
    pub(crate) body: Value,
}

impl StoredRow {
    pub(crate) fn version(&self) -> Version {
        Version::new(self.version.to_string())
    }

    /// Fails with [`StoreError::VersionMismatch`] unless `expected` (if any) is current.
    pub(crate) fn check(&self, expected: Option<&Version>) -> Result<(), StoreError> {
        match expected {
            Some(expected) if *expected != self.version() => Err(StoreError::VersionMismatch {
                current: self.version(),
            }),
            _ => Ok(()),
        }
    }
}

/// A resource ready to be written (see [`SqliteStore::prepare`]).
struct Prepared {
    /// The resource as stored and returned.
    stored: Value,
    /// The `body` column: `stored` without the membership values.
    body: Value,
    /// The membership values, when the attribute is an array.
    items: Option<Vec<Value>>,
    derived: Derived,
}

/// A resource's row by `id`: `pk, version, created, regular, body`.
const FIND: &str = "SELECT pk, version, created, regular, body FROM resources \
                    WHERE tenant = ? AND resource_type = ? AND id = ?";

/// The membership attribute of `layout` when `body` holds its placeholder (the values are
/// in the `members` rows).
fn placeholder<'l>(layout: &'l Layout, body: &Value) -> Option<&'l MemberAttr> {
    layout
        .members
        .as_ref()
        .filter(|attr| members::has_placeholder(body, attr))
}

pub(crate) fn parse_body(text: &str) -> Result<Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Backend(format!("a stored resource is not JSON: {e}")))
}

/// The stored body in column `index` of `row`, parsed (read without copying the text).
pub(crate) fn body_at(row: &rusqlite::Row<'_>, index: usize) -> Result<Value, StoreError> {
    let text = row
        .get_ref(index)
        .and_then(|value| value.as_str().map_err(Into::into))
        .map_err(backend)?;
    parse_body(text)
}

fn not_an_object() -> StoreError {
    StoreError::Invalid(ScimError::invalid_syntax(
        "a SCIM resource must be a JSON object (RFC 7643 §2)",
    ))
}

impl SqliteStore {
    /// Opens (creating it if missing) the database file at `path` with default
    /// [`SqliteOptions`], applies the embedded migrations and switches it to WAL mode.
    /// `registry` must be the one the service uses: it decides the unique attributes, the
    /// lookup columns and how filters resolve.
    ///
    /// # Errors
    /// [`OpenError`] when the file cannot be opened, migrated or re-indexed.
    pub async fn open(
        path: impl Into<std::path::PathBuf>,
        registry: Arc<SchemaRegistry>,
    ) -> Result<SqliteStore, OpenError> {
        SqliteStore::open_with(&SqliteOptions::new(path), registry).await
    }

    /// [`open`](Self::open) with explicit options.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub async fn open_with(
        options: &SqliteOptions,
        registry: Arc<SchemaRegistry>,
    ) -> Result<SqliteStore, OpenError> {
        let path = options.path();
        let text = path.to_string_lossy();
        if text.trim() == ":memory:" || text.contains("mode=memory") {
            return Err(OpenError::Unshared(path.to_owned()));
        }
        let opened = connect::open_file(options).await?;
        let store = SqliteStore::start(opened, options, registry)?;
        // Whatever else the path is, the read connections must see the migrated database.
        let migrated = store
            .pools
            .reader
            .read(|conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'resources'",
                    [],
                    |row| row.get::<_, i64>(0),
                ))
            })
            .await
            .map_err(OpenError::Reindex)?
            .map_err(OpenError::Read)?;
        if migrated == 0 {
            return Err(OpenError::Unshared(path.to_owned()));
        }
        Ok(store)
    }

    /// A store on a private database in a new temporary directory (WAL, `synchronous =
    /// NORMAL`), removed when the store is dropped: for tests and tools. It behaves exactly
    /// as a file store (a write connection and read connections); SQLite's own in-memory
    /// databases are private to the connection that opens them, so they cannot be shared
    /// between the write connection and the read connections.
    ///
    /// # Errors
    /// As [`open`](Self::open); [`OpenError::Temporary`] when the directory cannot be made.
    pub async fn open_temporary(registry: Arc<SchemaRegistry>) -> Result<SqliteStore, OpenError> {
        let (opened, options) = connect::open_temporary().await?;
        SqliteStore::start(opened, &options, registry)
    }

    /// The store over a migrated database, its rows re-derived if the registry changed.
    fn start(
        opened: Opened,
        options: &SqliteOptions,
        registry: Arc<SchemaRegistry>,
    ) -> Result<SqliteStore, OpenError> {
        let Opened { writer, pools } = opened;
        let store = SqliteStore {
            registry,
            writer: Writer::new(writer, options.busy_timeout, options.group_commit),
            pools,
            token_cache: Arc::default(),
            layouts: RwLock::new(HashMap::new()),
        };
        store
            .writer
            .with_connection(|conn| store.reindex_if_needed(conn))
            .map_err(OpenError::Reindex)?;
        Ok(store)
    }

    /// The schema version of the database (the newest applied migration).
    pub fn schema_version(&self) -> i64 {
        migrate::latest_version()
    }

    /// The registry the store was opened with.
    pub fn registry(&self) -> &Arc<SchemaRegistry> {
        &self.registry
    }

    /// Closes every connection, waiting for running calls to finish (an open group-commit
    /// batch is committed first). Dropping the store also closes them, in the background.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pools.reader.close().await;
    }

    pub(crate) fn layout(&self, resource_type: &ResourceType) -> Arc<Layout> {
        let cached = self
            .layouts
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&resource_type.name)
            .cloned();
        if let Some(layout) = cached {
            return layout;
        }
        let layout = Arc::new(Layout::of(&self.registry, resource_type));
        self.layouts
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(resource_type.name.clone(), layout.clone());
        layout
    }

    /// Runs `write` as one write of the store: in its own savepoint inside the shared write
    /// transaction that holds the database's write lock (`BEGIN IMMEDIATE`), see
    /// [`crate::group_commit`]. Reads through the connection see the earlier writes of the
    /// same batch. Returns once the batch's `COMMIT` returned; an error rolls the write back.
    pub(crate) async fn write<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.writer.write(write).await
    }

    /// The row of `(tenant, type, id)`, its body parsed (membership values not loaded), on
    /// the write connection or a read connection.
    pub(crate) fn find(
        conn: &Connection,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
    ) -> Result<StoredRow, StoreError> {
        let mut statement = conn.prepare_cached(FIND).map_err(backend)?;
        let mut rows = statement
            .query((ctx.tenant_id(), &resource_type.name, id))
            .map_err(backend)?;
        let row = rows.next().map_err(backend)?.ok_or(StoreError::NotFound)?;
        Ok(StoredRow {
            pk: row.get(0).map_err(backend)?,
            version: row.get(1).map_err(backend)?,
            created: row.get(2).map_err(backend)?,
            regular: row.get(3).map_err(backend)?,
            body: body_at(row, 4)?,
        })
    }

    /// What a read returns of the row `pk`: `body` with its membership values loaded,
    /// unless `hint` leaves them out, and without the attributes `hint` names.
    pub(crate) fn returned(
        conn: &Connection,
        layout: &Layout,
        pk: i64,
        body: Value,
        hint: &ReadHint,
    ) -> Result<Value, StoreError> {
        let mut resource = match layout.loaded_members(hint) {
            Some(_) => Self::with_members(conn, layout, pk, body)?,
            None => body,
        };
        hint.strip(&mut resource);
        Ok(resource)
    }

    /// `body` with its membership values loaded from rows.
    pub(crate) fn with_members(
        conn: &Connection,
        layout: &Layout,
        pk: i64,
        mut body: Value,
    ) -> Result<Value, StoreError> {
        if let Some(attr) = placeholder(layout, &body) {
            let items = members::load(conn, pk)?;
            members::put(&mut body, attr, items);
        }
        Ok(body)
    }

    fn derive(&self, layout: &Layout, resource_type: &ResourceType, full: &Value) -> Derived {
        layout.derive(&self.registry, resource_type, full)
    }

    /// Stamps `id` and `meta` on a resource about to be stored and splits it into what is
    /// returned, the body row and the membership rows, with its derived columns.
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        layout: &Layout,
        resource_type: &ResourceType,
        mut resource: Value,
        id: &str,
        version: i64,
        created: Option<&str>,
        now: &str,
    ) -> Prepared {
        stamp_meta(
            &mut resource,
            &resource_type.name,
            id,
            &Version::new(version.to_string()),
            created,
            now,
        );
        let derived = self.derive(layout, resource_type, &resource);
        let stored = resource.clone();
        let items = layout
            .members
            .as_ref()
            .and_then(|attr| members::take(&mut resource, attr));
        Prepared {
            stored,
            body: resource,
            items,
            derived,
        }
    }

    /// Stores a new version of an existing row: `resource` gets `id` and `meta` (created
    /// kept), unique values are re-claimed, membership rows synchronised. Returns the stored
    /// resource.
    pub(crate) fn write_existing(
        &self,
        conn: &Connection,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        row: &StoredRow,
        id: &str,
        resource: Value,
    ) -> Result<Value, StoreError> {
        if !resource.is_object() {
            return Err(not_an_object());
        }
        let layout = self.layout(resource_type);
        let version = row.version + 1;
        let now = now_timestamp();
        let Prepared {
            stored,
            body: resource,
            items,
            derived,
        } = self.prepare(
            &layout,
            resource_type,
            resource,
            id,
            version,
            Some(&row.created),
            &now,
        );
        let [external_id, user_name, display_name] = derived.keys;
        cached::execute(
            conn,
            "UPDATE resources SET version = ?, last_modified = ?, body = ?, regular = ?, \
             external_id_key = ?, user_name_key = ?, display_name_key = ? WHERE pk = ?",
            (
                version,
                &now,
                resource.to_string(),
                derived.regular,
                external_id,
                user_name,
                display_name,
                row.pk,
            ),
        )?;
        unique::claim(
            conn,
            ctx.tenant_id(),
            &resource_type.name,
            row.pk,
            &layout.unique,
            &stored,
            unique::Before::Stored(&row.body),
        )?;
        if let Some(attr) = &layout.members {
            match items {
                Some(items) => members::sync(conn, row.pk, &items, attr)?,
                None => {
                    members::clear(conn, row.pk)?;
                }
            }
        }
        Ok(stored)
    }

    async fn create_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        resource: Value,
    ) -> Result<Value, StoreError> {
        if !resource.is_object() {
            return Err(not_an_object());
        }
        let layout = self.layout(resource_type);
        let id = new_id();
        let now = now_timestamp();
        let Prepared {
            stored,
            body: resource,
            items,
            derived,
        } = self.prepare(&layout, resource_type, resource, &id, 1, None, &now);
        let [external_id, user_name, display_name] = derived.keys;
        let body = resource.to_string();
        self.write(|conn| {
            let pk: i64 = cached::value(
                conn,
                "INSERT INTO resources (tenant, resource_type, id, version, created, \
                 last_modified, body, regular, external_id_key, user_name_key, \
                 display_name_key) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
                (
                    ctx.tenant_id(),
                    &resource_type.name,
                    &id,
                    &now,
                    &now,
                    &body,
                    derived.regular,
                    &external_id,
                    &user_name,
                    &display_name,
                ),
            )?;
            unique::claim(
                conn,
                ctx.tenant_id(),
                &resource_type.name,
                pk,
                &layout.unique,
                &stored,
                unique::Before::New,
            )?;
            if let (Some(attr), Some(items)) = (&layout.members, &items) {
                members::insert(conn, pk, 0, items, attr)?;
            }
            Ok(())
        })
        .await?;
        Ok(stored)
    }

    async fn get_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        hint: &ReadHint,
    ) -> Result<Value, StoreError> {
        let layout = self.layout(resource_type);
        let reader = &self.pools.reader;
        let mut resource = if layout.loaded_members(hint).is_none() {
            reader
                .read(|conn| Self::find(conn, ctx, resource_type, id))
                .await?
                .body
        } else {
            // Body and rows from one snapshot.
            reader
                .read_snapshot(|conn| {
                    let row = Self::find(conn, ctx, resource_type, id)?;
                    Self::with_members(conn, &layout, row.pk, row.body)
                })
                .await?
        };
        hint.strip(&mut resource);
        Ok(resource)
    }

    async fn replace_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        resource: Value,
        expected: Option<&Version>,
    ) -> Result<Value, StoreError> {
        if !resource.is_object() {
            return Err(not_an_object());
        }
        self.write(|conn| {
            let row = Self::find(conn, ctx, resource_type, id)?;
            row.check(expected)?;
            self.write_existing(conn, ctx, resource_type, &row, id, resource)
        })
        .await
    }

    async fn delete_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        expected: Option<&Version>,
    ) -> Result<(), StoreError> {
        self.write(|conn| {
            let row = Self::find(conn, ctx, resource_type, id)?;
            row.check(expected)?;
            // Membership rows and unique values go with it (ON DELETE CASCADE).
            cached::execute(conn, "DELETE FROM resources WHERE pk = ?", [row.pk])?;
            Ok(())
        })
        .await
    }

    /// Re-derives lookup keys, regular flags, unique values and membership keys of every
    /// row when the registry's facts differ from the ones the database was indexed with.
    /// Runs at opening, before any other write of the store, in a transaction of its own on
    /// the write connection (and on the calling thread: a large database takes a while).
    fn reindex_if_needed(&self, conn: &Connection) -> Result<(), StoreError> {
        let wanted = fingerprint(&self.registry);
        let indexed_for = |conn: &Connection| -> Result<Option<String>, StoreError> {
            conn.query_row(
                "SELECT value FROM store_meta WHERE key = 'layout'",
                [],
                |row| row.get(0),
            )
            .optional()
            .map_err(backend)
        };
        // Read first, without the write lock: opening an up-to-date database (every opening
        // but the first after a schema change) does not wait for another writer.
        if indexed_for(conn)?.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        let tx =
            Transaction::new_unchecked(conn, TransactionBehavior::Immediate).map_err(backend)?;
        if indexed_for(&tx)?.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        let rows = tx
            .prepare("SELECT pk, tenant, resource_type, body FROM resources")
            .and_then(|mut select| {
                select
                    .query_map([], |row| {
                        Ok((
                            row.get::<_, i64>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, String>(2)?,
                            row.get::<_, String>(3)?,
                        ))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(backend)?;
        for (pk, tenant, type_name, body) in rows {
            let Some(resource_type) = self.registry.resource_type(&type_name) else {
                // A type the registry no longer has: unreachable through the service; its
                // rows stay as they are.
                continue;
            };
            let layout = self.layout(resource_type);
            let full = Self::with_members(&tx, &layout, pk, parse_body(&body)?)?;
            let derived = self.derive(&layout, resource_type, &full);
            let [external_id, user_name, display_name] = derived.keys;
            tx.execute(
                "UPDATE resources SET regular = ?, external_id_key = ?, user_name_key = ?, \
                 display_name_key = ? WHERE pk = ?",
                (derived.regular, external_id, user_name, display_name, pk),
            )
            .map_err(backend)?;
            unique::claim(
                &tx,
                &tenant,
                &type_name,
                pk,
                &layout.unique,
                &full,
                unique::Before::Unknown,
            )?;
            if let Some(attr) = &layout.members {
                let mut body = full;
                if let Some(items) = members::take(&mut body, attr) {
                    members::clear(&tx, pk)?;
                    members::insert(&tx, pk, 0, &items, attr)?;
                }
            }
        }
        tx.execute(
            "INSERT INTO store_meta (key, value) VALUES ('layout', ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [&wanted],
        )
        .map_err(backend)?;
        tx.commit().map_err(backend)
    }
}

impl Store for SqliteStore {
    fn create<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        resource: Value,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(self.create_impl(ctx, resource_type, resource))
    }

    fn get<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        hint: &'a ReadHint,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(self.get_impl(ctx, resource_type, id, hint))
    }

    fn replace<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        resource: Value,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(self.replace_impl(ctx, resource_type, id, resource, expected))
    }

    fn delete<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.delete_impl(ctx, resource_type, id, expected))
    }

    fn search<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        Box::pin(self.search_impl(ctx, resource_type, query))
    }

    fn patch<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        request: &'a PatchRequest<'a>,
    ) -> BoxFuture<'a, Result<PatchOutcome, StoreError>> {
        Box::pin(self.patch_impl(ctx, resource_type, id, request))
    }
}
