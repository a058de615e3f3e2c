//! scimkit-filter: parsing the shared corpus, and evaluating five representative filters over
//! 10,000 generated enterprise users. Figures are read as ratios against baselines measured in
//! the same run:
//!
//! - `filter_parse/json_escape_corpus`: serde_json writing each corpus filter as a JSON string
//!   (one linear pass and one allocation per filter), the floor for any parser that owns its
//!   output;
//! - `filter_eval/floor_exact_key`: one exact-key, case-sensitive string comparison per user,
//!   the floor for any evaluator over `serde_json::Value`.
//!
//! Run: `cargo bench -p scimkit-benches --bench filter`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scimkit_benches::{EVAL_FILTERS, FILTER_CORPUS, enterprise_user};
use scimkit_filter::{FilterOptions, Matcher};
use scimkit_schema::SchemaRegistry;
use serde_json::Value;

const USERS: usize = 10_000;

fn parse(c: &mut Criterion) {
    let options = FilterOptions::lenient();
    let mut group = c.benchmark_group("filter_parse");
    group.throughput(Throughput::Elements(FILTER_CORPUS.len() as u64));
    group.bench_function("corpus", |b| {
        b.iter(|| {
            for text in FILTER_CORPUS {
                black_box(
                    options
                        .parse_filter(black_box(text))
                        .expect("corpus parses"),
                );
            }
        })
    });
    group.bench_function("json_escape_corpus", |b| {
        b.iter(|| {
            for text in FILTER_CORPUS {
                black_box(serde_json::to_string(black_box(text)).expect("string"));
            }
        })
    });
    group.bench_function("print_corpus", |b| {
        let parsed: Vec<_> = FILTER_CORPUS
            .iter()
            .map(|t| options.parse_filter(t).expect("corpus parses"))
            .collect();
        b.iter(|| {
            for filter in &parsed {
                black_box(filter.to_string());
            }
        })
    });
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let registry = SchemaRegistry::core();
    let users_type = registry.resource_type("User").expect("core type");
    let users: Vec<Value> = (0..USERS).map(enterprise_user).collect();
    let options = FilterOptions::lenient();
    let mut group = c.benchmark_group("filter_eval");
    group.throughput(Throughput::Elements(USERS as u64));
    group.sample_size(30);
    group.bench_function("floor_exact_key", |b| {
        b.iter(|| {
            users
                .iter()
                .filter(|u| {
                    u.get("userName").and_then(Value::as_str) == Some("user5000@example.com")
                })
                .count()
        })
    });
    for (name, text) in EVAL_FILTERS {
        let matcher = options
            .compile_filter(text, &registry, users_type)
            .expect("bench filters compile");
        let hits = users.iter().filter(|u| matcher.matches(u)).count();
        assert!(
            hits > 0 && hits < USERS,
            "{name}: {hits} matches; pick a selective filter"
        );
        group.bench_function(*name, |b| {
            b.iter(|| {
                users
                    .iter()
                    .filter(|u| matcher.matches(black_box(u)))
                    .count()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("filter_compile");
    for (name, text) in EVAL_FILTERS {
        let filter = options.parse_filter(text).expect("parses");
        group.bench_function(*name, |b| {
            b.iter(|| Matcher::compile(black_box(&filter), &registry, users_type, &options))
        });
    }
    group.finish();
}

criterion_group!(benches, parse, evaluate);
criterion_main!(benches);
