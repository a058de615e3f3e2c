//! Opening a store: paths the write and read connections cannot share are refused.

use std::sync::Arc;

use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::{OpenError, SqliteStore};

/// Regression (tester): `SqliteStore::open(":memory:")` opened, took writes, and failed every
/// read with "no such table: resources": the write connection and each read connection
/// got a private in-memory database of their own. Such paths are refused at
/// opening, with the way out in the message.
#[tokio::test]
async fn in_memory_paths_are_refused_at_opening() {
    let registry = Arc::new(SchemaRegistry::core());
    for path in [
        ":memory:",
        "file:scimkit-open-test?mode=memory",
        "file::memory:?mode=memory&cache=shared",
    ] {
        let refused = SqliteStore::open(path, registry.clone()).await;
        match refused {
            Err(error @ OpenError::Unshared(_)) => {
                let message = error.to_string();
                assert!(message.contains("open_temporary"), "{path}: {message}");
            }
            Err(other) => panic!("{path}: refused for another reason: {other}"),
            Ok(_) => panic!("{path}: opened"),
        }
    }
    // A file opens, as ever.
    let dir = tempfile::tempdir().expect("temp dir");
    SqliteStore::open(dir.path().join("ok.db"), registry)
        .await
        .expect("a file opens");
}
