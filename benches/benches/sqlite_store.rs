//! scimkit-sqlite: what IdPs do all day against the store itself, SQLite next to the
//! in-memory store (the baseline, measured in the same run): `userName eq` and
//! `externalId eq` lookups among 100,000 users, and PATCH adding then removing 100 members of
//! a 100,000-member group (the PATCH engine with the tenant's preset, as the service calls
//! it). SQLite runs with the default `synchronous = FULL` (one fsync per write) and, for
//! comparison, `NORMAL`. The PATCH pair is measured twice on SQLite: returning the whole
//! group (a 200 response with the resource) and with `PatchRequest::hint` omitting
//! `members` (what the service asks for with `excludedAttributes=members` or a 204
//! response); `plain_clone_2x` clones the group's JSON twice (once per PATCH), the floor of
//! any store that hands the whole group back.
//!
//! `service_get_group_of_{n}` reads that group through `ScimService` on SQLite: whole, with
//! `excludedAttributes=members`, and with `attributes=displayName` (neither of the last two
//! loads the member rows: RFC 7644 §3.4.2.5 projections become the store's `ReadHint`).
//!
//! Run: `cargo bench -p scimkit-benches --bench sqlite_store`. In `--test` mode (CI) the
//! population is 1,000 users and a 1,000-member group.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use scimkit_benches::{enterprise_user, group_with_members, runtime};
use scimkit_filter::parse_filter;
use scimkit_patch::apply;
use scimkit_provision::{
    InMemoryStore, PatchRequest, ReadHint, RequestContext, ScimService, SearchQuery, Store, Tenant,
    TokenAuthenticator,
};
use scimkit_schema::{PatchOp, SchemaRegistry, ScimError};
use scimkit_sqlite::{Durability, SqliteOptions, SqliteStore};
use serde_json::{Value, json};

fn size() -> usize {
    if let Some(n) = std::env::var("SCIMKIT_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        return n;
    }
    if std::env::args().any(|a| a == "--test") {
        1_000
    } else {
        100_000
    }
}

struct Stores {
    _dir: tempfile::TempDir,
    named: Vec<(&'static str, Arc<dyn Store>)>,
}

async fn stores(registry: &Arc<SchemaRegistry>) -> Stores {
    let dir = tempfile::tempdir().unwrap();
    let mut named: Vec<(&'static str, Arc<dyn Store>)> = vec![(
        "in_memory_baseline",
        Arc::new(InMemoryStore::new(registry.clone())),
    )];
    for (name, durability) in [
        ("sqlite_full", Durability::Full),
        ("sqlite_normal", Durability::Normal),
    ] {
        let options =
            SqliteOptions::new(dir.path().join(format!("{name}.db"))).durability(durability);
        named.push((
            name,
            Arc::new(
                SqliteStore::open_with(&options, registry.clone())
                    .await
                    .unwrap(),
            ),
        ));
    }
    Stores { _dir: dir, named }
}

fn lookups(c: &mut Criterion) {
    let rt = runtime();
    let registry = Arc::new(SchemaRegistry::core());
    let users = registry.resource_type("User").unwrap();
    let ctx = RequestContext::for_tenant("bench");
    let stores = rt.block_on(stores(&registry));
    let n = size();
    rt.block_on(async {
        for (name, store) in &stores.named {
            // One shared population for both SQLite files would need a copy; each store
            // gets its own (FULL pays an fsync per create: the load takes a while).
            if *name == "sqlite_full" {
                continue;
            }
            for i in 0..n {
                let mut u = enterprise_user(i);
                u.as_object_mut().unwrap().remove("id");
                u.as_object_mut().unwrap().remove("meta");
                store.create(&ctx, users, u).await.unwrap();
            }
        }
    });
    let probes: Vec<usize> = (0..64).map(|k| (k * 7919) % n).collect();
    for (attr, value) in [
        (
            "userName",
            (|i| format!("USER{i}@EXAMPLE.COM")) as fn(usize) -> String,
        ),
        ("externalId", |i| format!("ext-{i}")),
    ] {
        let queries: Vec<SearchQuery> = probes
            .iter()
            .map(|&i| {
                let text = format!("{attr} eq {}", Value::String(value(i)));
                SearchQuery::all(10).with_filter(parse_filter(&text).unwrap())
            })
            .collect();
        let mut group = c.benchmark_group(format!("store_lookup_{attr}_{n}_users"));
        for (name, store) in stores.named.iter().filter(|(n, _)| *n != "sqlite_full") {
            group.bench_function(*name, |b| {
                let mut k = 0;
                b.iter(|| {
                    let q = &queries[k % queries.len()];
                    k += 1;
                    let page = rt.block_on(store.search(&ctx, users, q)).unwrap();
                    assert_eq!(page.total_results, 1);
                    black_box(page)
                })
            });
        }
        group.finish();
    }
}

fn patch(ops: Value) -> PatchOp {
    serde_json::from_value(
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops}),
    )
    .unwrap()
}

fn members(c: &mut Criterion) {
    let rt = runtime();
    let registry = Arc::new(SchemaRegistry::core());
    let groups = registry.resource_type("Group").unwrap();
    let ctx = RequestContext::for_tenant("bench");
    let stores = rt.block_on(stores(&registry));
    let n = size();
    let mut big = group_with_members(1, n);
    big.as_object_mut().unwrap().remove("id");
    big.as_object_mut().unwrap().remove("meta");
    let ids: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for (_, store) in &stores.named {
            let g = store.create(&ctx, groups, big.clone()).await.unwrap();
            ids.push(g["id"].as_str().unwrap().to_owned());
        }
        ids
    });
    let added: Vec<Value> = (0..100)
        .map(|k| json!({"value": format!("new-member-{k}")}))
        .collect();
    let add = patch(json!([{"op": "add", "path": "members", "value": added}]));
    let filter = (0..100)
        .map(|k| format!("value eq \"new-member-{k}\""))
        .collect::<Vec<_>>()
        .join(" or ");
    let remove = patch(json!([{"op": "remove", "path": format!("members[{filter}]")}]));
    let options = ctx.tenant.patch_options();
    let engine = |op: &PatchOp| {
        let registry = registry.clone();
        let options = options.clone();
        let op = op.clone();
        move |resource: &mut Value| -> Result<bool, ScimError> {
            apply(resource, &op, &registry, groups, &options).map(|o| o.changed())
        }
    };
    let (apply_add, apply_remove) = (engine(&add), engine(&remove));
    let full = ReadHint::default();
    let omit_members = ReadHint {
        omit: vec!["members".into()],
    };
    let mut group = c.benchmark_group(format!("store_patch_100_members_of_{n}"));
    group.sample_size(10);
    group.bench_function("plain_clone_2x", |b| {
        b.iter(|| black_box((big.clone(), big.clone())))
    });
    for ((name, store), id) in stores.named.iter().zip(&ids) {
        let hints: &[(&str, &ReadHint)] = if name.starts_with("sqlite") {
            &[("", &full), ("_omit_members", &omit_members)]
        } else {
            // The in-memory store returns the whole group whatever the hint.
            &[("", &full)]
        };
        for (suffix, hint) in hints {
            group.bench_function(format!("{name}{suffix}"), |b| {
                b.iter(|| {
                    rt.block_on(async {
                        let request =
                            |op, apply| PatchRequest::new(op, apply).with_hint((*hint).clone());
                        let a = store
                            .patch(&ctx, groups, id, &request(&add, &apply_add))
                            .await
                            .unwrap();
                        let r = store
                            .patch(&ctx, groups, id, &request(&remove, &apply_remove))
                            .await
                            .unwrap();
                        assert!(a.changed && r.changed);
                        let returned = r
                            .resource
                            .get("members")
                            .map_or(0, |m| m.as_array().map_or(0, Vec::len));
                        assert_eq!(returned, if hint.is_empty() { n } else { 0 });
                        black_box((a, r))
                    })
                })
            });
        }
    }
    group.finish();
}

fn service_reads(c: &mut Criterion) {
    let rt = runtime();
    let registry = Arc::new(SchemaRegistry::core());
    let groups = registry.resource_type("Group").unwrap();
    let ctx = RequestContext::for_tenant("bench");
    let dir = tempfile::tempdir().unwrap();
    let n = size();
    let (service, id) = rt.block_on(async {
        let options = SqliteOptions::new(dir.path().join("reads.db"));
        let store = Arc::new(
            SqliteStore::open_with(&options, registry.clone())
                .await
                .unwrap(),
        );
        let mut big = group_with_members(1, n);
        big.as_object_mut().unwrap().remove("id");
        big.as_object_mut().unwrap().remove("meta");
        let created = store.create(&ctx, groups, big).await.unwrap();
        let auth = Arc::new(TokenAuthenticator::new());
        auth.insert("bench-token", Tenant::new("bench"));
        let service = ScimService::builder(store, auth)
            .registry(registry.clone())
            .build();
        (service, created["id"].as_str().unwrap().to_owned())
    });
    let mut group = c.benchmark_group(format!("service_get_group_of_{n}"));
    group.sample_size(10);
    for (name, query, members) in [
        ("whole", "", n),
        ("excluded_members", "?excludedAttributes=members", 0),
        ("attributes_display_name", "?attributes=displayName", 0),
    ] {
        let uri = format!("/Groups/{id}{query}");
        group.bench_function(name, |b| {
            b.iter(|| {
                let request = http::Request::get(&uri)
                    .header("Authorization", "Bearer bench-token")
                    .body(Vec::new())
                    .unwrap();
                let response = rt.block_on(service.handle(request));
                assert_eq!(response.status(), 200);
                let body: Value = serde_json::from_slice(response.body()).unwrap();
                let shown = body
                    .get("members")
                    .map_or(0, |m| m.as_array().map_or(0, Vec::len));
                assert_eq!((shown, body["displayName"].is_string()), (members, true));
                black_box(body)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lookups, members, service_reads);
criterion_main!(benches);
