//! The store conformance suite of scimkit-provision, run against `SqliteStore`: on a WAL
//! database file (separate read and write pools, as in production) and in memory.

use std::sync::Arc;

use scimkit_provision::Store;
use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};

/// A store on a fresh file in a directory of its own under cargo's target `tmp` directory.
async fn on_file(registry: Arc<SchemaRegistry>) -> Arc<dyn Store> {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep();
    let options = SqliteOptions::new(dir.join("conformance.db")).durability(Durability::Normal);
    Arc::new(
        SqliteStore::open_with(&options, registry)
            .await
            .expect("open"),
    )
}

scimkit_provision::store_conformance_tests!(on_file);

mod in_memory {
    use super::*;

    async fn in_memory(registry: Arc<SchemaRegistry>) -> Arc<dyn Store> {
        Arc::new(SqliteStore::open_temporary(registry).await.expect("open"))
    }

    scimkit_provision::store_conformance_tests!(in_memory);
}
