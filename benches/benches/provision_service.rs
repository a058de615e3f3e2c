//! A mixed Entra-shaped request stream through `ScimService` with the in-memory store holding
//! 10,000 users: 70% GET by filter (`userName eq` and `externalId eq`), 20% PATCH (Entra's
//! replace of `displayName` / `active` / the work email), 10% POST of new users.
//!
//! Two measurements in the same run, over the same stream:
//! - `service/mixed_stream`: whole HTTP requests through `ScimService::handle` (routing,
//!   auth, query and body parsing, validation, policies, store, events, projection,
//!   serialisation);
//! - `store/mixed_stream`: only the store calls those requests make (search with the
//!   parsed query, PATCH through the default get → apply → replace path, create of the
//!   ingested resource), the baseline the service's overhead is a ratio to.
//!
//! Both are single-threaded: requests per second per core = 1 / time per request.
//! Run: `cargo bench -p scimkit-benches --bench provision_service`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scimkit_benches::enterprise_user;
use scimkit_provision::{
    InMemoryStore, PatchRequest, RequestContext, ScimService, SearchQuery, Store, Tenant,
    TokenAuthenticator,
};
use scimkit_schema::{Compat, Operation, PatchOp, SchemaRegistry, ingest};
use serde_json::{Value, json};

const USERS: usize = 10_000;
const STREAM: usize = 100;
const TOKEN: &str = "bench-token";

/// Polls a future that never waits (the in-memory store is synchronous inside) to completion.
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// One request of the stream, in both forms.
enum Step {
    Get { uri: String, filter: String },
    Patch { user: usize, body: String },
    Post,
}

fn stream() -> Vec<Step> {
    (0..STREAM)
        .map(|i| {
            let user = (i * 7919) % USERS;
            match i % 10 {
                0 => Step::Post,
                1 | 2 => {
                    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                        "Operations": [
                            {"op": "replace", "path": "displayName", "value": format!("Renamed {i}")},
                            {"op": "replace", "path": "active", "value": i % 4 != 1},
                            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": format!("user{user}@example.com")}
                        ]});
                    Step::Patch { user, body: body.to_string() }
                }
                3 | 4 => {
                    let filter = format!("externalId eq \"ext-{user}\"");
                    Step::Get {
                        uri: format!("/scim/v2/Users?aadOptscim062020&filter=externalId+eq+%22ext-{user}%22"),
                        filter,
                    }
                }
                _ => {
                    let filter = format!("userName eq \"user{user}@example.com\"");
                    Step::Get {
                        uri: format!("/scim/v2/Users?aadOptscim062020&filter=userName+eq+%22user{user}%40example.com%22"),
                        filter,
                    }
                }
            }
        })
        .collect()
}

fn new_user(n: usize) -> Value {
    let mut user = enterprise_user(USERS + n);
    let object = user.as_object_mut().expect("object");
    object.remove("id");
    object.remove("meta");
    object.remove("groups");
    object.insert("userName".into(), json!(format!("new{n}@example.com")));
    user
}

fn bench(c: &mut Criterion) {
    let registry = Arc::new(SchemaRegistry::core());
    let store = Arc::new(InMemoryStore::new(registry.clone()));
    let users = registry.resource_type("User").expect("User");
    let ctx = RequestContext::new(Arc::new(Tenant::new("bench")));
    let mut ids = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let mut user = enterprise_user(i);
        user.as_object_mut().expect("object").remove("groups");
        let created = run(store.create(&ctx, users, user)).expect("seed");
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let auth = TokenAuthenticator::new();
    auth.insert(TOKEN, Tenant::new("bench"));
    let service = ScimService::builder(store.clone(), Arc::new(auth))
        .registry(registry.clone())
        .base_path("/scim/v2")
        .build();
    let steps = stream();
    let posted = AtomicUsize::new(0);

    let mut group = c.benchmark_group("provision");
    group.throughput(Throughput::Elements(STREAM as u64));
    group.bench_function("service/mixed_stream", |b| {
        b.iter(|| {
            for step in &steps {
                let (method, uri, body) = match step {
                    Step::Get { uri, .. } => ("GET", uri.clone(), Vec::new()),
                    Step::Patch { user, body } => (
                        "PATCH",
                        format!("/scim/v2/Users/{}?aadOptscim062020", ids[*user]),
                        body.clone().into_bytes(),
                    ),
                    Step::Post => {
                        let n = posted.fetch_add(1, Ordering::Relaxed);
                        (
                            "POST",
                            "/scim/v2/Users?aadOptscim062020".to_owned(),
                            new_user(n).to_string().into_bytes(),
                        )
                    }
                };
                let request = http::Request::builder()
                    .method(method)
                    .uri(uri)
                    .header("Host", "scim.example.com")
                    .header("Authorization", format!("Bearer {TOKEN}"))
                    .header("Content-Type", "application/scim+json")
                    .body(body)
                    .expect("request");
                let response = run(service.handle(request));
                assert!(response.status().is_success(), "{}", response.status());
                black_box(response);
            }
        })
    });

    let patches: Vec<PatchOp> = steps
        .iter()
        .map(|s| match s {
            Step::Patch { body, .. } => PatchOp::from_json(body.as_bytes()).expect("patch"),
            _ => PatchOp::new(Vec::new()),
        })
        .collect();
    let queries: Vec<SearchQuery> = steps
        .iter()
        .map(|s| match s {
            Step::Get { filter, .. } => SearchQuery::all(100)
                .with_filter(scimkit_filter::parse_filter(filter).expect("filter")),
            _ => SearchQuery::all(100),
        })
        .collect();
    let options = scimkit_patch::PatchOptions::default();
    // The store baseline creates already-ingested resources: parsing and validating the body
    // is the service's work.
    let template = ingest(
        &registry,
        users,
        new_user(usize::MAX / 2).to_string().as_bytes(),
        Operation::Create,
        &Compat::lenient(),
    )
    .expect("ingest");
    group.bench_function("store/mixed_stream", |b| {
        b.iter(|| {
            for (i, step) in steps.iter().enumerate() {
                match step {
                    Step::Get { .. } => {
                        let page = run(store.search(&ctx, users, &queries[i])).expect("search");
                        assert_eq!(page.total_results, 1);
                        black_box(page);
                    }
                    Step::Patch { user, .. } => {
                        let apply = |r: &mut Value| {
                            scimkit_patch::apply(r, &patches[i], &registry, users, &options)
                                .map(|o| o.changed())
                        };
                        let outcome = run(store.patch(
                            &ctx,
                            users,
                            &ids[*user],
                            &PatchRequest::new(&patches[i], &apply),
                        ))
                        .expect("patch");
                        black_box(outcome);
                    }
                    Step::Post => {
                        let n = posted.fetch_add(1, Ordering::Relaxed);
                        let mut resource = template.clone();
                        resource["userName"] = json!(format!("new{n}@example.com"));
                        black_box(run(store.create(&ctx, users, resource)).expect("create"));
                    }
                }
            }
        })
    });
    group.finish();

    // Per-kind breakdown of the store baseline (one request each), to see where time goes.
    let mut kinds = c.benchmark_group("provision/store_kind");
    let get_query = &queries[5];
    kinds.bench_function("get_by_filter", |b| {
        b.iter(|| black_box(run(store.search(&ctx, users, get_query)).expect("search")))
    });
    let patch_at = steps
        .iter()
        .position(|s| matches!(s, Step::Patch { .. }))
        .expect("a patch");
    let Step::Patch { user, .. } = &steps[patch_at] else {
        unreachable!()
    };
    kinds.bench_function("patch", |b| {
        b.iter(|| {
            let apply = |r: &mut Value| {
                scimkit_patch::apply(r, &patches[patch_at], &registry, users, &options)
                    .map(|o| o.changed())
            };
            black_box(
                run(store.patch(
                    &ctx,
                    users,
                    &ids[*user],
                    &PatchRequest::new(&patches[patch_at], &apply),
                ))
                .expect("patch"),
            )
        })
    });
    kinds.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
