//! Group commit: concurrent writes of a store share one SQLite transaction, so one `COMMIT`
//! (one fsync with [`Durability::Full`](crate::Durability::Full)) acknowledges many writes.
//!
//! The store has one write connection (rusqlite). A write is a closure that runs its
//! statements on it synchronously, on the thread that polls the write, while it holds the
//! writers' lock ([`tokio::sync::Mutex`], FIFO):
//!
//! - The first writer to find no open batch runs `BEGIN IMMEDIATE`, which takes the
//!   database's write lock. It is tried without waiting; when another connection (another
//!   store, another process) holds the lock, the writer sleeps and tries again, asynchronously,
//!   up to the busy timeout (counted from the start of the call), so no runtime thread
//!   blocks on the lock and a writer dropped meanwhile has opened nothing.
//! - Each write runs inside its own `SAVEPOINT`. A write that succeeds `RELEASE`s it; one
//!   that fails (or panics) is rolled back to it (`ROLLBACK TO`, then `RELEASE`) before the
//!   lock is let go, so it leaves nothing in the batch; its error is returned at once. There
//!   is no await between `SAVEPOINT` and `RELEASE`: a write cannot be cut off halfway.
//! - A successful writer then lets go of the lock, yields, and queues for it again: the
//!   writers already queued write first, into the same batch. When its turn comes and its
//!   batch is still open, it commits the batch; whoever commits publishes the outcome to every
//!   writer of the batch ([`tokio::sync::watch`]), and each returns only then. Writers
//!   arriving during the `COMMIT` queue on the lock and form the next batch.
//! - The `COMMIT` (the fsync) runs on the blocking pool ([`tokio::task::spawn_blocking`]),
//!   which holds the writers' lock until the outcome is published: dropping the writer that
//!   started it cannot interrupt it, and the outcome still reaches everyone waiting. The end
//!   of a batch is a value that does its work when dropped, so it runs even when the pool
//!   drops it unrun (its runtime shutting down), or on the caller's thread with no runtime:
//!   no batch is ever left open on the connection with no one to end it. A failed `COMMIT`
//!   (disk full, I/O error) is rolled back and fails every write of the batch: none of them
//!   is acknowledged.
//! - A write that fails (a 409, a 412) or panics while it is its batch's only writer ends the
//!   batch before it returns (a panic is caught, settled, and resumed). A writer dropped while
//!   it waits for its batch (client gone, a request timeout) leaves a complete write in the
//!   batch; when it was the last writer of the batch, the batch is ended at once if the
//!   writers' lock is free, else by whoever lets go of the lock next ([`Held`]), or by a task
//!   if the lock was handed to a queued call that is dropped unrun. So once no call is
//!   running, and the runtime has run what it was handed, the store holds no transaction and
//!   no write lock.
//! - What a write needs done once its batch has ended (the tenants' token cache cleared) runs
//!   before any writer of the batch returns, also when that write's caller is gone
//!   ([`Writer::write_then`]).
//!
//! Reads inside a write (the version check, uniqueness) see the earlier writes of the same
//! batch before they are committed. That is sound: the batch commits or fails as one, so no
//! write is acknowledged on the strength of a write that is not durable with it.
//!
//! Why not an async driver: sqlx runs each connection's statements on a worker thread of
//! its own, so every statement costs two thread hand-offs, more than the statement itself
//! (measured with the load bench, `benches/load`; see the crate docs).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex as StdMutex, MutexGuard as StdGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};
use scimkit_provision::StoreError;
use tokio::sync::{Mutex, watch};
use tokio::time::Instant;

use crate::cached;
use crate::error::backend;
use ending::{Ending, Held, Orphan, end_orphan};

/// How a batch ended: `Ok` once its `COMMIT` returned, else why it was rolled back.
type Outcome = Result<(), String>;

/// The write path of a store: its write connection and the batch being filled, if any.
/// Cheap to clone (shared).
#[derive(Clone)]
pub(crate) struct Writer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("group", &self.inner.group)
            .finish_non_exhaustive()
    }
}

struct Inner {
    /// The write connection (`None` once the store is closed). Used by the holder of
    /// `state`'s lock, or by the end of a batch it started (which holds that lock meanwhile).
    conn: StdMutex<Option<Connection>>,
    /// How long a write waits for another connection's write lock.
    busy_timeout: Duration,
    /// Group commit on; off, every batch holds exactly one write.
    group: bool,
    state: Arc<Mutex<State>>,
    /// Writes that left their batch without its outcome (for the tests' assertions).
    #[cfg(test)]
    left: StdMutex<Vec<Left>>,
}

/// Where a write stood when it left its batch without the batch's outcome.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Left {
    /// It panicked while writing: rolled back to its savepoint.
    Panicked,
    /// Dropped while waiting for its batch: its write stays in the batch.
    Waiting,
}

#[derive(Default)]
struct State {
    open: Option<Arc<Batch>>,
    next_batch: u64,
    closed: bool,
}

/// What runs once a batch has ended, before its writers hear of it.
type AfterCommit = Box<dyn FnOnce() + Send>;

/// What the writers of one batch share.
struct Batch {
    id: u64,
    /// `None` until the batch committed or failed.
    outcome: watch::Sender<Option<Outcome>>,
    /// Writers of the batch that may still commit it: from joining until they hold the
    /// outcome, fail, or are dropped.
    members: AtomicUsize,
    /// What the batch's writes asked to run once it has ended (e.g. clearing a cache that
    /// must not keep what the batch changed).
    after: StdMutex<Vec<AfterCommit>>,
}

const BEGIN: &str = "BEGIN IMMEDIATE";
const SAVEPOINT: &str = "SAVEPOINT scimkit_write";
const RELEASE: &str = "RELEASE SAVEPOINT scimkit_write";
const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT scimkit_write";

fn closed() -> StoreError {
    StoreError::Backend("the store is closed".into())
}

/// Why a write did not go into its batch.
enum Failed {
    /// The write failed and was rolled back to its savepoint: the batch is intact.
    Refused(StoreError),
    /// The write failed and the transaction can no longer be trusted (the rollback to its
    /// savepoint failed, or SQLite rolled the whole transaction back): every write of the
    /// batch fails, for this reason.
    Broken(StoreError, String),
    /// The write panicked: rolled back to its savepoint (or, when that failed, the batch is
    /// broken for the reason given); the panic goes on once the batch is settled.
    Panicked(Box<dyn std::any::Any + Send>, Option<String>),
}

impl Writer {
    /// The write path over `conn` (the store's write connection, already configured);
    /// `busy_timeout` bounds each write's wait for another connection's write lock; `group`
    /// turns group commit on.
    pub(crate) fn new(conn: Connection, busy_timeout: Duration, group: bool) -> Writer {
        Writer {
            inner: Arc::new(Inner {
                conn: StdMutex::new(Some(conn)),
                busy_timeout,
                group,
                state: Arc::default(),
                #[cfg(test)]
                left: StdMutex::default(),
            }),
        }
    }

    /// Runs `write` on the write connection inside its own savepoint, in the open batch
    /// (or one it opens with `BEGIN IMMEDIATE`), and returns its value once the batch
    /// holding it committed: the write is then as durable as the store's
    /// [`Durability`](crate::Durability) makes a commit. `write` runs synchronously on this
    /// thread; it sees the earlier writes of its batch.
    ///
    /// # Errors
    /// What `write` returns (the write is then rolled back to its savepoint, and nothing of
    /// it stays); [`StoreError::Backend`] when the batch cannot be opened (another
    /// connection kept the database's write lock for the busy timeout, counted from this
    /// call; I/O), the store is closed, or the batch failed to commit (every write of the
    /// batch then fails; none is stored).
    pub(crate) async fn write<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_then(write, None).await
    }

    /// [`write`](Self::write), and once the batch holding the write has ended (committed or
    /// not), before any of its writers returns, `after` runs: even when this call was
    /// dropped while it waited for the batch. For what must follow the commit, such as
    /// clearing a cache of what the write changed.
    ///
    /// # Errors
    /// As [`write`](Self::write).
    pub(crate) async fn write_then<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
        after: Option<AfterCommit>,
    ) -> Result<T, StoreError> {
        let inner = &self.inner;
        let deadline = Instant::now() + inner.busy_timeout;
        let mut state = inner.lock().await;
        if state.closed {
            return Err(closed());
        }
        let in_transaction = !inner.with_conn(|conn| Ok(conn.is_autocommit()))?;
        match (&state.open, in_transaction) {
            (Some(_), false) => {
                // SQLite ended the transaction on its own (after an I/O error, say): what the
                // batch's writers wrote is gone, so none of them may be acknowledged.
                inner
                    .end(state, Some("SQLite rolled the transaction back".into()))
                    .await;
                state = inner.lock().await;
            }
            (None, true) => {
                // A transaction no batch owns (a batch whose end never ran): none of its
                // writes was acknowledged, so it is rolled back.
                inner.with_conn(|conn| cached::run(conn, "ROLLBACK").map_err(backend))?;
            }
            _ => {}
        }
        if state.open.is_none() {
            inner.begin(&mut state, deadline).await?;
        }
        let batch = state
            .open
            .clone()
            .ok_or_else(|| StoreError::Backend("no open write transaction".into()))?;
        batch.members.fetch_add(1, Ordering::AcqRel);
        let mut member = Member {
            inner: inner.clone(),
            batch,
            waiting: false,
            settled: false,
        };
        match inner.run(write) {
            Ok(value) => {
                if let Some(after) = after {
                    member
                        .batch
                        .after
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(after);
                }
                member.waiting = true;
                if inner.group {
                    drop(state);
                    // Writers about to queue get there before this one asks for its turn.
                    tokio::task::yield_now().await;
                } else {
                    inner.end(state, None).await;
                }
                member.wait().await?;
                Ok(value)
            }
            Err(Failed::Refused(error)) => {
                let last = member.settle();
                if last || !inner.group {
                    // No other writer will commit the batch: end it before returning, so
                    // it does not keep the write lock.
                    inner.end(state, None).await;
                }
                Err(error)
            }
            Err(Failed::Broken(error, why)) => {
                member.settle();
                inner.end(state, Some(why)).await;
                Err(error)
            }
            Err(Failed::Panicked(panic, broken)) => {
                // Settled like a failed write before the panic goes on: a panic unwinding
                // through here would leave the batch to a task, with the writers' lock held.
                #[cfg(test)]
                if let Ok(mut left) = inner.left.lock() {
                    left.push(Left::Panicked);
                }
                let last = member.settle();
                if broken.is_some() || last || !inner.group {
                    inner.end(state, broken).await;
                } else {
                    drop(state);
                }
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Commits the open batch, if any, and closes the write connection; later writes fail.
    pub(crate) async fn close(&self) {
        let mut state = self.inner.lock().await;
        state.closed = true;
        let inner = self.inner.clone();
        inner.end(state, None).await;
        let _lock = self.inner.state.lock().await;
        let conn = self.inner.slot().take();
        drop(conn);
    }

    /// Runs `f` on the write connection outside any batch (opening the store: migrations
    /// done, no writer yet).
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the store is closed; what `f` returns.
    pub(crate) fn with_connection<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.inner.with_conn(f)
    }
}

impl Inner {
    /// Takes the writers' lock (FIFO).
    async fn lock(self: &Arc<Self>) -> Held {
        Held {
            guard: Some(self.state.clone().lock_owned().await),
            inner: self.clone(),
        }
    }

    /// The writers' lock, if it is free.
    fn try_lock(self: &Arc<Self>) -> Option<Held> {
        let guard = self.state.clone().try_lock_owned().ok()?;
        Some(Held {
            guard: Some(guard),
            inner: self.clone(),
        })
    }

    fn slot(&self) -> StdGuard<'_, Option<Connection>> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the write connection.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the store is closed; what `f` returns.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(self.slot().as_ref().ok_or_else(closed)?)
    }

    /// Opens a batch: `BEGIN IMMEDIATE`, tried at once and, while another connection holds
    /// the write lock, again after growing sleeps until `deadline`.
    async fn begin(&self, state: &mut State, deadline: Instant) -> Result<(), StoreError> {
        let mut pause = Duration::from_millis(1);
        loop {
            match self.with_conn(|conn| Ok(try_begin(conn, self.busy_timeout)))? {
                Ok(()) => break,
                Err(e) if is_busy(&e) && Instant::now() < deadline => {
                    tokio::time::sleep(pause.min(deadline - Instant::now())).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(e) => return Err(backend(e)),
            }
        }
        state.next_batch += 1;
        state.open = Some(Arc::new(Batch {
            id: state.next_batch,
            outcome: watch::Sender::new(None),
            members: AtomicUsize::new(0),
            after: StdMutex::default(),
        }));
        Ok(())
    }

    /// Runs one write inside its savepoint (see [`Writer::write`]).
    fn run<T>(
        &self,
        write: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, Failed> {
        let slot = self.slot();
        let conn = slot.as_ref().ok_or_else(|| Failed::Refused(closed()))?;
        cached::run(conn, SAVEPOINT).map_err(|e| Failed::Refused(backend(e)))?;
        let written = std::panic::catch_unwind(AssertUnwindSafe(|| write(conn)));
        let done = match written {
            Ok(done) => done.and_then(|value| {
                cached::run(conn, RELEASE).map_err(backend)?;
                Ok(value)
            }),
            Err(panic) => return Err(Failed::Panicked(panic, roll_back(conn).err())),
        };
        match done {
            Ok(value) => Ok(value),
            Err(error) => match roll_back(conn) {
                Ok(()) => Err(Failed::Refused(error)),
                Err(why) => Err(Failed::Broken(error, why)),
            },
        }
    }

    /// Ends the open batch: commits it (or rolls it back when `failure` says why it must
    /// fail), runs what its writes asked to run after it, and publishes the outcome to its
    /// writers. The work runs on the blocking pool and holds the writers' lock until it is
    /// done; dropping the caller cannot interrupt it, and if it cannot run there (the runtime
    /// is shutting down, or there is none) it runs on this thread.
    async fn end(self: &Arc<Self>, mut state: Held, failure: Option<String>) {
        let Some(batch) = state.open.take() else {
            return;
        };
        let ending = Ending {
            inner: self.clone(),
            batch,
            failure,
            state: Some(state),
            done: false,
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let _ = runtime.spawn_blocking(move || drop(ending)).await;
            }
            Err(_) => drop(ending),
        }
    }

    /// `COMMIT` (or, with a `failure`, `ROLLBACK`) on this thread.
    fn finish(&self, failure: Option<String>) -> Outcome {
        let slot = self.slot();
        let Some(conn) = slot.as_ref() else {
            return Err("the store is closed".into());
        };
        if let Some(failure) = failure {
            // Fails only when SQLite already ended the transaction.
            let _ = cached::run(conn, "ROLLBACK");
            return Err(failure);
        }
        if conn.is_autocommit() {
            return Err("SQLite rolled the transaction back".into());
        }
        cached::run(conn, "COMMIT").map_err(|e| {
            // A COMMIT that failed (a deferred constraint, I/O) may leave the transaction
            // open: end it, so the next batch starts clean.
            let _ = cached::run(conn, "ROLLBACK");
            e.to_string()
        })
    }
}

/// One `BEGIN IMMEDIATE` that does not wait for another connection's lock (SQLite's busy
/// handler off for it; `busy_timeout` is put back after).
fn try_begin(conn: &Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::ZERO)?;
    let begun = cached::run(conn, BEGIN);
    let restored = conn.busy_timeout(busy_timeout);
    begun.and(restored)
}

fn is_busy(error: &rusqlite::Error) -> bool {
    error
        .sqlite_error_code()
        .is_some_and(|code| matches!(code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// Rolls the running write back to its savepoint: `ROLLBACK TO`, then `RELEASE`.
///
/// # Errors
/// Why the transaction can no longer be trusted: the rollback failed (e.g. SQLite rolled the
/// whole transaction back after an I/O error, and the savepoint is gone with it).
fn roll_back(conn: &Connection) -> Result<(), String> {
    cached::run(conn, ROLLBACK_TO).map_err(|e| format!("cannot roll back a failed write: {e}"))?;
    cached::run(conn, RELEASE).map_err(|e| format!("cannot release a rolled-back write: {e}"))
}

/// A writer of a batch, from joining it until it holds the batch's outcome.
struct Member {
    inner: Arc<Inner>,
    batch: Arc<Batch>,
    /// Its write is in the batch (released), waiting for the outcome.
    waiting: bool,
    /// The outcome is known (or the writer left the count already).
    settled: bool,
}

impl Member {
    /// Leaves the batch's count of writers that may still commit it, knowing its fate (or
    /// deciding it); whether this was the last one.
    fn settle(&mut self) -> bool {
        self.settled = true;
        self.batch.members.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// Waits for the batch's outcome, committing the batch when the writers' lock comes to
    /// this writer while the batch is still open.
    async fn wait(&mut self) -> Result<(), StoreError> {
        let mut outcome = self.batch.outcome.subscribe();
        loop {
            if let Some(result) = outcome.borrow_and_update().clone() {
                self.settle();
                return result.map_err(|e| {
                    StoreError::Backend(format!(
                        "the transaction holding this write was not committed: {e}"
                    ))
                });
            }
            tokio::select! {
                biased;
                _ = outcome.changed() => {}
                state = self.inner.lock() => {
                    if state.open.as_ref().is_some_and(|open| open.id == self.batch.id) {
                        self.inner.end(state, None).await;
                    } else if outcome.borrow().is_none() {
                        self.settle();
                        return Err(StoreError::Backend(
                            "the transaction holding this write ended without an outcome".into(),
                        ));
                    }
                }
            }
        }
    }
}

impl Drop for Member {
    /// A writer leaves its batch without its outcome (dropped while waiting for it; failed
    /// and panicking writes settle before they return): when it was the last one that could
    /// commit the batch, the batch is ended (now when the writers' lock is free, else by
    /// whoever lets go of it, or a task), so it does not keep the write lock until the next
    /// write comes.
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        #[cfg(test)]
        if let (true, Ok(mut left)) = (self.waiting, self.inner.left.lock()) {
            left.push(Left::Waiting);
        }
        let last = self.settle();
        if !last || self.batch.outcome.borrow().is_some() {
            return;
        }
        let (inner, id) = (self.inner.clone(), self.batch.id);
        let runtime = tokio::runtime::Handle::try_current().ok();
        match inner.try_lock() {
            // The writers' lock is free: end the batch now.
            Some(state) => end_orphan(&inner, state, id, runtime.as_ref()),
            // Taken: its holder may be a writer joining the batch; a task ends the batch if it
            // is still open when the lock comes to it. A task dropped unrun (its runtime shut
            // down) ends the batch as it is dropped, if the lock is free by then.
            None => {
                if let Some(runtime) = runtime {
                    let mut orphan = Orphan { inner, id };
                    runtime.spawn(async move {
                        let state = orphan.inner.lock().await;
                        let runtime = tokio::runtime::Handle::try_current().ok();
                        end_orphan(&orphan.inner, state, orphan.id, runtime.as_ref());
                        orphan.dealt_with();
                    });
                }
            }
        }
    }
}

mod ending;

#[cfg(test)]
mod tests;
