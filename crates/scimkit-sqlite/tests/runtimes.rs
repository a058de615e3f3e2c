//! A store outlives the calls, and the runtimes, its writes ran on: whatever happened to a
//! write (cut off as its runtime ended, refused, dropped outside any runtime), once no call
//! is running the store holds no transaction and no write lock, and it writes again. Also:
//! `close` closes the write connection, and the busy timeout bounds each call, however
//! many writers queue behind another connection's lock. (Regressions from a tester's runs
//! against the write path on rusqlite.)

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use scimkit_provision::{RequestContext, Store, StoreError};
use scimkit_schema::{ResourceType, SchemaRegistry};
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};
use serde_json::{Value, json};

fn user(name: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name})
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn users(registry: &SchemaRegistry) -> &ResourceType {
    registry.resource_type("User").expect("User")
}

/// Polls `future` `polls` times back to back, then drops it (what `select!` does to the
/// branch that lost); whether it finished.
async fn poll_times<F: Future>(future: F, polls: usize) -> bool {
    let mut future = std::pin::pin!(future);
    for _ in 0..polls {
        let step = std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await;
        if step.is_ready() {
            return true;
        }
    }
    false
}

/// Whether another connection gets the database's write lock at once.
fn lock_is_free(path: &Path) -> rusqlite::Result<()> {
    let other = rusqlite::Connection::open(path)?;
    other.busy_timeout(Duration::ZERO)?;
    other.execute_batch("BEGIN IMMEDIATE; ROLLBACK")
}

fn open(path: &Path, registry: &Arc<SchemaRegistry>) -> SqliteStore {
    let options = SqliteOptions::new(path).durability(Durability::Normal);
    current_thread()
        .block_on(SqliteStore::open_with(&options, registry.clone()))
        .expect("open")
}

/// What each test starts from: a store on a new file (the directory lives as long as the
/// first value), its path, the core registry, a current-thread runtime and a context.
struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    registry: Arc<SchemaRegistry>,
    store: SqliteStore,
    runtime: tokio::runtime::Runtime,
    ctx: RequestContext,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store.db");
    let registry = Arc::new(SchemaRegistry::core());
    let store = open(&path, &registry);
    Fixture {
        _dir: dir,
        path,
        registry,
        store,
        runtime: current_thread(),
        ctx: RequestContext::for_tenant("t"),
    }
}

impl Fixture {
    fn users(&self) -> &ResourceType {
        users(&self.registry)
    }

    /// How many users the store holds, read on `runtime`.
    fn count(&self, runtime: &tokio::runtime::Runtime) -> u64 {
        runtime
            .block_on(self.store.search(
                &self.ctx,
                self.users(),
                &scimkit_provision::SearchQuery::all(10),
            ))
            .expect("search")
            .total_results
    }
}

/// Regression: a write cut off as it began to commit its batch, on a runtime that then
/// ended, left the connection inside its transaction: every later write failed with "cannot
/// start a transaction within a transaction" and other connections found the file locked.
/// The end of a batch now runs even when its task never does.
#[test]
fn a_write_cut_off_as_its_runtime_ends_leaves_no_transaction() {
    for polls in 1..=4 {
        let f = fixture();
        let first = current_thread();
        let finished = first.block_on(poll_times(
            f.store.create(&f.ctx, f.users(), user("cut")),
            polls,
        ));
        drop(first);
        assert_eq!(lock_is_free(&f.path), Ok(()), "after {polls} polls");
        let second = current_thread();
        let next = second.block_on(f.store.create(&f.ctx, f.users(), user("next")));
        assert!(next.is_ok(), "after {polls} polls: {next:?}");
        // The cut-off write is all or nothing (committed with its batch, or never written).
        let total = f.count(&second);
        assert!(
            total == 1 || total == 2,
            "after {polls} polls (finished: {finished}): {total}"
        );
    }
}

/// Regression: a write refused inside a batch it opened (409 here) left the batch, and the
/// write lock, to a task; between two `block_on` calls of a current-thread runtime nothing
/// ran it, so another connection found the file locked.
#[test]
fn a_refused_write_leaves_no_lock_between_calls() {
    let f = fixture();
    f.runtime
        .block_on(f.store.create(&f.ctx, f.users(), user("taken")))
        .expect("create");
    let refused = f
        .runtime
        .block_on(f.store.create(&f.ctx, f.users(), user("TAKEN")));
    assert!(
        matches!(refused, Err(StoreError::Uniqueness { .. })),
        "{refused:?}"
    );
    assert_eq!(lock_is_free(&f.path), Ok(()));
}

/// Regression: a write dropped, outside any runtime, while it waited for its batch could not
/// hand the batch to a task: the batch kept the write lock until the store's next write.
/// Its write is committed with the batch (all of it), and the lock is free.
#[test]
fn a_waiting_write_dropped_outside_a_runtime_is_committed_and_frees_the_lock() {
    let f = fixture();
    let mut create = Box::pin(f.store.create(&f.ctx, f.users(), user("waiting")));
    let ready = f.runtime.block_on(std::future::poll_fn(|cx| {
        Poll::Ready(create.as_mut().poll(cx).is_ready())
    }));
    assert!(!ready, "written, waiting for its batch");
    drop(create);
    assert_eq!(lock_is_free(&f.path), Ok(()));
    assert_eq!(f.count(&f.runtime), 1);
}

/// Regression: `close` committed the open batch but kept the write connection open (the
/// file's WAL stayed, and no other connection could take the database exclusively).
#[test]
fn close_closes_the_write_connection() {
    let f = fixture();
    let (store, ctx, runtime, path) = (&f.store, &f.ctx, &f.runtime, &f.path);
    runtime
        .block_on(store.create(ctx, f.users(), user("kept")))
        .expect("create");
    runtime.block_on(store.close());
    let after = runtime.block_on(store.create(ctx, f.users(), user("late")));
    assert!(
        matches!(&after, Err(StoreError::Backend(d)) if d.contains("closed")),
        "{after:?}"
    );
    let other = rusqlite::Connection::open(path).expect("other");
    other.busy_timeout(Duration::ZERO).expect("no wait");
    let mode: String = other
        .query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))
        .expect("no other connection is open");
    assert_eq!(mode, "delete");
    let kept: i64 = other
        .query_row("SELECT count(*) FROM resources", [], |row| row.get(0))
        .expect("count");
    assert_eq!(kept, 1);
}

/// Regression: the busy timeout was counted from the moment a writer got the writers' lock,
/// so with another connection holding the database's lock the k-th queued writer failed
/// after k timeouts. Each call now fails within its own timeout (tokio's clock, paused:
/// no wall-clock timing).
#[tokio::test(start_paused = true)]
async fn the_busy_timeout_bounds_every_queued_writer() {
    let registry = Arc::new(SchemaRegistry::core());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("busy.db");
    let timeout = Duration::from_millis(400);
    let options = SqliteOptions::new(&path)
        .durability(Durability::Normal)
        .busy_timeout(timeout);
    let store = Arc::new(
        SqliteStore::open_with(&options, registry.clone())
            .await
            .expect("open"),
    );
    let other = rusqlite::Connection::open(&path).expect("other");
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the lock");
    let start = tokio::time::Instant::now();
    let writers: Vec<_> = (0..3)
        .map(|n| {
            let (store, registry) = (store.clone(), registry.clone());
            tokio::spawn(async move {
                let ctx = RequestContext::for_tenant("t");
                let failed = store
                    .create(&ctx, users(&registry), user(&format!("w{n}")))
                    .await;
                (failed, tokio::time::Instant::now())
            })
        })
        .collect();
    for writer in writers {
        let (failed, at) = writer.await.expect("task");
        assert!(
            matches!(&failed, Err(StoreError::Backend(d)) if d.contains("locked")),
            "{failed:?}"
        );
        assert!(
            at - start <= timeout + Duration::from_millis(60),
            "failed {:?} after the call",
            at - start
        );
    }
    other.execute_batch("COMMIT").expect("free the lock");
    store
        .create(
            &RequestContext::for_tenant("t"),
            users(&registry),
            user("after"),
        )
        .await
        .expect("writes again");
}

/// A PATCH whose engine (the service's `ApplyPatch`) panics after changing the resource.
fn panicking_patch(f: &Fixture, id: &str) -> std::thread::Result<()> {
    let op: scimkit_schema::PatchOp = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": "boom"}]
    }))
    .expect("PatchOp");
    let engine = |resource: &mut Value| -> Result<bool, scimkit_schema::ScimError> {
        resource["title"] = json!("boom");
        panic!("an engine that panics")
    };
    let request = scimkit_provision::PatchRequest::new(&op, &engine);
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f.runtime
            .block_on(f.store.patch(&f.ctx, f.users(), id, &request))
            .map(drop)
            .expect("panics before it returns")
    }))
}

/// Regression (second tester): a write that panicked after opening its batch unwound with
/// the writers' lock still held, so it left the batch to a task: on a runtime driven by
/// `block_on`, or dropped, the write lock stayed held after the call. The panic is now
/// settled like a refused write (rolled back, the batch ended) before it goes on; nothing
/// of the write is stored.
#[test]
fn a_panicking_write_that_opened_its_batch_leaves_no_lock() {
    for group in [true, false] {
        for drop_runtime in [false, true] {
            let mut f = fixture();
            if !group {
                let options = SqliteOptions::new(&f.path).group_commit(false);
                f.store = f
                    .runtime
                    .block_on(SqliteStore::open_with(&options, f.registry.clone()))
                    .expect("open without group commit");
            }
            let created = f
                .runtime
                .block_on(f.store.create(&f.ctx, f.users(), user("u")))
                .expect("create");
            let id = created["id"].as_str().expect("id").to_owned();
            assert!(panicking_patch(&f, &id).is_err(), "the panic goes on");
            if drop_runtime {
                f.runtime = current_thread();
            }
            let case = format!("group commit {group}, runtime dropped {drop_runtime}");
            assert_eq!(lock_is_free(&f.path), Ok(()), "{case}");
            let read = f
                .runtime
                .block_on(f.store.get(&f.ctx, f.users(), &id, &Default::default()))
                .expect("read");
            assert_eq!(read, created, "{case}: nothing of the panicking write");
        }
    }
}

/// Regression (second tester): two writes queued behind a batch's `COMMIT`, both cut off as
/// their runtime ends: the first had opened the next batch and written, and the lock had
/// been handed to the second, so the first left the batch to a task that the runtime then
/// dropped unrun. That task now ends the batch as it is dropped (the first write is
/// committed with it, unacknowledged), and the lock is free.
///
/// The interleaving is forced, not timed: the runtime's blocking pool has one thread, held
/// busy until both writes queue, so the `COMMIT` cannot finish before they do. (Regression
/// of the test itself: it slept 200 ms instead; on a fast machine the `COMMIT` ended before
/// the two writes were first polled, both wrote into one batch, and 3 users were stored.)
#[test]
fn writes_cut_off_together_as_their_runtime_ends_leave_no_lock() {
    let f = fixture();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .expect("runtime");
    let (started, running) = std::sync::mpsc::channel();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let blocker = runtime.spawn_blocking(move || {
        started.send(()).expect("started");
        held.recv().ok()
    });
    running.recv().expect("the pool's one thread is busy");
    runtime.block_on(async {
        let mut first = Box::pin(f.store.create(&f.ctx, f.users(), user("first")));
        assert!(
            !poll_times(first.as_mut(), 2).await,
            "written, COMMIT queued"
        );
        let mut n1 = Box::pin(f.store.create(&f.ctx, f.users(), user("n1")));
        let mut n2 = Box::pin(f.store.create(&f.ctx, f.users(), user("n2")));
        assert!(!poll_times(n1.as_mut(), 1).await, "queued");
        assert!(!poll_times(n2.as_mut(), 1).await, "queued");
        release.send(()).expect("free the pool");
        // `first` returns once its COMMIT's task is done, and that task lets the writers'
        // lock go as its last step: the lock is n1's now, n2 still waits.
        first.await.expect("the first write is acknowledged");
        blocker.await.expect("blocker");
        assert!(
            !poll_times(n1.as_mut(), 1).await,
            "n1 wrote, waits for its batch"
        );
        drop(n1);
        drop(n2);
    });
    drop(runtime);
    assert_eq!(lock_is_free(&f.path), Ok(()));
    assert_eq!(
        f.count(&f.runtime),
        2,
        "first, and n1 committed as its batch ended"
    );
}
