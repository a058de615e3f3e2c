//! Running statements through the connection's statement cache: each statement text is
//! prepared once per connection (`execute_batch` and `Connection::execute` parse it at every
//! call), and a failure comes back as a [`StoreError::Backend`].

use rusqlite::types::FromSql;
use rusqlite::{Connection, Params};
use scimkit_provision::StoreError;

use crate::error::backend;

/// Runs `sql`, one statement that takes no parameters and returns no rows (`BEGIN`,
/// `COMMIT`, `SAVEPOINT`, ...).
///
/// # Errors
/// SQLite's, as [`rusqlite::Error`].
pub(crate) fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// Runs `sql` (an `INSERT`, `UPDATE` or `DELETE` without `RETURNING`) with `params`; the
/// number of rows it changed.
///
/// # Errors
/// [`StoreError::Backend`] with SQLite's message.
pub(crate) fn execute(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .map_err(backend)
}

/// The first column of the one row `sql` returns for `params` (an aggregate, `EXISTS`, an
/// `INSERT ... RETURNING`).
///
/// # Errors
/// [`StoreError::Backend`] with SQLite's message, also when there is no row.
pub(crate) fn value<T: FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<T, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| statement.query_row(params, |row| row.get(0)))
        .map_err(backend)
}

/// The first column of every row `sql` returns for `params`, in order.
///
/// # Errors
/// [`StoreError::Backend`] with SQLite's message.
pub(crate) fn column<T: FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> Result<Vec<T>, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut statement| {
            statement
                .query_map(params, |row| row.get(0))?
                .collect::<rusqlite::Result<Vec<T>>>()
        })
        .map_err(backend)
}
