//! The store conformance suite on the reference in-memory store.

use std::sync::Arc;

use scimkit_provision::{InMemoryStore, Store};
use scimkit_schema::SchemaRegistry;

async fn in_memory(registry: Arc<SchemaRegistry>) -> Arc<dyn Store> {
    Arc::new(InMemoryStore::new(registry))
}

scimkit_provision::store_conformance_tests!(in_memory);

/// `run_all` drives the same checks from one test.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_all_passes() {
    scimkit_provision::conformance::run_all(in_memory).await;
}
