//! The read connections of a file database, checked out without sqlx's pool.
//!
//! sqlx's pool tests every connection as it comes back (a "ping", which for SQLite is a
//! round trip to the connection's worker thread) in a task it spawns for the purpose. On the
//! read path that doubles the thread hand-offs of each statement: measured with the load
//! bench (`benches/load`), the hand-offs were the largest cost of a lookup once its
//! statement was prepared once. Here a checkout is a semaphore permit and a connection taken
//! from a stack, given back as is when the [`Reader`] is dropped.
//!
//! Giving a connection back untested is sound with SQLite's driver: each statement and each
//! transaction command runs on the connection's worker thread in the order it was sent, a
//! transaction dropped unfinished sends its `ROLLBACK` before the connection is back on the
//! stack, and an abandoned statement is reset by the worker; the next user's commands queue
//! behind both.

use std::ops::{Deref, DerefMut};
use std::sync::Mutex;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection, SqlitePool};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Where reads get a connection.
#[derive(Debug)]
pub(crate) enum Readers {
    /// The read connections of a file (`query_only`), opened at start.
    Own {
        free: Mutex<Vec<SqliteConnection>>,
        permits: Semaphore,
        count: u32,
    },
    /// A pool shared with the writes: the one connection of an in-memory database.
    Shared(SqlitePool),
}

/// A checked-out read connection; dereferences to the [`SqliteConnection`].
pub(crate) enum Reader<'r> {
    Own {
        conn: Option<SqliteConnection>,
        free: &'r Mutex<Vec<SqliteConnection>>,
        _permit: SemaphorePermit<'r>,
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
        Ok(Readers::Own {
            permits: Semaphore::new(conns.len()),
            count: count.max(1),
            free: Mutex::new(conns),
        })
    }

    /// A connection, waiting while all are in use.
    pub(crate) async fn acquire(&self) -> Result<Reader<'_>, sqlx::Error> {
        match self {
            Readers::Own { free, permits, .. } => {
                let permit = permits
                    .acquire()
                    .await
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                let conn = free
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop()
                    .ok_or(sqlx::Error::PoolClosed)?;
                Ok(Reader::Own {
                    conn: Some(conn),
                    free,
                    _permit: permit,
                })
            }
            Readers::Shared(pool) => Ok(Reader::Shared(pool.acquire().await?)),
        }
    }

    /// Waits for every checkout to end, then closes the connections; later checkouts fail.
    pub(crate) async fn close(&self) {
        match self {
            Readers::Own {
                free,
                permits,
                count,
            } => {
                // All permits: no checkout is running (a reader still out holds one).
                let Ok(held) = permits.acquire_many(*count).await else {
                    return;
                };
                permits.close();
                drop(held);
                let conns = std::mem::take(&mut *free.lock().unwrap_or_else(|e| e.into_inner()));
                for conn in conns {
                    let _ = conn.close().await;
                }
            }
            Readers::Shared(pool) => pool.close().await,
        }
    }
}

impl Deref for Reader<'_> {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match self {
            Reader::Own { conn, .. } => conn.as_ref().expect("held until drop"),
            Reader::Shared(conn) => conn,
        }
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match self {
            Reader::Own { conn, .. } => conn.as_mut().expect("held until drop"),
            Reader::Shared(conn) => conn,
        }
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Reader::Own { conn, free, .. } = self
            && let Some(conn) = conn.take()
        {
            free.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
        }
    }
}
