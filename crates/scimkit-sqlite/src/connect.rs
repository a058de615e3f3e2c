//! Opening the database: connection settings, the write connection and the read connections.
//!
//! SQLite allows one writer at a time. Every write of a store goes through its one write
//! connection, in a transaction that starts with `BEGIN IMMEDIATE`, which takes the
//! database's write lock at the start: writers of the same store queue in the store's
//! writer (see `group_commit.rs`: they share transactions), writers of other stores or
//! processes on the same file wait for the lock (up to the busy timeout), and no transaction
//! ever fails halfway because another one got the lock first. Reads use separate
//! `query_only` connections (`readers.rs`); in WAL mode they never block the writer and see
//! a consistent snapshot per statement or read transaction. A temporary store is the same on
//! a file in a directory of its own.
//!
//! Both kinds are rusqlite connections whose statements run on the calling thread. The
//! embedded migrations run through sqlx's migrator, on a connection opened for them alone
//! and closed before the store starts (see `migrate.rs`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection as _};

use crate::collation::{FOLD, fold_cmp};
use crate::error::OpenError;
use crate::migrate;
use crate::options::{Durability, SqliteOptions};
use crate::readers::Readers;

/// How many prepared statements the write connection keeps (rusqlite's statement cache).
const STATEMENT_CACHE: usize = 64;

/// The read connections of a store, and its temporary directory if it has one.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    pub(crate) reader: Arc<Readers>,
    /// The directory of a temporary store, removed when the last clone is dropped.
    _temporary: Option<Arc<tempfile::TempDir>>,
}

/// A store's database, opened and migrated: its write connection and read connections.
pub(crate) struct Opened {
    pub(crate) writer: Connection,
    pub(crate) pools: Pools,
}

/// Creates the file if missing, switches it to WAL and applies the embedded migrations, on
/// a connection of its own, closed afterwards.
async fn create_and_migrate(options: &SqliteOptions) -> Result<(), OpenError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(&options.path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(options.busy_timeout)
        .connect()
        .await
        .map_err(OpenError::Connect)?;
    let migrated = migrate::run(&mut conn).await;
    conn.close().await.map_err(OpenError::Connect)?;
    migrated
}

/// A connection to the database at `path` (which must exist), whose statements run on the
/// calling thread: the busy timeout, the `scim_fold` collation, a statement cache of
/// `statements`. SQLite's own mutex is off: each connection is used by one thread at a time
/// (the writers' lock, a read's lease).
pub(crate) fn connection(
    path: &Path,
    busy_timeout: Duration,
    statements: usize,
) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout)?;
    conn.create_collation(FOLD, fold_cmp)?;
    conn.set_prepared_statement_cache_capacity(statements);
    Ok(conn)
}

/// The write connection: [`connection`] with foreign keys on and the chosen `synchronous`.
fn connect_writer(
    path: &Path,
    durability: Durability,
    busy_timeout: Duration,
) -> rusqlite::Result<Connection> {
    let conn = connection(path, busy_timeout, STATEMENT_CACHE)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", synchronous)?;
    Ok(conn)
}

/// Opens (creating and migrating) the file, its write connection and its read connections.
pub(crate) async fn open_file(options: &SqliteOptions) -> Result<Opened, OpenError> {
    create_and_migrate(options).await?;
    let writer = connect_writer(&options.path, options.durability, options.busy_timeout)
        .map_err(OpenError::Write)?;
    let reader = Readers::open(&options.path, options.busy_timeout, options.readers)
        .map_err(OpenError::Read)?;
    Ok(Opened {
        writer,
        pools: Pools {
            reader: Arc::new(reader),
            _temporary: None,
        },
    })
}

/// Opens a store's database in a new temporary directory, removed with the store.
pub(crate) async fn open_temporary() -> Result<(Opened, SqliteOptions), OpenError> {
    let dir = tempfile::Builder::new()
        .prefix("scimkit-sqlite-")
        .tempdir()
        .map_err(OpenError::Temporary)?;
    let options = SqliteOptions::new(dir.path().join("store.db")).durability(Durability::Normal);
    let mut opened = open_file(&options).await?;
    opened.pools._temporary = Some(Arc::new(dir));
    Ok((opened, options))
}
