//! An acknowledged write survives `kill -9`: a child process (this test binary, re-executed
//! with `SCIMKIT_SQLITE_CHILD_DB` set) runs several writers at once (so their writes share
//! group commits), each creating users and adding them to one group, printing
//! `ack <userName> <id>` after both calls returned; the parent SIGKILLs it mid-stream, reads
//! every acknowledgement the child printed, opens a new store on the same file and reads
//! every acknowledged write back.
//!
//! Run as a plain `main` (`harness = false`): the same binary is both parent and child.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;

use scimkit_filter::parse_filter;
use scimkit_provision::{PatchRequest, ReadHint, RequestContext, SearchQuery, Store};
use scimkit_schema::{PatchOp, SchemaRegistry, ScimError};
use scimkit_sqlite::SqliteStore;
use serde_json::{Value, json};

const CHILD_ENV: &str = "SCIMKIT_SQLITE_CHILD_DB";
/// Acknowledged writes the parent waits for before it kills the child.
const KILL_AFTER: usize = 40;
/// Writers running at once in the child.
const WRITERS: usize = 4;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

fn main() {
    match std::env::var_os(CHILD_ENV) {
        Some(db) => runtime().block_on(child(std::path::PathBuf::from(db))),
        None => {
            runtime().block_on(parent());
            println!("durability: acknowledged writes survived kill -9 ... ok");
        }
    }
}

fn add_member(id: &str) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]
    }))
    .expect("PatchOp")
}

/// Writes until killed, with the default (durable) options, `WRITERS` tasks at once, each
/// acknowledging a user only after the store returned from its create and its PATCH.
async fn child(db: std::path::PathBuf) {
    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(SqliteStore::open(db, registry.clone()).await.expect("open"));
    let groups = registry.resource_type("Group").expect("Group");
    let ctx = RequestContext::for_tenant("durable");
    let group = store
        .create(
            &ctx,
            groups,
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "All"}),
        )
        .await
        .expect("group");
    let gid = group["id"].as_str().expect("id").to_owned();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "group {gid}")
            .and_then(|()| out.flush())
            .expect("stdout");
    }
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (store, registry, gid) = (store.clone(), registry.clone(), gid.clone());
            tokio::spawn(async move { write_forever(&store, &registry, &gid, w).await })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }
}

async fn write_forever(store: &SqliteStore, registry: &SchemaRegistry, gid: &str, w: usize) {
    let (users, groups) = (
        registry.resource_type("User").expect("User"),
        registry.resource_type("Group").expect("Group"),
    );
    let ctx = RequestContext::for_tenant("durable");
    for n in (w..).step_by(WRITERS) {
        let name = format!("user{n}@example.com");
        let user = store
            .create(
                &ctx,
                users,
                json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name}),
            )
            .await
            .expect("create");
        let uid = user["id"].as_str().expect("id");
        let patch = add_member(uid);
        let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
        store
            .patch(&ctx, groups, gid, &PatchRequest::new(&patch, &engine))
            .await
            .expect("patch");
        // One write(2) of a short line to a pipe: never interleaved with another writer's.
        let mut out = std::io::stdout().lock();
        writeln!(out, "ack {name} {uid}")
            .and_then(|()| out.flush())
            .expect("stdout");
    }
}

async fn parent() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let db = dir.path().join("durability.db");
    let mut child = Command::new(std::env::current_exe().expect("own binary"))
        .env(CHILD_ENV, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn child");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let group_line = lines.next().expect("group line").expect("read");
    let gid = group_line
        .strip_prefix("group ")
        .expect("group id")
        .to_owned();
    let ack = |line: std::io::Result<String>| {
        let line = line.expect("read");
        let mut parts = line.split(' ');
        assert_eq!(parts.next(), Some("ack"), "unexpected line {line:?}");
        let (name, id) = (parts.next().expect("name"), parts.next().expect("id"));
        (name.to_owned(), id.to_owned())
    };
    let mut acked = Vec::new();
    for line in lines.by_ref() {
        acked.push(ack(line));
        if acked.len() == KILL_AFTER {
            break;
        }
    }
    assert_eq!(
        acked.len(),
        KILL_AFTER,
        "the child stopped before {KILL_AFTER} writes"
    );
    // SIGKILL on Unix: no destructor, no checkpoint, no close.
    child.kill().expect("kill -9");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "the child was killed, not finished");
    // Writes acknowledged between the last line read and the kill count too.
    acked.extend(lines.map(ack));

    let registry = Arc::new(SchemaRegistry::core());
    let store = SqliteStore::open(&db, registry.clone())
        .await
        .expect("reopen");
    let (users, groups) = (
        registry.resource_type("User").expect("User"),
        registry.resource_type("Group").expect("Group"),
    );
    let ctx = RequestContext::for_tenant("durable");
    for (name, id) in &acked {
        let user = store
            .get(&ctx, users, id, &ReadHint::default())
            .await
            .unwrap_or_else(|e| panic!("acknowledged user {name} lost: {e}"));
        assert_eq!(user["userName"], name.as_str());
        let filter = parse_filter(&format!("userName eq \"{name}\"")).expect("filter");
        let page = store
            .search(&ctx, users, &SearchQuery::all(1).with_filter(filter))
            .await
            .expect("search");
        assert_eq!(page.total_results, 1, "{name} is findable");
    }
    let group = store
        .get(&ctx, groups, &gid, &ReadHint::default())
        .await
        .expect("group");
    let members: Vec<&str> = group["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["value"].as_str())
        .collect();
    for (name, id) in &acked {
        assert!(
            members.contains(&id.as_str()),
            "acknowledged membership of {name} lost"
        );
    }
    // At most the writes in flight at the kill (one per writer) may be there too.
    assert!(members.len() <= acked.len() + WRITERS);
}
