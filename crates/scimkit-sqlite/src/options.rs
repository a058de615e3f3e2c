//! [`SqliteOptions`]: where the database lives and how durable a write is.

use std::path::PathBuf;
use std::time::Duration;

/// When a committed write reaches the disk: SQLite's `synchronous` setting in WAL mode.
///
/// | | survives `kill -9` of the process | survives power loss / OS crash |
/// |---|---|---|
/// | [`Full`](Durability::Full) (default) | yes | yes: the WAL is fsynced before a commit returns |
/// | [`Normal`](Durability::Normal) | yes: the commit is in the OS page cache | the last commits may be rolled back (never corrupted) |
///
/// A store acknowledges a write only after the commit holding it returns, and an identity
/// provider that got a 201 never sends the user again, so `Full` is the default. With
/// [group commit](SqliteOptions::group_commit) (the default) concurrent writes share one
/// transaction and its one fsync, each write in its own savepoint; the guarantee is the
/// same for each of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// `PRAGMA synchronous = FULL`: every commit is on stable storage before it returns.
    #[default]
    Full,
    /// `PRAGMA synchronous = NORMAL`: commits survive a crash of the process, not of the
    /// machine. Faster on slow disks.
    Normal,
}

/// How to open a [`SqliteStore`](crate::SqliteStore).
///
/// ```
/// use std::time::Duration;
/// use scimkit_sqlite::{Durability, SqliteOptions};
///
/// let options = SqliteOptions::new("scimkit.db")
///     .durability(Durability::Full)
///     .busy_timeout(Duration::from_secs(10))
///     .readers(4);
/// assert_eq!(options.path().to_str(), Some("scimkit.db"));
/// ```
#[derive(Clone, Debug)]
pub struct SqliteOptions {
    pub(crate) path: PathBuf,
    pub(crate) durability: Durability,
    pub(crate) busy_timeout: Duration,
    pub(crate) readers: u32,
    pub(crate) group_commit: bool,
}

/// Default [`SqliteOptions::busy_timeout`]: 30 seconds.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Default [`SqliteOptions::readers`]: 4 connections.
pub const DEFAULT_READERS: u32 = 4;

impl SqliteOptions {
    /// Options for the database file at `path` (created with its directory entry if
    /// missing), [`Durability::Full`], [`DEFAULT_BUSY_TIMEOUT`], [`DEFAULT_READERS`], group
    /// commit on.
    pub fn new(path: impl Into<PathBuf>) -> SqliteOptions {
        SqliteOptions {
            path: path.into(),
            durability: Durability::Full,
            busy_timeout: DEFAULT_BUSY_TIMEOUT,
            readers: DEFAULT_READERS,
            group_commit: true,
        }
    }

    /// Sets the durability of a commit (builder style).
    pub fn durability(mut self, durability: Durability) -> SqliteOptions {
        self.durability = durability;
        self
    }

    /// How long a write waits for the database lock held by another connection (another
    /// store on the same file, another process), counted from the start of the call, before
    /// failing with [`StoreError::Backend`](scimkit_provision::StoreError::Backend) (builder
    /// style). It also bounds how long opening a store waits for the lock when the stored
    /// rows must be re-derived for a changed registry.
    pub fn busy_timeout(mut self, timeout: Duration) -> SqliteOptions {
        self.busy_timeout = timeout;
        self
    }

    /// How many connections serve reads in parallel (at least 1; builder style). A read runs
    /// on the thread that polls it, so more readers than the threads polling reads do not
    /// help. Writes always go through one connection.
    pub fn readers(mut self, readers: u32) -> SqliteOptions {
        self.readers = readers.max(1);
        self
    }

    /// Whether concurrent writes share one transaction and its commit (builder style; on by
    /// default).
    ///
    /// On: the first writer to find no open batch runs `BEGIN IMMEDIATE`; each write runs
    /// in its own `SAVEPOINT` (released on success, rolled back on failure, so a failed
    /// write leaves nothing and returns its error at once); a successful writer waits until
    /// the writers queued behind it have written into the same transaction, then one
    /// `COMMIT` (one fsync with [`Durability::Full`]) acknowledges them all. A write is
    /// still acknowledged only after the `COMMIT` holding it returned, and a failed `COMMIT`
    /// fails every write it held. Under load this turns one fsync per write into one per
    /// batch; a lone writer pays a yield and a second turn on the writers' queue.
    ///
    /// Off: every write commits on its own before the next one starts (one fsync each).
    pub fn group_commit(mut self, on: bool) -> SqliteOptions {
        self.group_commit = on;
        self
    }

    /// The database file.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}
