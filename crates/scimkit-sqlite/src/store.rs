//! [`SqliteStore`]: the [`Store`] implementation.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use scimkit_provision::{
    BoxFuture, Page, PatchOutcome, PatchRequest, ReadHint, RequestContext, SearchQuery, Store,
    StoreError, Version, new_id, now_timestamp, stamp_meta,
};
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};
use serde_json::Value;
use sqlx::{Row, SqliteConnection};

use crate::connect::{self, Pools};
use crate::error::{OpenError, backend};
use crate::group_commit::{WriteTx, Writer};
use crate::layout::{Derived, Layout, MemberAttr, fingerprint};
use crate::options::SqliteOptions;
use crate::token_cache::TokenCache;
use crate::{members, migrate, unique};

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
        let pools = connect::open_file(options).await?;
        let store = SqliteStore::start(pools, registry, options.group_commit).await?;
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
    /// as a file store (a writer and read connections); SQLite's own in-memory databases
    /// cannot be shared between the write connection (sqlx) and the read connections
    /// (rusqlite, see the crate docs).
    ///
    /// # Errors
    /// As [`open`](Self::open); [`OpenError::Temporary`] when the directory cannot be made.
    pub async fn open_temporary(registry: Arc<SchemaRegistry>) -> Result<SqliteStore, OpenError> {
        let pools = connect::open_temporary().await?;
        SqliteStore::start(pools, registry, true).await
    }

    async fn start(
        pools: Pools,
        registry: Arc<SchemaRegistry>,
        group_commit: bool,
    ) -> Result<SqliteStore, OpenError> {
        migrate::run(&pools.writer).await?;
        let store = SqliteStore {
            registry,
            writer: Writer::new(pools.writer.clone(), group_commit),
            pools,
            token_cache: Arc::default(),
            layouts: RwLock::new(HashMap::new()),
        };
        store
            .reindex_if_needed()
            .await
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
        self.writer.flush().await;
        self.pools.writer.close().await;
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

    /// Starts one write: its savepoint inside the shared write transaction that holds the
    /// database's write lock (`BEGIN IMMEDIATE`), see [`crate::group_commit`]. Reads
    /// through it see the earlier writes of the same batch. `commit` returns once the
    /// batch's `COMMIT` returned; dropping it rolls the write back.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        self.writer.begin().await
    }

    /// The row of `(tenant, type, id)`, its body parsed (membership values not loaded).
    pub(crate) async fn find(
        conn: &mut SqliteConnection,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
    ) -> Result<StoredRow, StoreError> {
        let row = sqlx::query(FIND)
            .bind(ctx.tenant_id())
            .bind(&resource_type.name)
            .bind(id)
            .fetch_optional(conn)
            .await
            .map_err(backend)?
            .ok_or(StoreError::NotFound)?;
        Ok(StoredRow {
            pk: row.try_get(0).map_err(backend)?,
            version: row.try_get(1).map_err(backend)?,
            created: row.try_get(2).map_err(backend)?,
            regular: row.try_get(3).map_err(backend)?,
            body: parse_body(row.try_get(4).map_err(backend)?)?,
        })
    }

    /// [`find`](Self::find) on a read connection.
    pub(crate) fn find_on_reader(
        conn: &rusqlite::Connection,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
    ) -> Result<StoredRow, StoreError> {
        let mut statement = conn.prepare_cached(FIND).map_err(backend)?;
        let mut rows = statement
            .query((ctx.tenant_id(), &resource_type.name, id))
            .map_err(backend)?;
        let row = rows.next().map_err(backend)?.ok_or(StoreError::NotFound)?;
        let body: String = row.get(4).map_err(backend)?;
        Ok(StoredRow {
            pk: row.get(0).map_err(backend)?,
            version: row.get(1).map_err(backend)?,
            created: row.get(2).map_err(backend)?,
            regular: row.get(3).map_err(backend)?,
            body: parse_body(&body)?,
        })
    }

    /// [`with_members`](Self::with_members) on a read connection.
    pub(crate) fn with_members_on_reader(
        conn: &rusqlite::Connection,
        layout: &Layout,
        pk: i64,
        mut body: Value,
    ) -> Result<Value, StoreError> {
        if let Some(attr) = placeholder(layout, &body) {
            let items = members::load_on_reader(conn, pk)?;
            members::put(&mut body, attr, items);
        }
        Ok(body)
    }

    /// What a read returns of the row `pk`: `body` with its membership values loaded,
    /// unless `hint` leaves them out, and without the attributes `hint` names.
    pub(crate) async fn returned(
        conn: &mut SqliteConnection,
        layout: &Layout,
        pk: i64,
        body: Value,
        hint: &ReadHint,
    ) -> Result<Value, StoreError> {
        let mut resource = match layout.loaded_members(hint) {
            Some(_) => Self::with_members(conn, layout, pk, body).await?,
            None => body,
        };
        hint.strip(&mut resource);
        Ok(resource)
    }

    /// `body` with its membership values loaded from rows.
    pub(crate) async fn with_members(
        conn: &mut SqliteConnection,
        layout: &Layout,
        pk: i64,
        mut body: Value,
    ) -> Result<Value, StoreError> {
        if let Some(attr) = placeholder(layout, &body) {
            let items = members::load(conn, pk).await?;
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
    pub(crate) async fn write_existing(
        &self,
        conn: &mut SqliteConnection,
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
        sqlx::query(
            "UPDATE resources SET version = ?, last_modified = ?, body = ?, regular = ?, \
             external_id_key = ?, user_name_key = ?, display_name_key = ? WHERE pk = ?",
        )
        .bind(version)
        .bind(&now)
        .bind(resource.to_string())
        .bind(derived.regular)
        .bind(external_id)
        .bind(user_name)
        .bind(display_name)
        .bind(row.pk)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
        unique::claim(
            conn,
            ctx.tenant_id(),
            &resource_type.name,
            row.pk,
            &layout.unique,
            &stored,
            unique::Before::Stored(&row.body),
        )
        .await?;
        if let Some(attr) = &layout.members {
            match items {
                Some(items) => members::sync(conn, row.pk, &items, attr).await?,
                None => members::clear(conn, row.pk).await?,
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
        let mut tx = self.begin_write().await?;
        let pk: i64 = sqlx::query_scalar(
            "INSERT INTO resources (tenant, resource_type, id, version, created, last_modified, \
             body, regular, external_id_key, user_name_key, display_name_key) \
             VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING pk",
        )
        .bind(ctx.tenant_id())
        .bind(&resource_type.name)
        .bind(&id)
        .bind(&now)
        .bind(&now)
        .bind(resource.to_string())
        .bind(derived.regular)
        .bind(external_id)
        .bind(user_name)
        .bind(display_name)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
        unique::claim(
            &mut tx,
            ctx.tenant_id(),
            &resource_type.name,
            pk,
            &layout.unique,
            &stored,
            unique::Before::New,
        )
        .await?;
        if let (Some(attr), Some(items)) = (&layout.members, &items) {
            members::insert(&mut tx, pk, 0, items, attr).await?;
        }
        tx.commit().await?;
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
                .read(|conn| Self::find_on_reader(conn, ctx, resource_type, id))
                .await?
                .body
        } else {
            // Body and rows from one snapshot.
            reader
                .read_snapshot(|conn| {
                    let row = Self::find_on_reader(conn, ctx, resource_type, id)?;
                    Self::with_members_on_reader(conn, &layout, row.pk, row.body)
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
        let mut tx = self.begin_write().await?;
        let row = Self::find(&mut tx, ctx, resource_type, id).await?;
        row.check(expected)?;
        let stored = self
            .write_existing(&mut tx, ctx, resource_type, &row, id, resource)
            .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn delete_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        expected: Option<&Version>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = Self::find(&mut tx, ctx, resource_type, id).await?;
        row.check(expected)?;
        // Membership rows and unique values go with it (ON DELETE CASCADE).
        sqlx::query("DELETE FROM resources WHERE pk = ?")
            .bind(row.pk)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await?;
        Ok(())
    }

    /// Re-derives lookup keys, regular flags, unique values and membership keys of every
    /// row when the registry's facts differ from the ones the database was indexed with.
    async fn reindex_if_needed(&self) -> Result<(), StoreError> {
        let wanted = fingerprint(&self.registry);
        // At opening, before any other write: a plain transaction of its own.
        let mut tx = self
            .pools
            .writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)?;
        let stored: Option<String> =
            sqlx::query_scalar("SELECT value FROM store_meta WHERE key = 'layout'")
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        if stored.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        let rows = sqlx::query("SELECT pk, tenant, resource_type, body FROM resources")
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        for row in rows {
            let pk: i64 = row.try_get(0).map_err(backend)?;
            let tenant: String = row.try_get(1).map_err(backend)?;
            let type_name: String = row.try_get(2).map_err(backend)?;
            let body = parse_body(row.try_get(3).map_err(backend)?)?;
            let Some(resource_type) = self.registry.resource_type(&type_name) else {
                // A type the registry no longer has: unreachable through the service; its
                // rows stay as they are.
                continue;
            };
            let layout = self.layout(resource_type);
            let full = Self::with_members(&mut tx, &layout, pk, body).await?;
            let derived = self.derive(&layout, resource_type, &full);
            let [external_id, user_name, display_name] = derived.keys;
            sqlx::query(
                "UPDATE resources SET regular = ?, external_id_key = ?, user_name_key = ?, \
                 display_name_key = ? WHERE pk = ?",
            )
            .bind(derived.regular)
            .bind(external_id)
            .bind(user_name)
            .bind(display_name)
            .bind(pk)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            unique::claim(
                &mut tx,
                &tenant,
                &type_name,
                pk,
                &layout.unique,
                &full,
                unique::Before::Unknown,
            )
            .await?;
            if let Some(attr) = &layout.members {
                let mut body = full;
                if let Some(items) = members::take(&mut body, attr) {
                    members::clear(&mut tx, pk).await?;
                    members::insert(&mut tx, pk, 0, &items, attr).await?;
                }
            }
        }
        sqlx::query(
            "INSERT INTO store_meta (key, value) VALUES ('layout', ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(&wanted)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
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
