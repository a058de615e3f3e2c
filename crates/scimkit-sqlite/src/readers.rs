//! The read connections: rusqlite connections whose statements run on the calling thread.
//!
//! An async driver (sqlx, which this store used first) runs every statement on a worker
//! thread of its own per connection: a round trip through two thread hand-offs. An indexed
//! lookup takes about 16 µs in SQLite, and the hand-offs cost more than that: measured with
//! the load bench (`benches/load`), the sqlx worker threads took half of the server's CPU,
//! most of it in the kernel switching threads. A read here checks out a
//! connection (a semaphore permit and a connection from a stack), runs its statements on the
//! calling thread and gives the connection back; nothing is left running on it, so a read
//! cannot be cut off halfway and leave work behind (a future dropped while waiting for a
//! permit holds no connection yet).
//!
//! The cost is that a read occupies the thread that polls it for as long as SQLite works:
//! microseconds for the lookups IdPs send (`userName`, `externalId`, `id`, group
//! `displayName`, a user's groups), longer for a search that scans every resource of a type,
//! whose matching and sorting in Rust already ran on that thread.
//!
//! Each connection is opened `query_only`, with the store's busy timeout and the
//! `scim_fold` collation; in WAL mode a read never waits for the writer and sees one
//! consistent snapshot per statement, or per [`read_snapshot`](Readers::read_snapshot).

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;
use scimkit_provision::StoreError;
use tokio::sync::Semaphore;

use crate::cached;
use crate::connect::connection;
use crate::error::backend;

/// How many prepared statements each read connection keeps (rusqlite's statement cache): the
/// page statement differs by filter shape and literal `LIMIT`, so an IdP's few request
/// shapes stay prepared.
const STATEMENT_CACHE: usize = 128;

/// The read connections of a store, and one permit per connection.
#[derive(Debug)]
pub(crate) struct Readers {
    free: Mutex<Vec<Connection>>,
    permits: Semaphore,
    count: u32,
}

impl Readers {
    /// Opens `count` (at least one) read connections to the database at `path`, which the
    /// writer has created and migrated.
    pub(crate) fn open(
        path: &Path,
        busy_timeout: Duration,
        count: u32,
    ) -> rusqlite::Result<Readers> {
        let count = count.max(1);
        let mut conns = Vec::new();
        for _ in 0..count {
            conns.push(connect(path, busy_timeout)?);
        }
        Ok(Readers {
            free: Mutex::new(conns),
            permits: Semaphore::new(count as usize),
            count,
        })
    }

    /// Runs `read` on a read connection, on this thread, waiting while all are in use. Each
    /// statement sees its own snapshot; see [`read_snapshot`](Self::read_snapshot) for several.
    ///
    /// # Errors
    /// What `read` returns; [`StoreError::Backend`] when the store is closed.
    pub(crate) async fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Backend("the store is closed".into()))?;
        let conn = self
            .free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .ok_or_else(|| StoreError::Backend("the store is closed".into()))?;
        let lease = Lease {
            conn: Some(conn),
            free: &self.free,
        };
        read(lease.conn.as_ref().expect("held until dropped"))
    }

    /// [`read`](Self::read) inside one read transaction: every statement of `read` sees the
    /// same snapshot (a resource's row and its membership rows, a page and its members).
    pub(crate) async fn read_snapshot<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.read(|conn| {
            cached::run(conn, "BEGIN").map_err(backend)?;
            let out = read(conn)?;
            cached::run(conn, "COMMIT").map_err(backend)?;
            Ok(out)
        })
        .await
    }

    /// Waits for every read to end, then closes the connections; later reads fail.
    pub(crate) async fn close(&self) {
        let Ok(held) = self.permits.acquire_many(self.count).await else {
            return;
        };
        self.permits.close();
        drop(held);
        std::mem::take(&mut *self.free.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

/// A checked-out connection, given back when dropped: after the read returned, failed or
/// panicked (tester: a panicking read kept its connection while its permit came back, and
/// after `readers` such panics every read failed).
struct Lease<'r> {
    conn: Option<Connection>,
    free: &'r Mutex<Vec<Connection>>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        // A read left in a transaction (an error or a panic between BEGIN and COMMIT) must
        // not pin its snapshot for the next read.
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
    }
}

/// One read connection: read-write (a WAL reader writes the shared-memory index) with
/// `query_only` on, so no statement through it can change the database.
fn connect(path: &Path, busy_timeout: Duration) -> rusqlite::Result<Connection> {
    let conn = connection(path, busy_timeout, STATEMENT_CACHE)?;
    conn.pragma_update(None, "query_only", "ON")?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(dir: &tempfile::TempDir) -> std::path::PathBuf {
        let path = dir.path().join("readers.db");
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);",
        )
        .expect("set up");
        path
    }

    /// Sets `t.x` through a connection of its own (another writer).
    fn write_x(path: &Path, x: i64) {
        Connection::open(path)
            .expect("writer")
            .execute("UPDATE t SET x = ?", [x])
            .expect("write");
    }

    async fn read_x(readers: &Readers) -> Result<i64, StoreError> {
        readers
            .read(|conn| {
                conn.query_row("SELECT x FROM t", [], |r| r.get(0))
                    .map_err(backend)
            })
            .await
    }

    /// A read that fails inside its transaction leaves no snapshot behind: the next read on
    /// the same (only) connection sees a later write.
    #[tokio::test]
    async fn a_failed_snapshot_read_does_not_pin_its_snapshot() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = database(&dir);
        let readers = Readers::open(&path, Duration::from_secs(5), 1).expect("open");
        let failed: Result<(), StoreError> = readers
            .read_snapshot(|conn| {
                let x: i64 = conn
                    .query_row("SELECT x FROM t", [], |r| r.get(0))
                    .map_err(backend)?;
                assert_eq!(x, 1);
                Err(StoreError::Backend("fails halfway".into()))
            })
            .await;
        assert!(failed.is_err());
        write_x(&path, 2);
        let x = read_x(&readers).await.expect("read");
        assert_eq!(x, 2, "the later write is seen");
        let refused = readers
            .read(|conn| conn.execute("UPDATE t SET x = 3", []).map_err(backend))
            .await;
        assert!(refused.is_err(), "query_only");
        readers.close().await;
        assert!(readers.read(|_| Ok(())).await.is_err(), "closed");
    }

    /// Regression (tester): a read that panicked kept its connection while its permit came
    /// back, so after `readers` panics every read failed ("the store is closed").
    #[tokio::test]
    async fn a_panicking_read_gives_its_connection_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = database(&dir);
        let readers =
            std::sync::Arc::new(Readers::open(&path, Duration::from_secs(5), 1).expect("open"));
        for _ in 0..3 {
            let r = readers.clone();
            let panicked = tokio::spawn(async move {
                r.read_snapshot(|conn| -> Result<(), StoreError> {
                    conn.query_row("SELECT x FROM t", [], |row| row.get::<_, i64>(0))
                        .map_err(backend)?;
                    panic!("a read that panics inside its transaction")
                })
                .await
            })
            .await;
            assert!(panicked.expect_err("panicked").is_panic());
        }
        write_x(&path, 5);
        let x = read_x(&readers).await.expect("the one connection is back");
        assert_eq!(x, 5, "and its snapshot was not kept");
    }
    /// A read runs within one poll once it holds a connection, so a read is cut off (a
    /// client gone, a request timeout) only while it waits for one: it then holds none.
    /// Forced, not timed: another thread holds the only connection until the cut-off read
    /// has been polled and dropped. Every permit and connection is back after, and the next
    /// read sees a later write.
    #[tokio::test]
    async fn a_read_cut_off_while_waiting_for_a_connection_holds_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = database(&dir);
        let readers =
            std::sync::Arc::new(Readers::open(&path, Duration::from_secs(5), 1).expect("open"));
        let (held, holding) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let holder = {
            let readers = readers.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("runtime");
                runtime.block_on(readers.read_snapshot(|conn| {
                    let x: i64 = conn
                        .query_row("SELECT x FROM t", [], |r| r.get(0))
                        .map_err(backend)?;
                    held.send(()).expect("held");
                    released.recv().expect("released");
                    Ok(x)
                }))
            })
        };
        holding.recv().expect("the only connection is held");
        for snapshot in [false, true] {
            let mut waiting: std::pin::Pin<Box<dyn std::future::Future<Output = _>>> = if snapshot {
                Box::pin(readers.read_snapshot(|_| Ok(())))
            } else {
                Box::pin(readers.read(|_| Ok(())))
            };
            let step =
                std::future::poll_fn(|cx| std::task::Poll::Ready(waiting.as_mut().poll(cx))).await;
            assert!(step.is_pending(), "waits for the held connection");
            drop(waiting);
            assert_eq!(readers.permits.available_permits(), 0);
        }
        release.send(()).expect("release");
        assert_eq!(holder.join().expect("holder").expect("held read"), 1);
        assert_eq!(readers.permits.available_permits(), 1);
        assert_eq!(readers.free.lock().expect("free").len(), 1);
        write_x(&path, 7);
        assert_eq!(
            read_x(&readers).await.expect("read"),
            7,
            "no snapshot left pinned"
        );
    }
}
