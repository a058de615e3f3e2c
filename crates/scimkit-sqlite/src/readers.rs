//! The read connections of a file database, checked out without sqlx's pool.
//!
//! sqlx's pool tests every connection as it comes back (a "ping", which for SQLite is a
//! round trip to the connection's worker thread) in a task it spawns for the purpose. On the
//! read path that doubled the thread hand-offs of each statement: measured with the load
//! bench (`benches/load`), the hand-offs were the largest cost of a lookup once its statement
//! was prepared once. Here a checkout is a semaphore permit and a connection taken from a
//! stack.
//!
//! A read that finished ([`Reader::release`]) gives its connection back at once: its worker
//! is idle. A read cut off before that (a client gone, a request timeout, an error) may have
//! left work on the worker thread (SQLite runs an abandoned statement to its first row, a
//! dropped transaction queues its `ROLLBACK`), so its connection goes back, and its permit is
//! released, only after a ping has come back through that worker, as sqlx's pool does for
//! every connection. Later reads therefore never queue behind a cut-off read's leftover work
//! while another connection is idle, and at most [`SqliteOptions::readers`] statements run
//! at a time (regression test: `tests/readers.rs`).
//!
//! [`SqliteOptions::readers`]: crate::SqliteOptions::readers

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqlitePool};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Where reads get a connection.
#[derive(Debug)]
pub(crate) enum Readers {
    /// The read connections of a file (`query_only`), opened at start.
    Own(Arc<Stack>),
    /// A pool shared with the writes: the one connection of an in-memory database.
    Shared(SqlitePool),
}

/// The idle read connections and one permit per connection.
#[derive(Debug)]
pub(crate) struct Stack {
    free: Mutex<Vec<SqliteConnection>>,
    permits: Arc<Semaphore>,
    count: u32,
}

impl Stack {
    fn push(&self, conn: SqliteConnection) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
    }
}

/// A checked-out read connection; dereferences to the [`SqliteConnection`]. Call
/// [`release`](Self::release) once the last statement run on it has returned.
pub(crate) enum Reader {
    Own {
        conn: Option<SqliteConnection>,
        stack: Arc<Stack>,
        permit: Option<OwnedSemaphorePermit>,
        finished: bool,
    },
    Shared(sqlx::pool::PoolConnection<sqlx::Sqlite>),
}

impl Readers {
    /// Opens `count` (at least one) connections with `options`.
    pub(crate) async fn open(
        options: &SqliteConnectOptions,
        count: u32,
    ) -> Result<Readers, sqlx::Error> {
        let mut conns = Vec::new();
        for _ in 0..count.max(1) {
            conns.push(options.connect().await?);
        }
        Ok(Readers::Own(Arc::new(Stack {
            permits: Arc::new(Semaphore::new(conns.len())),
            count: count.max(1),
            free: Mutex::new(conns),
        })))
    }

    /// A connection, waiting while all are in use.
    pub(crate) async fn acquire(&self) -> Result<Reader, sqlx::Error> {
        match self {
            Readers::Own(stack) => {
                let permit = stack
                    .permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                let conn = stack
                    .free
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop()
                    .ok_or(sqlx::Error::PoolClosed)?;
                Ok(Reader::Own {
                    conn: Some(conn),
                    stack: stack.clone(),
                    permit: Some(permit),
                    finished: false,
                })
            }
            Readers::Shared(pool) => Ok(Reader::Shared(pool.acquire().await?)),
        }
    }

    /// Waits for every checkout to end, then closes the connections; later checkouts fail.
    pub(crate) async fn close(&self) {
        match self {
            Readers::Own(stack) => {
                // All permits: no checkout is running (a reader still out, or one whose
                // connection is on its way back, holds one).
                let Ok(held) = stack.permits.acquire_many(stack.count).await else {
                    return;
                };
                stack.permits.close();
                drop(held);
                let conns =
                    std::mem::take(&mut *stack.free.lock().unwrap_or_else(|e| e.into_inner()));
                for conn in conns {
                    let _ = conn.close().await;
                }
            }
            Readers::Shared(pool) => pool.close().await,
        }
    }
}

impl Reader {
    /// Gives the connection back at once: every statement run on it has returned, so its
    /// worker is idle. (Dropping the reader instead gives it back after a ping.)
    pub(crate) fn release(mut self) {
        if let Reader::Own { finished, .. } = &mut self {
            *finished = true;
        }
    }
}

impl Deref for Reader {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match self {
            Reader::Own { conn, .. } => conn.as_ref().expect("held until drop"),
            Reader::Shared(conn) => conn,
        }
    }
}

impl DerefMut for Reader {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            Reader::Own { conn, .. } => conn.as_mut().expect("held until drop"),
            Reader::Shared(conn) => conn,
        }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let Reader::Own {
            conn,
            stack,
            permit,
            finished,
        } = self
        else {
            return;
        };
        let (Some(mut conn), permit) = (conn.take(), permit.take()) else {
            return;
        };
        if *finished {
            stack.push(conn);
            drop(permit);
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let stack = stack.clone();
                runtime.spawn(async move {
                    // Comes back once the worker has done what was queued before it; a
                    // broken connection fails the next statement run on it, as it would.
                    let _ = conn.ping().await;
                    stack.push(conn);
                    drop(permit);
                });
            }
            // No runtime (the store is dropped outside one): nothing runs on it any more.
            Err(_) => {
                stack.push(conn);
                drop(permit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn one_reader(dir: &tempfile::TempDir) -> Readers {
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("readers.db"))
            .create_if_missing(true);
        Readers::open(&options, 1).await.expect("open")
    }

    fn available(readers: &Readers) -> usize {
        match readers {
            Readers::Own(stack) => stack.permits.available_permits(),
            Readers::Shared(_) => unreachable!("a file store"),
        }
    }

    /// Regression (tester report, cut-off reads): a reader dropped without `release` gave its
    /// connection back at once, while the worker thread still ran the abandoned statement,
    /// and the next read queued behind it. Now such a connection comes back (and its permit is
    /// released) only after a ping through its worker; a released reader comes back at once.
    #[tokio::test]
    async fn a_cut_off_reader_comes_back_after_its_worker_is_idle() {
        let dir = tempfile::tempdir().expect("temp dir");
        let readers = one_reader(&dir).await;
        let mut reader = readers.acquire().await.expect("acquire");
        let one: i64 = sqlx::query_scalar("SELECT 1")
            .fetch_one(&mut *reader)
            .await
            .expect("select");
        assert_eq!(one, 1);
        reader.release();
        assert_eq!(available(&readers), 1, "a finished read is back at once");

        let reader = readers.acquire().await.expect("acquire");
        drop(reader);
        // The ping runs in a task this single-threaded runtime has not polled yet.
        assert_eq!(available(&readers), 0, "a cut-off read is not back yet");
        let mut reader =
            tokio::time::timeout(std::time::Duration::from_secs(10), readers.acquire())
                .await
                .expect("back after the ping")
                .expect("acquire");
        let two: i64 = sqlx::query_scalar("SELECT 2")
            .fetch_one(&mut *reader)
            .await
            .expect("the connection works");
        assert_eq!(two, 2);
        reader.release();
        readers.close().await;
        assert!(readers.acquire().await.is_err(), "closed");
    }
}
