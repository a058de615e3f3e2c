//! Every shared IdP scenario and bug-report case, replayed in-process through `ScimService`
//! on a `SqliteStore` for a tenant that answers PATCH with 204 No Content (RFC 7644 §3.5.2):
//! the identity providers' flows (member adds and removes by every dialect, read back with
//! GET) hold when PATCH responses carry no body and the store reads no member back.

use std::sync::Arc;

use scimkit_provision::{PatchResponse, ScimService, Tenant, TokenAuthenticator};
use scimkit_replay::{Runner, Transport, TransportFuture, all_scenarios};
use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};

const TOKEN: &str = "replay-token";
const BASE: &str = "http://scim.example/v2";

struct InProcess(ScimService);

impl Transport for InProcess {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        Box::pin(async move { Ok(self.0.handle(request).await) })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_scenario_passes_with_204_patch_responses() {
    let registry = Arc::new(SchemaRegistry::core());
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let options = SqliteOptions::new(dir.path().join("replay.db")).durability(Durability::Normal);
    let store = SqliteStore::open_with(&options, registry.clone())
        .await
        .expect("open");
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert(
        TOKEN,
        Tenant::new("replay").with_patch_response(PatchResponse::NoContent),
    );
    let service = ScimService::builder(Arc::new(store), auth)
        .registry(registry)
        .base_path("/v2")
        .build();
    let scenarios = all_scenarios().expect("scenario data loads");
    assert_eq!(scenarios.len(), 96, "27 IdP scenarios and 69 cases");
    let runner = Runner::new(InProcess(service), BASE).token(TOKEN);
    runner.assert_all(&scenarios).await;
}
