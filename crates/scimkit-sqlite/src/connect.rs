//! Opening the database: connection settings, the write and read pools, migrations.
//!
//! SQLite allows one writer at a time. Every write of a store goes through a pool of exactly
//! one connection, in a transaction that starts with `BEGIN IMMEDIATE`, which takes the
//! database's write lock at the start: writers of the same store queue in the store's
//! writer (see `group_commit.rs`: they share transactions), writers of other stores or
//! processes on the same file wait on the lock (up to the busy timeout), and no transaction
//! ever fails halfway because another one got the lock first. Reads use a separate pool of
//! `query_only` connections; in WAL mode they never block the writer and see a consistent
//! snapshot per transaction.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::collation::{FOLD, fold_cmp};
use crate::error::OpenError;
use crate::options::{Durability, SqliteOptions};
use crate::readers::Readers;

/// The two pools of a store; for an in-memory database both are the same one connection.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    pub(crate) writer: SqlitePool,
    pub(crate) reader: Arc<Readers>,
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

/// Opens the file-backed pools: WAL journal, the chosen `synchronous`, busy timeout.
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
        .connect_with(connect.clone())
        .await
        .map_err(OpenError::Connect)?;
    let reader = Readers::open(&connect.pragma("query_only", "ON"), options.readers)
        .await
        .map_err(OpenError::Connect)?;
    Ok(Pools {
        writer,
        reader: Arc::new(reader),
    })
}

/// Opens a private in-memory database on one connection that lives as long as the store.
pub(crate) async fn open_memory() -> Result<Pools, OpenError> {
    let connect = base(
        SqliteConnectOptions::from_str("sqlite::memory:").map_err(OpenError::Connect)?,
        Durability::Normal,
    );
    // No test (ping) before handing the connection out: a checkout dropped during it (a
    // cancelled request) could make the pool close the connection, and with it the whole
    // in-memory database (seen as "no such table" by the cut-off writes test).
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(connect)
        .await
        .map_err(OpenError::Connect)?;
    Ok(Pools {
        writer: pool.clone(),
        reader: Arc::new(Readers::Shared(pool)),
    })
}
