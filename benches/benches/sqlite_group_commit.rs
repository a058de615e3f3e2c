//! scimkit-sqlite group commit: bursts of writes from 16 tasks at once (creates, and PATCHes
//! adding a member to one of 4 groups) against one store on a file, with group commit on and
//! off (the baseline, one commit per write, measured in the same run), with
//! `synchronous = FULL` (an fsync per commit) and `NORMAL`. Throughput is in writes per
//! second of a whole burst.
//!
//! Run: `cargo bench -p scimkit-benches --bench sqlite_group_commit`. In `--test` mode (CI)
//! each configuration runs one burst.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scimkit_benches::runtime;
use scimkit_provision::{PatchRequest, RequestContext, Store};
use scimkit_schema::{PatchOp, SchemaRegistry, ScimError};
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};
use serde_json::{Value, json};

/// Tasks writing at once (the load bench's wrk connections).
const WRITERS: usize = 16;
/// Writes per task and burst: a create, then a PATCH of a group.
const ROUNDS: usize = 2;

fn add_member(id: &str) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]
    }))
    .unwrap()
}

/// One burst: `WRITERS` tasks, each creating a user and adding it to a group `ROUNDS` times.
async fn burst(
    store: &Arc<SqliteStore>,
    registry: &Arc<SchemaRegistry>,
    groups: &Arc<Vec<String>>,
    next: &AtomicUsize,
) {
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let first = next.fetch_add(ROUNDS, Ordering::Relaxed);
            let (store, registry, groups) = (store.clone(), registry.clone(), groups.clone());
            tokio::spawn(async move {
                let ctx = RequestContext::for_tenant("bench");
                let (users, group_type) = (
                    registry.resource_type("User").unwrap(),
                    registry.resource_type("Group").unwrap(),
                );
                for n in first..first + ROUNDS {
                    let user = store
                        .create(
                            &ctx,
                            users,
                            json!({
                                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                "userName": format!("writer{n}@example.com"),
                            }),
                        )
                        .await
                        .unwrap();
                    let op = add_member(user["id"].as_str().unwrap());
                    let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
                    let gid = &groups[w % groups.len()];
                    store
                        .patch(&ctx, group_type, gid, &PatchRequest::new(&op, &engine))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

fn concurrent_writes(c: &mut Criterion) {
    let rt = runtime();
    let registry = Arc::new(SchemaRegistry::core());
    let dir = tempfile::tempdir().unwrap();
    let next = AtomicUsize::new(0);
    let mut group = c.benchmark_group(format!("sqlite_{WRITERS}_concurrent_writers"));
    group.throughput(Throughput::Elements((WRITERS * ROUNDS * 2) as u64));
    group.sample_size(10);
    for (durability, name) in [(Durability::Full, "full"), (Durability::Normal, "normal")] {
        for group_commit in [false, true] {
            let label = format!(
                "{name}_{}",
                if group_commit {
                    "group_commit"
                } else {
                    "commit_per_write_baseline"
                }
            );
            let options = SqliteOptions::new(dir.path().join(format!("{label}.db")))
                .durability(durability)
                .group_commit(group_commit);
            let (store, groups) = rt.block_on(async {
                let store = Arc::new(
                    SqliteStore::open_with(&options, registry.clone())
                        .await
                        .unwrap(),
                );
                let ctx = RequestContext::for_tenant("bench");
                let group_type = registry.resource_type("Group").unwrap();
                let mut groups = Vec::new();
                for g in 0..4 {
                    let created = store
                        .create(
                            &ctx,
                            group_type,
                            json!({
                                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                "displayName": format!("group {g}"),
                            }),
                        )
                        .await
                        .unwrap();
                    groups.push(created["id"].as_str().unwrap().to_owned());
                }
                (store, Arc::new(groups))
            });
            group.bench_function(&label, |b| {
                b.iter(|| rt.block_on(burst(&store, &registry, &groups, &next)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, concurrent_writes);
criterion_main!(benches);
