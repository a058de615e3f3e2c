//! Opening the database: connection settings, the write pool and the read connections.
//!
//! SQLite allows one writer at a time. Every write of a store goes through a pool of exactly
//! one connection, in a transaction that starts with `BEGIN IMMEDIATE`, which takes the
//! database's write lock at the start: writers of the same store queue in the store's
//! writer (see `group_commit.rs`: they share transactions), writers of other stores or
//! processes on the same file wait on the lock (up to the busy timeout), and no transaction
//! ever fails halfway because another one got the lock first. Reads use separate
//! `query_only` connections (rusqlite, `readers.rs`); in WAL mode they never block the writer
//! and see a consistent snapshot per statement or read transaction. A temporary store is the
//! same on a file in a directory of its own.

use std::sync::Arc;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::collation::{FOLD, fold_cmp};
use crate::error::OpenError;
use crate::options::{Durability, SqliteOptions};
use crate::readers::Readers;

/// The write pool and the read connections of a store.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    pub(crate) writer: SqlitePool,
    pub(crate) reader: Arc<Readers>,
    /// The directory of a temporary store, removed when the last clone is dropped.
    _temporary: Option<Arc<tempfile::TempDir>>,
}

fn base(options: SqliteConnectOptions, durability: Durability) -> SqliteConnectOptions {
    let synchronous = match durability {
        Durability::Full => SqliteSynchronous::Full,
        Durability::Normal => SqliteSynchronous::Normal,
    };
    options
        .foreign_keys(true)
        .synchronous(synchronous)
        .collation(FOLD, fold_cmp)
}

/// Opens the write pool (WAL journal, the chosen `synchronous`, busy timeout) and the read
/// connections of the file.
pub(crate) async fn open_file(options: &SqliteOptions) -> Result<Pools, OpenError> {
    let connect = base(
        SqliteConnectOptions::new()
            .filename(&options.path)
            .create_if_missing(true),
        options.durability,
    )
    .journal_mode(SqliteJournalMode::Wal)
    .busy_timeout(options.busy_timeout);
    // A local file's connections do not go stale: no ping before each use (one round trip
    // to the connection's worker thread saved per call).
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(options.busy_timeout)
        .connect_with(connect)
        .await
        .map_err(OpenError::Connect)?;
    // After the writer: the file exists and is in WAL mode.
    let reader = Readers::open(&options.path, options.busy_timeout, options.readers)
        .map_err(OpenError::Read)?;
    Ok(Pools {
        writer,
        reader: Arc::new(reader),
        _temporary: None,
    })
}

/// Opens a store's database in a new temporary directory, removed with the store.
pub(crate) async fn open_temporary() -> Result<Pools, OpenError> {
    let dir = tempfile::Builder::new()
        .prefix("scimkit-sqlite-")
        .tempdir()
        .map_err(OpenError::Temporary)?;
    let options = SqliteOptions::new(dir.path().join("store.db")).durability(Durability::Normal);
    let mut pools = open_file(&options).await?;
    pools._temporary = Some(Arc::new(dir));
    Ok(pools)
}
