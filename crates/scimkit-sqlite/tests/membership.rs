//! Group membership as rows: native PATCH (RFC 7644 §3.5.2) gives exactly what the PATCH
//! engine gives on the whole group (the in-memory store is the reference), touches only the
//! changed members (and reads no other one when the response leaves `members` out, through
//! `ScimService` too), and concurrent PATCHes from several stores on one file lose nothing.

use std::collections::HashSet;
use std::sync::Arc;

use scimkit_patch::{Preset, apply};
use scimkit_provision::{
    Change, EventLog, InMemoryStore, PatchOutcome, PatchRequest, PatchResponse, ReadHint,
    RequestContext, ScimService, Store, StoreError, Tenant, TokenAuthenticator, Version,
};
use scimkit_schema::{PatchOp, SchemaRegistry, ScimError};
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};
use serde_json::{Value, json};

fn temp_db() -> std::path::PathBuf {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep()
        .join("members.db")
}

async fn open(path: &std::path::Path, registry: &Arc<SchemaRegistry>) -> SqliteStore {
    let options = SqliteOptions::new(path).durability(Durability::Normal);
    SqliteStore::open_with(&options, registry.clone())
        .await
        .expect("open")
}

fn patch(operations: Value) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": operations
    }))
    .expect("PatchOp")
}

/// PATCHes `id` the way the service does: the PATCH engine with the tenant's preset.
async fn run_patch(
    store: &dyn Store,
    registry: &SchemaRegistry,
    ctx: &RequestContext,
    id: &str,
    op: &PatchOp,
) -> Result<PatchOutcome, scimkit_provision::StoreError> {
    let groups = registry.resource_type("Group").expect("Group");
    let options = ctx.tenant.patch_options();
    let engine = |resource: &mut Value| -> Result<bool, ScimError> {
        apply(resource, op, registry, groups, &options).map(|o| o.changed())
    };
    store
        .patch(ctx, groups, id, &PatchRequest::new(op, &engine))
        .await
}

fn group(name: &str, members: impl IntoIterator<Item = String>) -> Value {
    let members: Vec<Value> = members.into_iter().map(|m| json!({"value": m})).collect();
    let mut g = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": name,
    });
    if !members.is_empty() {
        g["members"] = Value::Array(members);
    }
    g
}

/// The `value`s of the group's `members`, in order.
fn member_values(group: &Value) -> Vec<&str> {
    group["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["value"].as_str())
        .collect()
}

fn without_meta(mut resource: Value) -> Value {
    if let Some(object) = resource.as_object_mut() {
        object.remove("meta");
        object.remove("id");
    }
    resource
}

/// Each request, in each preset, leaves the group exactly as the PATCH engine on the whole
/// resource does (same members, same order, same other attributes), with the same `changed`;
/// membership-only requests take the native path (no `before`, a membership delta).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_patch_equals_the_engine_on_the_whole_group() {
    let registry = Arc::new(SchemaRegistry::core());
    let sqlite = open(&temp_db(), &registry).await;
    let memory = InMemoryStore::new(registry.clone());
    let groups = registry.resource_type("Group").expect("Group");
    let requests: Vec<(Preset, Value, bool)> = vec![
        (
            Preset::Entra,
            json!([{"op": "add", "path": "members", "value": [{"value": "u4"}, {"value": "u5"}]}]),
            true,
        ),
        (
            Preset::Entra,
            json!([{"op": "add", "path": "members", "value": [{"value": "U4"}]}]),
            true,
        ),
        (
            Preset::Entra,
            json!([{"op": "remove", "path": "members[value eq \"u2\"]"}]),
            true,
        ),
        (
            Preset::EntraLegacy,
            json!([{"op": "Remove", "path": "members", "value": [{"value": "u3"}, {"value": "nobody"}]}]),
            true,
        ),
        (
            Preset::Okta,
            json!([{"op": "remove", "path": "members[value eq \"u1\" or value eq \"u5\"]"}]),
            true,
        ),
        (
            Preset::Lenient,
            json!([{"op": "remove", "path": "members[display eq \"Six\"]"}]),
            true,
        ),
        (
            Preset::Lenient,
            json!([{"op": "add", "value": {"members": [{"value": "u7", "display": "Seven"}]}}]),
            true,
        ),
        (
            Preset::Okta,
            json!([{"op": "replace", "path": "members", "value": [{"value": "u7", "display": "Seven"}, {"value": "u8"}]}]),
            true,
        ),
        // The same members in another order: no change (RFC 7643 §2.4, multi-valued
        // attributes are unordered). Regression (tester): SQLite rewrote the rows and bumped
        // the version where the engine saw no change.
        (
            Preset::Okta,
            json!([{"op": "replace", "path": "members", "value": [{"value": "u8"}, {"display": "Seven", "value": "u7"}]}]),
            true,
        ),
        (
            Preset::Lenient,
            json!([{"op": "replace", "path": "displayName", "value": "Renamed"}, {"op": "add", "path": "members", "value": [{"value": "u9"}]}]),
            false,
        ),
        (
            Preset::Lenient,
            json!([{"op": "remove", "path": "members"}]),
            true,
        ),
        (
            Preset::Lenient,
            json!([{"op": "add", "path": "members", "value": [{"value": "u1"}]}]),
            true,
        ),
    ];
    let mut initial = group("Staff", ["u1", "u2", "u3"].map(String::from));
    initial["members"]
        .as_array_mut()
        .expect("members")
        .push(json!({"value": "u6", "display": "Six"}));
    let ctx0 = RequestContext::for_tenant("t");
    let s = sqlite
        .create(&ctx0, groups, initial.clone())
        .await
        .expect("create");
    let m = memory.create(&ctx0, groups, initial).await.expect("create");
    let (sid, mid) = (
        s["id"].as_str().unwrap().to_owned(),
        m["id"].as_str().unwrap().to_owned(),
    );
    for (preset, operations, native) in requests {
        let ctx = RequestContext::new(Arc::new(Tenant::new("t").with_preset(preset)));
        let op = patch(operations.clone());
        let got = run_patch(&sqlite, &registry, &ctx, &sid, &op)
            .await
            .expect("sqlite patch");
        let want = run_patch(&memory, &registry, &ctx, &mid, &op)
            .await
            .expect("memory patch");
        assert_eq!(got.changed, want.changed, "changed for {operations}");
        assert_eq!(
            without_meta(got.resource.clone()),
            without_meta(want.resource.clone()),
            "after {operations}"
        );
        assert_eq!(got.before.is_none(), native, "native path for {operations}");
        let read = sqlite
            .get(&ctx, groups, &sid, &ReadHint::default())
            .await
            .expect("get");
        assert_eq!(read, got.resource, "stored as returned after {operations}");
    }
}

/// No-op PATCHes keep the version; real ones bump it; `If-Match` mismatches are final and
/// change nothing; the delta names exactly the members added and removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_versions_and_deltas() {
    let registry = Arc::new(SchemaRegistry::core());
    let store = open(&temp_db(), &registry).await;
    let groups = registry.resource_type("Group").expect("Group");
    let ctx = RequestContext::for_tenant("t");
    let created = store
        .create(&ctx, groups, group("G", ["a".into()]))
        .await
        .expect("create");
    let id = created["id"].as_str().unwrap().to_owned();
    let v1 = Version::of(&created).expect("version");
    let add =
        patch(json!([{"op": "add", "path": "members", "value": [{"value": "a"}, {"value": "b"}]}]));
    let outcome = run_patch(&store, &registry, &ctx, &id, &add)
        .await
        .expect("add");
    assert!(outcome.changed);
    let delta = outcome.membership.expect("native");
    assert_eq!((delta.added, delta.removed), (vec!["b".to_owned()], vec![]));
    let v2 = Version::of(&outcome.resource).expect("version");
    assert_ne!(v1, v2);
    let again = run_patch(&store, &registry, &ctx, &id, &add)
        .await
        .expect("add again");
    assert!(
        !again.changed,
        "adding present members changes nothing (RFC 7644 §3.5.2.1)"
    );
    assert_eq!(Version::of(&again.resource), Some(v2.clone()));
    let engine = |_: &mut Value| -> Result<bool, ScimError> { Ok(true) };
    let remove = patch(json!([{"op": "remove", "path": "members[value eq \"a\"]"}]));
    let mut request = PatchRequest::new(&remove, &engine);
    request.expected = Some(&v1);
    assert!(matches!(
        store.patch(&ctx, groups, &id, &request).await,
        Err(scimkit_provision::StoreError::VersionMismatch { current }) if current == v2
    ));
    let outcome = run_patch(&store, &registry, &ctx, &id, &remove)
        .await
        .expect("remove");
    let delta = outcome.membership.expect("native");
    assert_eq!((delta.added, delta.removed), (vec![], vec!["a".to_owned()]));
    let clear = patch(json!([{"op": "remove", "path": "members[value eq \"b\"]"}]));
    let outcome = run_patch(&store, &registry, &ctx, &id, &clear)
        .await
        .expect("remove last");
    assert!(
        outcome.resource.get("members").is_none(),
        "no members left: unassigned (RFC 7643 §2.5)"
    );
    assert_eq!(outcome.resource["displayName"], "G");
}

/// A 100,000-member group: adding and removing 100 members works on rows, and reading it
/// with `excludedAttributes=members` leaves them out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_thousand_members() {
    let registry = Arc::new(SchemaRegistry::core());
    let store = open(&temp_db(), &registry).await;
    let groups = registry.resource_type("Group").expect("Group");
    let ctx = RequestContext::for_tenant("t");
    let big = group("Everyone", (0..100_000).map(|i| format!("user-{i}")));
    let created = store.create(&ctx, groups, big).await.expect("create");
    let id = created["id"].as_str().unwrap().to_owned();
    let add: Vec<Value> = (100_000..100_100)
        .map(|i| json!({"value": format!("user-{i}")}))
        .collect();
    let outcome = run_patch(
        &store,
        &registry,
        &ctx,
        &id,
        &patch(json!([{"op": "add", "path": "members", "value": add}])),
    )
    .await
    .expect("add 100");
    assert_eq!(outcome.membership.expect("native").added.len(), 100);
    let filter = (0..100)
        .map(|i| format!("value eq \"user-{}\"", i * 1000))
        .collect::<Vec<_>>()
        .join(" or ");
    let outcome = run_patch(
        &store,
        &registry,
        &ctx,
        &id,
        &patch(json!([{"op": "remove", "path": format!("members[{filter}]")}])),
    )
    .await
    .expect("remove 100");
    assert_eq!(outcome.membership.expect("native").removed.len(), 100);
    let members = outcome.resource["members"].as_array().expect("members");
    assert_eq!(members.len(), 100_000);
    assert_eq!(members[0]["value"], "user-1");
    assert_eq!(members[99_999]["value"], "user-100099");
    let hint = ReadHint {
        omit: vec!["members".into()],
    };
    let light = store.get(&ctx, groups, &id, &hint).await.expect("get");
    assert!(light.get("members").is_none());
    assert_eq!(light["displayName"], "Everyone");
}

/// Overwrites the stored JSON of member `value` of every group with text that is not JSON,
/// through a connection of its own: any later read of that row fails, so a request that
/// succeeds provably did not read it. Returns the text to put back.
async fn poison_member(path: &std::path::Path, value: &str, item: Option<&str>) -> String {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .expect("raw connection");
    let old: String = sqlx::query_scalar("SELECT item FROM members WHERE value_key = ?")
        .bind(value)
        .fetch_one(&mut conn)
        .await
        .expect("row");
    sqlx::query("UPDATE members SET item = ? WHERE value_key = ?")
        .bind(item.unwrap_or("poisoned, not JSON"))
        .bind(value)
        .execute(&mut conn)
        .await
        .expect("update");
    old
}

/// PATCH with a hint that omits `members` (`excludedAttributes=members`, or a 204 reply;
/// RFC 7644 §3.5.2, §3.9): the native path changes the rows, reads no member row it was
/// not asked about (a poisoned one goes unnoticed) and returns the group's own row with the
/// new `meta.version` and no members; unchanged requests keep the version; a
/// whole-resource PATCH still returns everything (it carries `before`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_patch_with_a_hint_reads_no_other_member() {
    let registry = Arc::new(SchemaRegistry::core());
    let path = temp_db();
    let store = open(&path, &registry).await;
    let groups = registry.resource_type("Group").expect("Group");
    let ctx = RequestContext::for_tenant("t");
    let created = store
        .create(
            &ctx,
            groups,
            group("Big", (0..1_000).map(|i| format!("u{i}"))),
        )
        .await
        .expect("create");
    let id = created["id"].as_str().unwrap().to_owned();
    let options = ctx.tenant.patch_options();
    let run = |op: PatchOp, omit: &'static [&'static str]| {
        let (store, registry, ctx, id, options) = (
            &store,
            registry.clone(),
            ctx.clone(),
            id.clone(),
            options.clone(),
        );
        async move {
            let engine = |resource: &mut Value| -> Result<bool, ScimError> {
                apply(resource, &op, &registry, groups, &options).map(|o| o.changed())
            };
            let hint = ReadHint {
                omit: omit.iter().map(|s| (*s).to_owned()).collect(),
            };
            let request = PatchRequest::new(&op, &engine).with_hint(hint);
            store.patch(&ctx, groups, &id, &request).await
        }
    };
    let full = || async { store.get(&ctx, groups, &id, &ReadHint::default()).await };
    let original = poison_member(&path, "u500", None).await;
    assert!(
        matches!(full().await, Err(StoreError::Backend(_))),
        "a full read meets the poisoned row"
    );

    let add = patch(json!([{"op": "add", "path": "members",
        "value": [{"value": "new-1"}, {"value": "new-2"}, {"value": "u5"}]}]));
    let outcome = run(add.clone(), &["members"]).await.expect("add");
    assert!(outcome.changed && outcome.before.is_none(), "native path");
    assert_eq!(outcome.membership.expect("delta").added, ["new-1", "new-2"]);
    assert!(
        outcome.resource.get("members").is_none(),
        "{}",
        outcome.resource
    );
    assert_eq!(outcome.resource["meta"]["version"], "W/\"2\"");
    assert_eq!(outcome.resource["displayName"], "Big");
    let after_add = outcome.resource;

    let again = run(add.clone(), &["members"]).await.expect("add again");
    assert!(!again.changed && again.resource.get("members").is_none());
    assert_eq!(again.resource, after_add, "no-op: same version, same row");

    let remove = patch(json!([{"op": "remove",
        "path": "members[value eq \"u0\" or value eq \"new-1\"]"}]));
    let outcome = run(remove, &["members"]).await.expect("remove");
    assert_eq!(outcome.membership.expect("delta").removed, ["u0", "new-1"]);
    assert!(outcome.resource.get("members").is_none());
    assert_eq!(outcome.resource["meta"]["version"], "W/\"3\"");
    let after_remove = outcome.resource;

    // Without the hint the same kind of request reads every member back, and fails here.
    assert!(matches!(run(add, &[]).await, Err(StoreError::Backend(_))));

    poison_member(&path, "u500", Some(&original)).await;
    let stored = full().await.expect("get");
    assert_eq!(after_remove, {
        let mut light = stored.clone();
        light.as_object_mut().unwrap().remove("members");
        light
    });
    let values = member_values(&stored);
    assert_eq!(values.len(), 1_000);
    assert_eq!(values[..2], ["u1", "u2"]);
    assert_eq!(values[999], "new-2");
    assert!(!values.contains(&"new-1"));

    let rename = patch(
        json!([{"op": "replace", "path": "displayName", "value": "Bigger"},
        {"op": "add", "path": "members", "value": [{"value": "new-3"}]}]),
    );
    let outcome = run(rename, &["members"]).await.expect("rename");
    assert!(outcome.before.is_some(), "whole-resource path");
    assert_eq!(
        outcome.resource,
        full().await.expect("get"),
        "with `before`, the outcome is complete"
    );
}

/// Sends one request with `token`; returns status, `ETag` and the JSON body (`Null` if none).
async fn send(
    service: &ScimService,
    token: &str,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("http://scim.example/v2{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/scim+json")
        .body(if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        })
        .expect("request");
    let response = service.handle(request).await;
    let etag = response
        .headers()
        .get("ETag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = response.status().as_u16();
    let bytes = response.into_body();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    (status, etag, json)
}

/// Through `ScimService` on SQLite: `PATCH /Groups/{id}?excludedAttributes=members` answers
/// 200 without `members` and with the new version as `ETag` and `meta.version` (RFC 7644
/// §3.5.2, §3.9, §3.14); a tenant that answers PATCH with 204 gets 204 and the `ETag`, and
/// `attributes` still gets 200. Neither reads the group's other member rows (one is
/// poisoned), and the provisioning events name exactly the members added and removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_patch_leaves_out_members_it_will_not_return() {
    let registry = Arc::new(SchemaRegistry::core());
    let path = temp_db();
    let store = Arc::new(open(&path, &registry).await);
    let auth = Arc::new(TokenAuthenticator::new());
    auth.insert("t-full", Tenant::new("full"));
    auth.insert(
        "t-quiet",
        Tenant::new("quiet").with_patch_response(PatchResponse::NoContent),
    );
    let events = Arc::new(EventLog::new());
    let service = ScimService::builder(store, auth)
        .registry(registry)
        .base_path("/v2")
        .events(events.clone())
        .build();
    let add = |value: &str| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": value}]}]})
    };
    let remove = |value: &str| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "remove", "path": format!("members[value eq \"{value}\"]")}]})
    };
    let mut ids = Vec::new();
    for (token, prefix) in [("t-full", "f"), ("t-quiet", "q")] {
        let body = group("Everyone", (0..2_000).map(|i| format!("{prefix}{i}")));
        let (status, etag, created) = send(&service, token, "POST", "/Groups", &body).await;
        assert_eq!(
            (status, etag.as_deref()),
            (201, Some("W/\"1\"")),
            "{created}"
        );
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let (full, quiet) = (format!("/Groups/{}", ids[0]), format!("/Groups/{}", ids[1]));
    let original = poison_member(&path, "f700", None).await;
    poison_member(&path, "q700", None).await;
    events.take();

    let light = format!("{full}?excludedAttributes=members");
    let (status, etag, body) = send(&service, "t-full", "PATCH", &light, &add("new-1")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("members").is_none(), "{body}");
    assert_eq!(body["displayName"], "Everyone");
    assert_eq!(body["meta"]["version"], "W/\"2\"");
    assert_eq!(etag.as_deref(), Some("W/\"2\""));
    assert_eq!(
        body["meta"]["location"],
        format!("http://scim.example/v2{full}")
    );
    let (status, etag, body) = send(&service, "t-full", "PATCH", &light, &remove("f3")).await;
    assert_eq!((status, etag.as_deref()), (200, Some("W/\"3\"")), "{body}");
    assert!(body.get("members").is_none());

    let (status, etag, body) = send(&service, "t-quiet", "PATCH", &quiet, &add("new-2")).await;
    assert_eq!(
        (status, etag.as_deref(), body),
        (204, Some("W/\"2\""), Value::Null)
    );
    let (status, etag, body) = send(&service, "t-quiet", "PATCH", &quiet, &remove("q3")).await;
    assert_eq!(
        (status, etag.as_deref(), body),
        (204, Some("W/\"3\""), Value::Null)
    );
    let (status, etag, body) = send(&service, "t-quiet", "PATCH", &quiet, &add("new-2")).await;
    assert_eq!(
        (status, etag.as_deref(), body),
        (204, Some("W/\"3\""), Value::Null),
        "present already: no new version (RFC 7644 §3.5.2.1)"
    );
    let changes: Vec<Change> = events.take().into_iter().map(|e| e.change).collect();
    assert_eq!(
        changes,
        [
            Change::MembersAdded(vec!["new-1".into()]),
            Change::MembersRemoved(vec!["f3".into()]),
            Change::MembersAdded(vec!["new-2".into()]),
            Change::MembersRemoved(vec!["q3".into()]),
        ]
    );

    // A bulk PATCH answers status and version only (RFC 7644 §3.7.3): no member read.
    let bulk = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{"method": "PATCH", "path": full, "data": add("new-0")}]});
    let (status, _, body) = send(&service, "t-full", "POST", "/Bulk", &bulk).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Operations"][0]["status"], "200", "{body}");
    assert_eq!(body["Operations"][0]["version"], "W/\"4\"");

    // A response with members reads them all, and meets the poisoned row.
    let (status, _, _) = send(&service, "t-full", "PATCH", &full, &add("new-3")).await;
    assert_eq!(status, 500);
    poison_member(&path, "f700", Some(&original)).await;
    poison_member(&path, "q700", Some(&original.replace("f700", "q700"))).await;
    let (status, etag, body) = send(&service, "t-full", "PATCH", &full, &add("new-3")).await;
    assert_eq!((status, etag.as_deref()), (200, Some("W/\"5\"")), "{body}");
    let values = member_values(&body);
    assert_eq!(values.len(), 2_002);
    assert!(values.contains(&"new-1") && values.contains(&"new-3") && !values.contains(&"f3"));
    let attrs = format!("{quiet}?attributes=displayName");
    let (status, etag, body) = send(&service, "t-quiet", "PATCH", &attrs, &add("new-4")).await;
    assert_eq!((status, etag.as_deref()), (200, Some("W/\"4\"")), "{body}");
    assert_eq!(body["displayName"], "Everyone");
    assert!(body.get("members").is_none(), "{body}");
    let (_, _, read) = send(&service, "t-quiet", "GET", &quiet, &Value::Null).await;
    let values = member_values(&read);
    assert_eq!(values.len(), 2_001);
    assert_eq!(values[1_998..], ["q1999", "new-2", "new-4"]);
}

/// Many tasks on four stores opened on the same file each add one member to the same group,
/// half of them through the native path and half through the whole-resource path (a rename
/// in the same request); then half remove theirs. Every write is kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_patches_from_several_stores_lose_no_member() {
    let registry = Arc::new(SchemaRegistry::core());
    let path = temp_db();
    let mut stores = Vec::new();
    for _ in 0..4 {
        stores.push(Arc::new(open(&path, &registry).await));
    }
    let groups = registry.resource_type("Group").expect("Group");
    let ctx = Arc::new(RequestContext::for_tenant("t"));
    let created = stores[0]
        .create(&ctx, groups, group("Crowd", []))
        .await
        .expect("create");
    let id = Arc::new(created["id"].as_str().unwrap().to_owned());
    let run = |n: usize, operations: Value| {
        let (store, registry, ctx, id) = (
            stores[n % 4].clone(),
            registry.clone(),
            ctx.clone(),
            id.clone(),
        );
        tokio::spawn(async move {
            run_patch(store.as_ref(), &registry, &ctx, &id, &patch(operations))
                .await
                .map(|o| o.changed)
        })
    };
    let mut tasks = Vec::new();
    for n in 0..64 {
        let add = json!({"op": "add", "path": "members", "value": [{"value": format!("m{n}")}]});
        let ops = if n % 2 == 0 {
            json!([add])
        } else {
            json!([add, {"op": "replace", "path": "displayName", "value": format!("Crowd {n}")}])
        };
        tasks.push(run(n, ops));
    }
    for task in tasks {
        assert!(task.await.expect("task").expect("patch"));
    }
    let mut tasks = Vec::new();
    for n in (0..64).filter(|n| n % 4 == 0) {
        tasks.push(run(
            n + 1,
            json!([{"op": "remove", "path": format!("members[value eq \"m{n}\"]")}]),
        ));
    }
    for task in tasks {
        assert!(task.await.expect("task").expect("patch"));
    }
    let read = stores[3]
        .get(&ctx, groups, &id, &ReadHint::default())
        .await
        .expect("get");
    let got: HashSet<String> = read["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["value"].as_str().unwrap_or_default().to_owned())
        .collect();
    let want: HashSet<String> = (0..64)
        .filter(|n| n % 4 != 0)
        .map(|n| format!("m{n}"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        Version::of(&read),
        Some(Version::new((1 + 64 + 16).to_string())),
        "one version per write"
    );
}
