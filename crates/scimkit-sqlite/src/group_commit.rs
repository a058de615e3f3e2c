//! Group commit: concurrent writes of a store share one SQLite transaction, so one `COMMIT`
//! (one fsync with [`Durability::Full`](crate::Durability::Full)) acknowledges many writes.
//!
//! - The first writer to find no open batch takes a connection from the write pool and runs
//!   `BEGIN IMMEDIATE`; the batch holds that connection (and the database's write lock)
//!   until its `COMMIT` or `ROLLBACK`, then gives it back to the pool.
//! - Each write runs inside its own `SAVEPOINT` while holding the store's writer mutex
//!   (FIFO: [`tokio::sync::Mutex`]). A write that succeeds `RELEASE`s its savepoint; a write
//!   that fails (or whose future is dropped) is rolled back to its savepoint (`ROLLBACK TO`
//!   then `RELEASE`) before anyone else uses the connection, so it leaves nothing in the batch;
//!   its error is returned at once.
//! - A successful writer then lets go of the mutex, yields, and queues for it again: the
//!   writers already queued write first, into the same batch. When its turn comes and its
//!   batch is still open, it commits the batch; whoever commits publishes the outcome to
//!   every writer of the batch ([`tokio::sync::watch`]), and each returns only then. Writers
//!   arriving during the `COMMIT` queue on the mutex and form the next batch.
//! - A failed `COMMIT` (disk full, I/O error) is rolled back and fails every write of the
//!   batch: none of them is acknowledged.
//!
//! Cancellation (a request future dropped mid-write: client gone, a request timeout): the
//! savepoint a dropped write may have left open is tracked and rolled back before the next
//! use of the connection; any writer of a batch can commit it, and when the last one is
//! dropped a task on the runtime commits what the batch holds (complete writes only), so no
//! batch keeps the connection and the write lock. The commit itself runs in a spawned task:
//! dropping the writer that started it cannot interrupt it, and the outcome still reaches
//! everyone waiting.
//!
//! Reads inside a write (the version check, uniqueness) see the earlier writes of the same
//! batch before they are committed. That is sound: the batch commits or fails as one, so no
//! write is acknowledged on the strength of a write that is not durable with it.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use scimkit_provision::StoreError;
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard, watch};

use crate::error::backend;

/// How a batch ended: `Ok` once its `COMMIT` returned, else why it was rolled back.
type Outcome = Result<(), String>;

/// The write path of a store: the write pool and the batch being filled, if any.
pub(crate) struct Writer {
    inner: Arc<Inner>,
}

struct Inner {
    pool: SqlitePool,
    /// Group commit on; off, every batch holds exactly one write.
    group: bool,
    /// Held from the start of a write to its commit when group commit is off.
    exclusive: Mutex<()>,
    state: Mutex<State>,
    /// Where the writes that left without finishing stood (for the tests' assertions).
    #[cfg(test)]
    left: std::sync::Mutex<Vec<Left>>,
}

/// Where a write stood when it left without its outcome.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Left {
    /// Holding the connection, its savepoint in this phase.
    Writing(Option<Phase>),
    /// Released, waiting for the batch.
    Waiting,
}

#[derive(Default)]
struct State {
    open: Option<Open>,
    next_batch: u64,
}

/// A batch whose transaction is open on the write connection.
struct Open {
    tx: Transaction<'static, Sqlite>,
    batch: Arc<Batch>,
    /// The savepoint of a write that did not finish (failed or dropped), to be settled
    /// before the connection is used again.
    pending: Option<Phase>,
}

/// How far the write that left a savepoint got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// `SAVEPOINT` sent, maybe not run; nothing written under it.
    Opening,
    /// Inside the savepoint: some of the write's statements may have run.
    Open,
    /// `RELEASE` sent, maybe run: the write is complete either way.
    Releasing,
}

/// What the writers of one batch share.
struct Batch {
    id: u64,
    /// `None` until the batch committed or failed.
    outcome: watch::Sender<Option<Outcome>>,
    /// Writers of the batch that may still commit it: from joining until they hold the
    /// outcome, fail, or are dropped.
    members: AtomicUsize,
}

const SAVEPOINT: &str = "SAVEPOINT scimkit_write";
const RELEASE: &str = "RELEASE SAVEPOINT scimkit_write";
const ROLLBACK_TO: &str = "ROLLBACK TO SAVEPOINT scimkit_write";

impl Writer {
    /// The write path over `pool` (one connection for a file, the store's only connection in
    /// memory); `group` turns group commit on.
    pub(crate) fn new(pool: SqlitePool, group: bool) -> Writer {
        Writer {
            inner: Arc::new(Inner {
                pool,
                group,
                exclusive: Mutex::new(()),
                state: Mutex::new(State::default()),
                #[cfg(test)]
                left: std::sync::Mutex::default(),
            }),
        }
    }

    /// Starts one write: joins the open batch (or opens one with `BEGIN IMMEDIATE`) and
    /// opens the write's savepoint. The returned [`WriteTx`] is the connection, held
    /// exclusively until [`WriteTx::commit`] or drop (which rolls the write back).
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the batch cannot be opened (the database lock was not
    /// granted within the busy timeout, I/O) or the savepoint fails.
    pub(crate) async fn begin(&self) -> Result<WriteTx<'_>, StoreError> {
        let exclusive = if self.inner.group {
            None
        } else {
            Some(self.inner.exclusive.lock().await)
        };
        let mut state = self.inner.state.lock().await;
        let broken = match &mut state.open {
            Some(open) => settle(open).await.err(),
            None => None,
        };
        if let Some(broken) = broken {
            // The transaction is no longer what its writers wrote: fail them all.
            self.inner.end(&mut state, Some(broken)).await;
        }
        if state.open.is_none() {
            let tx = self
                .inner
                .pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(backend)?;
            state.next_batch += 1;
            state.open = Some(Open {
                tx,
                batch: Arc::new(Batch {
                    id: state.next_batch,
                    outcome: watch::Sender::new(None),
                    members: AtomicUsize::new(0),
                }),
                pending: None,
            });
        }
        let mut open = MutexGuard::try_map(state, |state| state.open.as_mut())
            .map_err(|_| StoreError::Backend("no open write transaction".into()))?;
        open.batch.members.fetch_add(1, Ordering::AcqRel);
        open.pending = Some(Phase::Opening);
        let batch = open.batch.clone();
        let mut tx = WriteTx {
            inner: &self.inner,
            open,
            batch,
            exclusive,
            joined: true,
        };
        sqlx::query(SAVEPOINT)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.open.pending = Some(Phase::Open);
        Ok(tx)
    }

    /// Commits the open batch, if any, and waits for it (used when closing the store).
    pub(crate) async fn flush(&self) {
        let mut state = self.inner.state.lock().await;
        self.inner.end(&mut state, None).await;
    }
}

/// Settles the savepoint a write left behind: a write that may have written is rolled back
/// (`ROLLBACK TO`, which must succeed), then the savepoint, if present, is released.
///
/// # Errors
/// Why the transaction can no longer be trusted (the rollback of a half-done write failed,
/// e.g. because SQLite rolled the whole transaction back after an I/O error).
async fn settle(open: &mut Open) -> Result<(), String> {
    while let Some(phase) = open.pending {
        match phase {
            Phase::Open => {
                sqlx::query(ROLLBACK_TO)
                    .execute(&mut *open.tx)
                    .await
                    .map_err(|e| format!("cannot roll back a failed write: {e}"))?;
                open.pending = Some(Phase::Opening);
            }
            Phase::Releasing => {
                // Fails only when the RELEASE ran: the write is complete and stays.
                let _ = sqlx::query(ROLLBACK_TO).execute(&mut *open.tx).await;
                open.pending = Some(Phase::Opening);
            }
            Phase::Opening => {
                // Fails only when there is no such savepoint (never opened, or released).
                let _ = sqlx::query(RELEASE).execute(&mut *open.tx).await;
                open.pending = None;
            }
        }
    }
    Ok(())
}

impl Inner {
    /// Ends the open batch: commits it (or rolls it back when `failure` says why it must
    /// fail) and publishes the outcome to its writers. The work runs in a spawned task, so
    /// that dropping the caller cannot leave it half done; the caller waits for it.
    async fn end(&self, state: &mut State, failure: Option<String>) {
        let Some(open) = state.open.take() else {
            return;
        };
        let finish = async move {
            let mut open = open;
            let failure = match failure {
                Some(failure) => Some(failure),
                None => settle(&mut open).await.err(),
            };
            let outcome = match failure {
                Some(failure) => {
                    // Even when the ROLLBACK fails the transaction ends: sqlx rolls back
                    // a transaction dropped open before the connection is used again.
                    let _ = open.tx.rollback().await;
                    Err(failure)
                }
                None => open.tx.commit().await.map_err(|e| e.to_string()),
            };
            open.batch.outcome.send_replace(Some(outcome));
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let _ = runtime.spawn(finish).await;
            }
            Err(_) => finish.await,
        }
    }
}

/// One write in progress: the write connection (through `Deref` / `DerefMut`) inside the
/// write's savepoint, held exclusively. [`commit`](Self::commit) acknowledges it; dropping
/// it (an error returned with `?`, a cancelled future) rolls the write back before the
/// connection is used again.
pub(crate) struct WriteTx<'a> {
    inner: &'a Arc<Inner>,
    open: MappedMutexGuard<'a, Open>,
    batch: Arc<Batch>,
    exclusive: Option<MutexGuard<'a, ()>>,
    /// Counted in `batch.members` (until committed or dropped).
    joined: bool,
}

impl Deref for WriteTx<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.open.tx
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.open.tx
    }
}

impl WriteTx<'_> {
    /// Ends the write: releases its savepoint, then waits until the batch holding it is
    /// committed (by this writer or another one of the batch). Returns once the `COMMIT`
    /// returned: the write is then as durable as the store's
    /// [`Durability`](crate::Durability) makes a commit.
    ///
    /// # Errors
    /// [`StoreError::Backend`] when the savepoint cannot be released or the batch failed to
    /// commit (every write of the batch then fails; none is stored).
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        self.open.pending = Some(Phase::Releasing);
        sqlx::query(RELEASE)
            .execute(&mut *self)
            .await
            .map_err(backend)?;
        self.open.pending = None;
        // From here the write belongs to the batch: the waiter counts it.
        self.joined = false;
        let mut waiter = Waiter {
            inner: self.inner.clone(),
            batch: self.batch.clone(),
            settled: false,
        };
        let exclusive = self.exclusive.take();
        drop(self);
        let outcome = waiter.wait(exclusive.is_none()).await;
        drop(exclusive);
        outcome
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.joined {
            #[cfg(test)]
            if let Ok(mut left) = self.inner.left.lock() {
                left.push(Left::Writing(self.open.pending));
            }
            // The savepoint stays pending (settled by the next user of the connection).
            leave(self.inner, &self.batch);
        }
    }
}

/// A writer whose write is in the batch, waiting for the batch's outcome.
struct Waiter {
    inner: Arc<Inner>,
    batch: Arc<Batch>,
    /// The outcome is known (or the batch was committed by this waiter).
    settled: bool,
}

impl Waiter {
    async fn wait(&mut self, yield_first: bool) -> Result<(), StoreError> {
        let mut outcome = self.batch.outcome.subscribe();
        if yield_first {
            // Writers about to queue get there before this one asks for its turn.
            tokio::task::yield_now().await;
        }
        loop {
            if let Some(result) = outcome.borrow_and_update().clone() {
                self.settled = true;
                return result.map_err(|e| {
                    StoreError::Backend(format!(
                        "the transaction holding this write was not committed: {e}"
                    ))
                });
            }
            tokio::select! {
                biased;
                _ = outcome.changed() => {}
                mut state = self.inner.state.lock() => {
                    if state.open.as_ref().is_some_and(|open| open.batch.id == self.batch.id) {
                        self.inner.end(&mut state, None).await;
                    } else if outcome.borrow().is_none() {
                        self.settled = true;
                        return Err(StoreError::Backend(
                            "the transaction holding this write ended without an outcome".into(),
                        ));
                    }
                }
            }
        }
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        if self.settled {
            self.batch.members.fetch_sub(1, Ordering::AcqRel);
        } else {
            #[cfg(test)]
            if let Ok(mut left) = self.inner.left.lock() {
                left.push(Left::Waiting);
            }
            leave(&self.inner, &self.batch);
        }
    }
}

/// A writer leaves its batch without its outcome (failed, or dropped): when it was the last
/// one that could commit the batch, a task commits what the batch holds, so the batch does
/// not keep the connection and the write lock until the next write comes.
fn leave(inner: &Arc<Inner>, batch: &Arc<Batch>) {
    let last = batch.members.fetch_sub(1, Ordering::AcqRel) == 1;
    if !last || batch.outcome.borrow().is_some() {
        return;
    }
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let (inner, id) = (inner.clone(), batch.id);
        runtime.spawn(async move {
            let mut state = inner.state.lock().await;
            if state.open.as_ref().is_some_and(|open| open.batch.id == id) {
                inner.end(&mut state, None).await;
            }
        });
    }
}

#[cfg(test)]
mod tests;
