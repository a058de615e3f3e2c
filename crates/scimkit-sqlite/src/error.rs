//! Errors: opening a store ([`OpenError`]) and mapping database failures to
//! [`StoreError`](scimkit_provision::StoreError).

use scimkit_provision::StoreError;

/// Why [`SqliteStore::open`](crate::SqliteStore::open) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The database could not be created, opened or switched to WAL for its migrations
    /// (missing directory, not a database, locked beyond the busy timeout, ...).
    #[error("cannot open the SQLite database: {0}")]
    Connect(#[source] sqlx::Error),
    /// The write connection could not be opened or configured.
    #[error("cannot open the write connection to the SQLite database: {0}")]
    Write(#[source] rusqlite::Error),
    /// A read connection could not be opened or configured.
    #[error("cannot open a read connection to the SQLite database: {0}")]
    Read(#[source] rusqlite::Error),
    /// The read connections do not see the database the write connection opened: the path
    /// names an in-memory database (`:memory:`, a `mode=memory` URI), which each connection
    /// would get a private copy of. Use
    /// [`SqliteStore::open_temporary`](crate::SqliteStore::open_temporary) instead.
    #[error(
        "the read connections cannot share the database {0:?}: in-memory databases (`:memory:`, \
         `mode=memory`) are private to each connection; use a file (or SqliteStore::open_temporary)"
    )]
    Unshared(std::path::PathBuf),
    /// The temporary directory of [`SqliteStore::open_temporary`](crate::SqliteStore::open_temporary)
    /// could not be created.
    #[error("cannot create the temporary directory of the store: {0}")]
    Temporary(#[source] std::io::Error),
    /// The embedded schema migrations could not be applied (e.g. the file was written by a
    /// newer scimkit-sqlite).
    #[error("cannot migrate the SQLite database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// The schema registry changed since the database was last opened and re-deriving the
    /// lookup columns and unique values failed (e.g. an attribute became unique and two
    /// resources share a value).
    #[error("cannot re-index the stored resources for the current schema: {0}")]
    Reindex(#[source] StoreError),
}

/// A database failure as a [`StoreError::Backend`].
pub(crate) fn backend(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(err.to_string())
}
