//! Running a statement without parameters or rows (`BEGIN`, `COMMIT`, `SAVEPOINT`, ...)
//! through the connection's statement cache: `execute_batch` parses its text at every call,
//! and a write runs three such statements.

use rusqlite::Connection;

/// Runs `sql`, one statement that takes no parameters and returns no rows, prepared once
/// per connection.
///
/// # Errors
/// SQLite's, as [`rusqlite::Error`].
pub(crate) fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}
