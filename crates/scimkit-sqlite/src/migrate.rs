//! The schema migrations, embedded in the binary and applied when a store opens, with sqlx's
//! migrator: it records each applied migration with its checksum in `_sqlx_migrations`, so
//! the databases written by every earlier release open unchanged.

use std::borrow::Cow;

use sqlx::SqliteConnection;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

use crate::error::OpenError;

/// `(version, description, SQL)` of every migration, oldest first. A migration is never
/// edited once released: sqlx refuses to open a database whose applied migration's checksum
/// differs.
const MIGRATIONS: [(i64, &str, &str); 3] = [
    (
        1,
        "resources",
        include_str!("../migrations/0001_resources.sql"),
    ),
    (2, "tenants", include_str!("../migrations/0002_tenants.sql")),
    (
        3,
        "retired tokens",
        include_str!("../migrations/0003_retired_tokens.sql"),
    ),
];

/// The migrator over [`MIGRATIONS`].
fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*description),
                    MigrationType::Simple,
                    AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Applies every migration the database has not seen yet, each in its own transaction.
pub(crate) async fn run(conn: &mut SqliteConnection) -> Result<(), OpenError> {
    migrator().run(conn).await.map_err(OpenError::Migrate)
}

/// The newest schema version this build knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}
