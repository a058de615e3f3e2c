//! Group commit through the store: concurrent writes share commits and conflict inside a
//! batch as they would one after the other, a failing (or panicking) write leaves nothing in
//! its batch, a failed `COMMIT` fails every write it held, a write cut off at any await point
//! is all or nothing, a writer waits for another connection's lock without blocking its
//! thread, and acknowledged writes are in the file. No test times anything: batches are
//! counted, and on the current-thread runtime the order of the writers' queue is the order
//! the tasks were spawned in.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::task::Poll;

use scimkit_provision::{
    PatchRequest, ReadHint, RequestContext, SearchQuery, Store, StoreError, Version,
};
use scimkit_schema::{PatchOp, ResourceType, SchemaRegistry, ScimError};
use serde_json::{Value, json};

use super::Left;
use crate::error::backend;
use crate::{Durability, SqliteOptions, SqliteStore};

fn user(name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "externalId": format!("ext-{name}"),
    })
}

fn add_members(values: &[&str]) -> PatchOp {
    let values: Vec<Value> = values.iter().map(|v| json!({"value": v})).collect();
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": values}]
    }))
    .expect("PatchOp")
}

fn registry() -> Arc<SchemaRegistry> {
    Arc::new(SchemaRegistry::core())
}

fn users(registry: &SchemaRegistry) -> &ResourceType {
    registry.resource_type("User").expect("User")
}

fn groups(registry: &SchemaRegistry) -> &ResourceType {
    registry.resource_type("Group").expect("Group")
}

fn ctx() -> RequestContext {
    RequestContext::for_tenant("batch")
}

async fn open(path: &Path, registry: &Arc<SchemaRegistry>, durability: Durability) -> SqliteStore {
    let options = SqliteOptions::new(path).durability(durability);
    SqliteStore::open_with(&options, registry.clone())
        .await
        .expect("open")
}

/// Batches the store's writer has opened so far (the writer must be idle).
fn batches(store: &SqliteStore) -> u64 {
    store
        .writer
        .inner
        .state
        .try_lock()
        .map(|state| state.next_batch)
        .expect("the writer is idle")
}

async fn user_named(store: &SqliteStore, registry: &SchemaRegistry, name: &str) -> Vec<Value> {
    let filter = scimkit_filter::parse_filter(&format!("userName eq \"{name}\"")).expect("filter");
    store
        .search(
            &ctx(),
            users(registry),
            &SearchQuery::all(10).with_filter(filter),
        )
        .await
        .expect("search")
        .resources
}

async fn count_users(store: &SqliteStore, registry: &SchemaRegistry) -> u64 {
    store
        .search(&ctx(), users(registry), &SearchQuery::all(1000))
        .await
        .expect("search")
        .total_results
}

/// 40 creates queued at once, 10 of them repeating an earlier userName in another case
/// (userName is not caseExact, RFC 7643 §4.1.1): they share commits; within a batch the
/// later duplicate sees the earlier one (uncommitted) and gets 409 uniqueness (RFC 7644
/// §3.3); the rest are all in the file.
#[tokio::test]
async fn concurrent_creates_share_commits_and_duplicates_get_409() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("creates.db");
    let registry = registry();
    let store = Arc::new(open(&path, &registry, Durability::Full).await);
    let names: Vec<String> = (0..30)
        .map(|i| format!("user{i}@example.com"))
        .chain((0..10).map(|i| format!("USER{}@Example.com", i * 3)))
        .collect();
    let tasks: Vec<_> = names
        .iter()
        .map(|name| {
            let (store, registry, name) = (store.clone(), registry.clone(), name.clone());
            tokio::spawn(async move { store.create(&ctx(), users(&registry), user(&name)).await })
        })
        .collect();
    let mut created = Vec::new();
    for (name, task) in names.iter().zip(tasks) {
        match task.await.expect("task") {
            Ok(resource) => created.push(resource),
            Err(StoreError::Uniqueness { attribute, value }) => {
                assert_eq!(attribute, "userName");
                assert_eq!(&value, name);
                assert!(
                    name.starts_with("USER"),
                    "the first of two writers wins: {name}"
                );
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
    assert_eq!(created.len(), 30);
    let commits = batches(&store);
    assert!(
        commits * 4 <= names.len() as u64,
        "{commits} commits for {} writes",
        names.len()
    );
    store.close().await;
    drop(store);

    let again = open(&path, &registry, Durability::Full).await;
    for resource in &created {
        let id = resource["id"].as_str().expect("id");
        let read = again
            .get(&ctx(), users(&registry), id, &ReadHint::default())
            .await
            .expect("acknowledged create");
        assert_eq!(&read, resource);
    }
    for i in 0..30 {
        let found = user_named(&again, &registry, &format!("user{i}@example.com")).await;
        assert_eq!(found.len(), 1, "user{i}");
    }
    assert_eq!(count_users(&again, &registry).await, 30);
}

/// Writes queued together, some of which fail after writing (a rename into a taken
/// userName: 409) or before (version mismatch: 412, RFC 7644 §3.14; unknown id: 404; a
/// refused PATCH): each failure leaves nothing, the others commit, and later writes of the
/// batch see the earlier ones.
#[tokio::test]
async fn failing_writes_inside_a_batch_leave_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("failing.db");
    let registry = registry();
    let store = Arc::new(open(&path, &registry, Durability::Normal).await);
    let mut ids = Vec::new();
    let mut originals = Vec::new();
    for i in 0..7 {
        let created = store
            .create(&ctx(), users(&registry), user(&format!("u{i}")))
            .await
            .expect("create");
        ids.push(created["id"].as_str().expect("id").to_owned());
        originals.push(created);
    }
    let before = batches(&store);
    let refuse: PatchOp = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "X"}]
    }))
    .expect("PatchOp");
    let refuse = Arc::new(refuse);

    type Job = std::pin::Pin<Box<dyn Future<Output = Result<Value, StoreError>> + Send>>;
    let job = |n: usize| -> Job {
        let (store, registry, ids, refuse) =
            (store.clone(), registry.clone(), ids.clone(), refuse.clone());
        Box::pin(async move {
            let (ctx, users) = (ctx(), users(&registry));
            let stale = Version::new("9");
            match n {
                0 => {
                    store
                        .replace(&ctx, users, &ids[0], user("renamed0"), None)
                        .await
                }
                1 => store.replace(&ctx, users, &ids[1], user("u2"), None).await,
                2 => {
                    store
                        .replace(&ctx, users, &ids[2], user("x"), Some(&stale))
                        .await
                }
                3 => store
                    .delete(&ctx, users, &ids[3], None)
                    .await
                    .map(|()| Value::Null),
                4 => store
                    .delete(&ctx, users, &ids[4], Some(&stale))
                    .await
                    .map(|()| Value::Null),
                5 => {
                    let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
                    store
                        .patch(
                            &ctx,
                            users,
                            "no-such-id",
                            &PatchRequest::new(&refuse, &engine),
                        )
                        .await
                        .map(|o| o.resource)
                }
                6 => {
                    let engine = |_: &mut Value| -> Result<bool, ScimError> {
                        Err(ScimError::invalid_value("refused by policy"))
                    };
                    store
                        .patch(&ctx, users, &ids[5], &PatchRequest::new(&refuse, &engine))
                        .await
                        .map(|o| o.resource)
                }
                7 => {
                    store
                        .replace(&ctx, users, &ids[6], user("renamed6"), None)
                        .await
                }
                // Free since write 0 renamed u0 (same batch, not yet committed).
                8 => store.create(&ctx, users, user("u0")).await,
                // Taken by write 7 (same batch, not yet committed).
                _ => store.create(&ctx, users, user("renamed6")).await,
            }
        })
    };
    let tasks: Vec<_> = (0..10).map(|n| tokio::spawn(job(n))).collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    assert!(batches(&store) - before < 10, "the writes shared commits");
    assert_eq!(results[0].as_ref().expect("rename")["userName"], "renamed0");
    assert!(matches!(&results[1], Err(StoreError::Uniqueness { value, .. }) if value == "u2"));
    assert!(matches!(
        results[2],
        Err(StoreError::VersionMismatch { .. })
    ));
    assert!(results[3].is_ok());
    assert!(matches!(
        results[4],
        Err(StoreError::VersionMismatch { .. })
    ));
    assert!(matches!(results[5], Err(StoreError::NotFound)));
    assert!(matches!(results[6], Err(StoreError::Invalid(_))));
    assert_eq!(results[7].as_ref().expect("rename")["userName"], "renamed6");
    let new_u0 = results[8].as_ref().expect("u0 is free again").clone();
    assert!(
        matches!(&results[9], Err(StoreError::Uniqueness { value, .. }) if value == "renamed6")
    );
    store.close().await;
    drop(store);

    let again = open(&path, &registry, Durability::Normal).await;
    let get = |id: String| {
        let (again, registry) = (&again, &registry);
        async move {
            again
                .get(&ctx(), users(registry), &id, &ReadHint::default())
                .await
        }
    };
    assert_eq!(
        get(ids[0].clone()).await.expect("u0")["userName"],
        "renamed0"
    );
    for i in [1, 2, 4, 5] {
        assert_eq!(
            get(ids[i].clone()).await.expect("kept"),
            originals[i],
            "u{i} unchanged"
        );
    }
    assert!(matches!(
        get(ids[3].clone()).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        get(ids[6].clone()).await.expect("u6")["userName"],
        "renamed6"
    );
    let id = new_u0["id"].as_str().expect("id").to_owned();
    assert_eq!(get(id).await.expect("new u0"), new_u0);
    // The refused rename left no claim on "u2" behind, nor lost u1's claim on "u1".
    assert_eq!(user_named(&again, &registry, "u2").await.len(), 1);
    assert_eq!(user_named(&again, &registry, "u1").await.len(), 1);
    assert_eq!(user_named(&again, &registry, "renamed6").await.len(), 1);
    assert_eq!(count_users(&again, &registry).await, 7);
}

/// A `COMMIT` that fails (here a deferred foreign key violated by the first write of the
/// batch; disk full and I/O errors take the same path) fails every write of the batch,
/// stores none of them, and the next batch commits.
#[tokio::test]
async fn a_failed_commit_fails_every_write_of_its_batch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("commit.db");
    let registry = registry();
    let store = Arc::new(open(&path, &registry, Durability::Full).await);
    let first = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .write(|conn| {
                    conn.execute_batch(
                        "PRAGMA defer_foreign_keys = ON; \
                         INSERT INTO members (resource_pk, seq, value_key, item) \
                         VALUES (-1, 0, 'x', '{}')",
                    )
                    .map_err(backend)
                })
                .await
        })
    };
    // Current-thread runtime: the create writes after `first`, into its batch, and `first`
    // commits the batch.
    let joined = {
        let (store, registry) = (store.clone(), registry.clone());
        tokio::spawn(async move { store.create(&ctx(), users(&registry), user("joined")).await })
    };
    let failed = first.await.expect("task").expect_err("the COMMIT fails");
    assert!(
        matches!(&failed, StoreError::Backend(detail) if detail.contains("FOREIGN KEY")),
        "{failed}"
    );
    let failed = joined
        .await
        .expect("task")
        .expect_err("same batch, same fate");
    assert!(
        matches!(&failed, StoreError::Backend(detail) if detail.contains("FOREIGN KEY")),
        "{failed}"
    );
    assert_eq!(batches(&store), 1, "both writes were in one batch");

    let after = store
        .create(&ctx(), users(&registry), user("after"))
        .await
        .expect("the next batch commits");
    store.close().await;
    drop(store);
    let again = open(&path, &registry, Durability::Full).await;
    assert!(user_named(&again, &registry, "joined").await.is_empty());
    assert_eq!(user_named(&again, &registry, "after").await, vec![after]);
    let orphans: i64 = again
        .pools
        .reader
        .read(|conn| {
            conn.query_row("SELECT count(*) FROM members", [], |row| row.get(0))
                .map_err(crate::error::backend)
        })
        .await
        .expect("count");
    assert_eq!(orphans, 0);
}

/// Polls `future` at most `polls` times (waiting for its wake-ups in between), then drops it
/// where it stands: `Some(output)` when it finished first.
async fn poll_at_most<F: Future>(future: F, polls: usize) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut left = polls;
    std::future::poll_fn(|cx| {
        if left == 0 {
            return Poll::Ready(None);
        }
        left -= 1;
        future.as_mut().poll(cx).map(Some)
    })
    .await
}

/// What a cut-off write must have left, from where it stood when it was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Dropped before it wrote (queued for the writers' lock, or opening the batch).
    Nothing,
    /// Finished, or dropped while waiting for its batch: committed with it.
    All,
}

/// Takes the writes that left without finishing since the last call, and says what the one
/// just cut off (`finished` or not) must have left.
fn expect(store: &SqliteStore, finished: bool) -> (Expect, Vec<Left>) {
    let left: Vec<Left> = std::mem::take(&mut *store.writer.inner.left.lock().expect("log"));
    let expect = match (finished, left.as_slice()) {
        (true, []) => Expect::All,
        // Cut before it joined a batch (queued, or opening the batch).
        (false, []) => Expect::Nothing,
        (false, [Left::Waiting]) => Expect::All,
        (_, other) => panic!("unexpected departures {other:?}"),
    };
    (expect, left)
}

/// Reads `id` once the cut-off writes are settled and checks it is `old` or `new` (up to
/// `meta`), as `expect` says, never anything else; returns what is stored.
async fn check_one(
    store: &SqliteStore,
    resource_type: &ResourceType,
    id: &str,
    old: &Value,
    new: impl Fn(&Value) -> bool,
    expect: Expect,
    finished: Option<Result<Value, StoreError>>,
) -> Value {
    let now = store
        .get(&ctx(), resource_type, id, &ReadHint::default())
        .await
        .expect("the store answers reads after a cut-off write");
    let is_old = now == *old;
    let is_new = new(&now) && Version::of(&now) == Some(Version::new("2"));
    assert!(is_old || is_new, "all or nothing, got {now}");
    match expect {
        Expect::Nothing => assert!(is_old, "not written, got {now}"),
        Expect::All => assert!(is_new, "committed, got {now}"),
    }
    if let Some(result) = finished {
        assert_eq!(
            result.expect("write"),
            now,
            "a finished write is acknowledged as stored"
        );
    }
    now
}

/// Cuts a replace (resource row and unique values) and a native membership PATCH (member
/// rows) off after 1, 2, 3, ... polls each, until they finish on their own, on a fresh store
/// each time: each cut write is all or nothing (nothing when cut before it wrote, all when
/// cut while waiting for its batch), the store keeps answering, the next writes commit, and
/// for a file another store on it reads the same. (When temporary stores were SQLite in-memory databases on
/// one connection, this sweep caught that pool closing its only connection, and the
/// database with it, when a checkout was cut off during the pool's test of the connection.)
async fn cut_writes_off(file: bool) {
    let registry = registry();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut seen = Vec::new();
    for polls in 1.. {
        assert!(polls < 1000, "the writes never finished");
        let path: PathBuf = dir.path().join(format!("cut{polls}.db"));
        let store = if file {
            open(&path, &registry, Durability::Normal).await
        } else {
            SqliteStore::open_temporary(registry.clone())
                .await
                .expect("open")
        };
        let (ctx, users, groups) = (ctx(), users(&registry), groups(&registry));
        let old_user = store.create(&ctx, users, user("old")).await.expect("user");
        let old_group = store
            .create(
                &ctx,
                groups,
                json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                    "displayName": "G", "members": [{"value": "a"}]
                }),
            )
            .await
            .expect("group");
        let (user_id, group_id) = (
            old_user["id"].as_str().expect("id"),
            old_group["id"].as_str().expect("id"),
        );

        let replace = store.replace(&ctx, users, user_id, user("new"), None);
        let replaced = poll_at_most(replace, polls).await;
        let (replace_expect, left) = expect(&store, replaced.is_some());
        seen.extend(left);
        let op = add_members(&["b", "c"]);
        let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
        let request = PatchRequest::new(&op, &engine);
        let patch = store.patch(&ctx, groups, group_id, &request);
        let patched = poll_at_most(patch, polls)
            .await
            .map(|r| r.map(|o| o.resource));
        let (patch_expect, left) = expect(&store, patched.is_some());
        seen.extend(left);
        let finished = replaced.is_some() && patched.is_some();

        // Writes run in arrival order: once this one is acknowledged, the cut-off writes
        // are settled (rolled back, or committed with their batch).
        store
            .create(&ctx, users, user("probe"))
            .await
            .expect("the next write commits");
        let renamed = |now: &Value| now["userName"] == "new";
        let now_user = check_one(
            &store,
            users,
            user_id,
            &old_user,
            renamed,
            replace_expect,
            replaced,
        )
        .await;
        let added = |now: &Value| {
            let values: Vec<&str> = now["members"]
                .as_array()
                .map(|m| m.iter().filter_map(|m| m["value"].as_str()).collect())
                .unwrap_or_default();
            values == ["a", "b", "c"]
        };
        let now_group = check_one(
            &store,
            groups,
            group_id,
            &old_group,
            added,
            patch_expect,
            patched,
        )
        .await;
        // Unique values follow the stored name: the other name is free, this one is taken.
        let (free, taken) = if renamed(&now_user) {
            ("old", "new")
        } else {
            ("new", "old")
        };
        store
            .create(&ctx, users, user(free))
            .await
            .expect("the name is free");
        assert!(matches!(
            store.create(&ctx, users, user(taken)).await,
            Err(StoreError::Uniqueness { .. })
        ));
        if file {
            // Another store on the file (another process) reads the same.
            let other = open(&path, &registry, Durability::Normal).await;
            for (resource_type, resource) in [(users, &now_user), (groups, &now_group)] {
                let id = resource["id"].as_str().expect("id");
                let read = other
                    .get(&ctx, resource_type, id, &ReadHint::default())
                    .await
                    .expect("read");
                assert_eq!(&read, resource, "after {polls} polls");
            }
        }
        if finished {
            break;
        }
    }
    // A write that ran yields before it waits for its batch: the first cut lands there.
    assert!(
        seen.contains(&Left::Waiting),
        "some cuts left a write in its batch"
    );
}

#[tokio::test]
async fn cut_off_writes_are_all_or_nothing_in_a_temporary_store() {
    cut_writes_off(false).await;
}

#[tokio::test]
async fn cut_off_writes_are_all_or_nothing_on_a_file() {
    cut_writes_off(true).await;
}

/// Creates, membership PATCHes and replaces from many tasks on two threads, on a file with
/// `synchronous = FULL`: every acknowledged write is read back, as acknowledged, by another
/// store opened on the file, and the group's version counts every PATCH.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_concurrent_writes_are_in_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("acked.db");
    let registry = registry();
    let store = Arc::new(open(&path, &registry, Durability::Full).await);
    let group = store
        .create(
            &ctx(),
            groups(&registry),
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "All"}),
        )
        .await
        .expect("group");
    let gid = Arc::new(group["id"].as_str().expect("id").to_owned());
    let tasks: Vec<_> = (0..48)
        .map(|n| {
            let (store, registry, gid) = (store.clone(), registry.clone(), gid.clone());
            tokio::spawn(async move {
                let (ctx, users) = (ctx(), users(&registry));
                let created = store.create(&ctx, users, user(&format!("w{n}"))).await?;
                let id = created["id"].as_str().unwrap_or_default().to_owned();
                let last = match n % 3 {
                    0 => created,
                    1 => {
                        store
                            .replace(&ctx, users, &id, user(&format!("w{n}-renamed")), None)
                            .await?
                    }
                    _ => {
                        let op = add_members(&[&id]);
                        let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
                        store
                            .patch(
                                &ctx,
                                groups(&registry),
                                &gid,
                                &PatchRequest::new(&op, &engine),
                            )
                            .await?;
                        created
                    }
                };
                Ok::<_, StoreError>((id, last))
            })
        })
        .collect();
    let mut acked = Vec::new();
    for task in tasks {
        acked.push(task.await.expect("task").expect("write"));
    }
    let other = open(&path, &registry, Durability::Full).await;
    for (id, last) in &acked {
        let read = other
            .get(&ctx(), users(&registry), id, &ReadHint::default())
            .await
            .expect("acknowledged");
        assert_eq!(&read, last);
    }
    let group = other
        .get(&ctx(), groups(&registry), &gid, &ReadHint::default())
        .await
        .expect("group");
    let members = group["members"].as_array().expect("members");
    assert_eq!(members.len(), 16);
    assert_eq!(Version::of(&group), Some(Version::new("17")));
}

/// Polls `future` one step at a time (yielding to the runtime in between) until it finishes,
/// or until `stop` holds after a step: then drops it there.
async fn step_until<F: Future>(future: F, stop: impl Fn() -> bool) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    loop {
        let step = std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await;
        match step {
            Poll::Ready(output) => return Some(output),
            Poll::Pending if stop() => return None,
            Poll::Pending => tokio::task::yield_now().await,
        }
    }
}

/// A write that fails, or panics, after some of its statements ran (a rename written, its
/// unique value claimed): rolled back to its savepoint before the writers' lock is let go,
/// so the next write commits without it; on a file, another store reads the same.
async fn failed_mid_write(store: &Arc<SqliteStore>, registry: &Arc<SchemaRegistry>) -> Value {
    let (ctx, users) = (ctx(), users(registry));
    let old = store.create(&ctx, users, user("old")).await.expect("user");
    let id = old["id"].as_str().expect("id").to_owned();
    let rename = |conn: &rusqlite::Connection| {
        let row = SqliteStore::find(conn, &ctx, users, &id).expect("find");
        store
            .write_existing(conn, &ctx, users, &row, &id, user("new"))
            .expect("written, not committed");
    };
    let failed = store
        .write(|conn| -> Result<(), StoreError> {
            rename(conn);
            Err(StoreError::Backend("fails after writing".into()))
        })
        .await;
    assert!(failed.is_err());
    let panicked = {
        let (store, registry, id) = (store.clone(), registry.clone(), id.clone());
        tokio::spawn(async move {
            let (ctx, users) = (self::ctx(), self::users(&registry));
            store
                .write(|conn| -> Result<(), StoreError> {
                    let row = SqliteStore::find(conn, &ctx, users, &id)?;
                    store.write_existing(conn, &ctx, users, &row, &id, user("new"))?;
                    panic!("a write that panics after writing")
                })
                .await
        })
        .await
    };
    assert!(panicked.expect_err("panicked").is_panic());
    assert_eq!(
        std::mem::take(&mut *store.writer.inner.left.lock().expect("log")),
        [Left::Panicked],
        "the failed write left its batch as it returned; the panicking one as it unwound"
    );
    store
        .create(&ctx, users, user("next"))
        .await
        .expect("the next write commits");
    let read = store
        .get(&ctx, users, &id, &ReadHint::default())
        .await
        .expect("read");
    assert_eq!(read, old, "nothing of the failed writes");
    assert!(matches!(
        store.create(&ctx, users, user("old")).await,
        Err(StoreError::Uniqueness { .. })
    ));
    store
        .create(&ctx, users, user("new"))
        .await
        .expect("the failed writes' claims on \"new\" are gone");
    read
}

#[tokio::test]
async fn a_write_that_fails_or_panics_midway_leaves_nothing() {
    let registry = registry();
    let temporary = Arc::new(
        SqliteStore::open_temporary(registry.clone())
            .await
            .expect("open"),
    );
    failed_mid_write(&temporary, &registry).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("failed.db");
    let store = Arc::new(open(&path, &registry, Durability::Normal).await);
    let read = failed_mid_write(&store, &registry).await;
    let other = open(&path, &registry, Durability::Normal).await;
    let id = read["id"].as_str().expect("id");
    let again = other
        .get(&ctx(), users(&registry), id, &ReadHint::default())
        .await
        .expect("read");
    assert_eq!(again, read);
}

/// Another connection (another process) holds the database's write lock: a write waits for
/// it without blocking its thread (other tasks of the current-thread runtime run meanwhile),
/// goes through once the lock is free, and fails with the busy timeout when it is not freed
/// in time; a write dropped while it waits has opened nothing (the file's lock is free
/// after it). On tokio's paused clock, so the 300 ms timeout and the 20 ms pause are ordered
/// whatever the machine's load (regression of the test: on wall-clock time a 300 ms stall of
/// the runtime's thread let the writer's deadline pass before the lock was freed).
#[tokio::test(start_paused = true)]
async fn a_writer_waits_for_another_connections_lock_without_blocking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("locked.db");
    let registry = registry();
    let options = SqliteOptions::new(&path)
        .durability(Durability::Normal)
        .busy_timeout(std::time::Duration::from_millis(300));
    let store = Arc::new(
        SqliteStore::open_with(&options, registry.clone())
            .await
            .expect("open"),
    );
    let (ctx, users) = (ctx(), users(&registry));
    let other = rusqlite::Connection::open(&path).expect("other connection");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");

    let refused = store.create(&ctx, users, user("late")).await;
    assert!(
        matches!(&refused, Err(StoreError::Backend(detail)) if detail.contains("locked")),
        "{refused:?}"
    );

    let waiting = {
        let (store, registry) = (store.clone(), registry.clone());
        tokio::spawn(async move {
            store
                .create(&self::ctx(), self::users(&registry), user("waits"))
                .await
        })
    };
    // The writer sleeps between tries: this task runs meanwhile, and frees the lock.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert!(!waiting.is_finished());
    other.execute_batch("COMMIT").expect("unlock");
    let created = waiting
        .await
        .expect("task")
        .expect("written once the lock is free");
    assert_eq!(created["userName"], "waits");

    // A write dropped while it waits for the lock.
    other.execute_batch("BEGIN IMMEDIATE").expect("lock again");
    let dropped = poll_at_most(store.create(&ctx, users, user("dropped")), 3).await;
    assert!(dropped.is_none(), "still waiting for the lock");
    other.execute_batch("COMMIT").expect("unlock");
    let third = rusqlite::Connection::open(&path).expect("third connection");
    third
        .busy_timeout(std::time::Duration::ZERO)
        .expect("no wait");
    third
        .execute_batch("BEGIN IMMEDIATE; COMMIT")
        .expect("the store holds no lock after the dropped write");
    assert!(user_named(&store, &registry, "dropped").await.is_empty());
    store
        .create(&ctx, users, user("after"))
        .await
        .expect("the store writes again");
}

/// A replace dropped after it wrote, while it waited for its batch, and
/// nobody else writing to the store: a task commits the batch anyway, with the complete
/// write in it, so the batch does not keep the connection and the write lock until the next
/// write. Returns the user's id.
async fn dropped_while_waiting(store: &SqliteStore, registry: &SchemaRegistry) -> String {
    let (ctx, users) = (ctx(), users(registry));
    let old = store.create(&ctx, users, user("old")).await.expect("user");
    let id = old["id"].as_str().expect("id").to_owned();
    // Written and waiting: the writers' lock is free and the batch is open.
    let waiting = || {
        store
            .writer
            .inner
            .state
            .try_lock()
            .is_ok_and(|state| state.open.is_some())
    };
    let replaced = step_until(store.replace(&ctx, users, &id, user("new"), None), waiting).await;
    assert!(replaced.is_none(), "dropped before its batch committed");
    assert_eq!(
        std::mem::take(&mut *store.writer.inner.left.lock().expect("log")),
        [Left::Waiting]
    );
    id
}

fn check_renamed(read: &Value) {
    assert_eq!(read["userName"], "new");
    assert_eq!(Version::of(read), Some(Version::new("2")));
}

#[tokio::test]
async fn a_write_dropped_while_waiting_is_committed_with_its_batch() {
    let registry = registry();
    let (ctx, users) = (ctx(), users(&registry));
    let hint = ReadHint::default();

    // Another store (another process) gets the write lock, then reads the write.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("waiting.db");
    let store = open(&path, &registry, Durability::Normal).await;
    let id = dropped_while_waiting(&store, &registry).await;
    let other = open(&path, &registry, Durability::Normal).await;
    other
        .create(&ctx, users, user("other"))
        .await
        .expect("write from another store");
    check_renamed(&other.get(&ctx, users, &id, &hint).await.expect("read"));
    check_renamed(&store.get(&ctx, users, &id, &hint).await.expect("read"));
}
