//! scimkit-schema: deserialize + canonicalise + validate a realistic enterprise user (core +
//! extension, 3 emails, 2 addresses, groups), against a plain `serde_json::from_slice::<Value>`
//! of the same bytes measured in the same run (the target: at most 1.5x).
//!
//! `cargo bench -p scimkit-benches --bench schema_ingest`

use criterion::{Criterion, criterion_group, criterion_main};
use scimkit_benches::enterprise_user;
use scimkit_schema::{Compat, Operation, SchemaRegistry, ingest};
use serde_json::Value;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let user = registry.resource_type("User").unwrap().clone();
    let bytes = serde_json::to_vec(&enterprise_user(42)).unwrap();
    let mut group = c.benchmark_group("enterprise_user");
    group.bench_function("baseline_from_slice_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)).unwrap())
    });
    group.bench_function("ingest_response", |b| {
        b.iter(|| {
            ingest(
                &registry,
                &user,
                black_box(&bytes),
                Operation::Response,
                &Compat::lenient(),
            )
            .unwrap()
        })
    });
    group.bench_function("ingest_create", |b| {
        b.iter(|| {
            ingest(
                &registry,
                &user,
                black_box(&bytes),
                Operation::Create,
                &Compat::lenient(),
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
