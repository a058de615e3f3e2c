//! scimkit-filter: parsing the shared corpus, and evaluating five representative filters over
//! 10,000 generated enterprise users. Figures are read as ratios against baselines measured in
//! the same run:
//!
//! - `filter_parse/json_escape_corpus`: serde_json writing each corpus filter as a JSON string
//!   (one linear pass and one allocation per filter), the floor for any parser that owns its
//!   output;
//! - `filter_eval/floor_exact_key`: one exact-key, case-sensitive string comparison per user,
//!   the floor for any evaluator over `serde_json::Value`;
//! - `filter_eval/<name>_handwritten`: the same predicate as filter `<name>`, written by hand in
//!   Rust against `serde_json::Value` (what a service would code without a filter engine).
//!
//! Run: `cargo bench -p scimkit-benches --bench filter`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scimkit_benches::{EVAL_FILTERS, FILTER_CORPUS, enterprise_user};
use scimkit_filter::{FilterOptions, Matcher};
use scimkit_schema::SchemaRegistry;
use serde_json::Value;

const USERS: usize = 10_000;
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// [`EVAL_FILTERS`] coded by hand, in the same order, with the same semantics on these users.
fn handwritten(name: &str) -> fn(&Value) -> bool {
    match name {
        "lookup" => |u| str_of(u, "userName").eq_ignore_ascii_case("USER5000@example.com"),
        "value_path" => |u| {
            let work = u["emails"].as_array().is_some_and(|emails| {
                emails.iter().any(|e| {
                    str_of(e, "type").eq_ignore_ascii_case("work")
                        && str_of(e, "value")
                            .to_ascii_lowercase()
                            .ends_with("@example.com")
                })
            });
            work && u["active"] == Value::Bool(true)
        },
        "extension" => |u| {
            str_of(&u[ENTERPRISE], "department").eq_ignore_ascii_case("engineering")
                && !str_of(u, "title").is_empty()
        },
        "date_not" => |u| {
            let since =
                chrono::DateTime::parse_from_rfc3339("2011-01-01T00:00:00Z").expect("valid");
            let modified = chrono::DateTime::parse_from_rfc3339(str_of(&u["meta"], "lastModified"));
            modified.is_ok_and(|m| m > since)
                && !str_of(u, "userType").eq_ignore_ascii_case("Contractor")
        },
        "nested" => |u| {
            let names = str_of(&u["name"], "familyName")
                .to_lowercase()
                .starts_with("jensen1")
                || str_of(u, "displayName").contains("99");
            names
                && u["phoneNumbers"].as_array().is_some_and(|phones| {
                    phones.iter().any(|p| {
                        str_of(p, "type").eq_ignore_ascii_case("mobile")
                            && str_of(p, "value").starts_with("555")
                    })
                })
        },
        other => panic!("no hand-written form of {other}"),
    }
}

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
        let by_hand = handwritten(name);
        let hand_hits = users.iter().filter(|u| by_hand(u)).count();
        assert_eq!(hits, hand_hits, "{name}: the hand-written form must agree");
        group.bench_function(*name, |b| {
            b.iter(|| {
                users
                    .iter()
                    .filter(|u| matcher.matches(black_box(u)))
                    .count()
            })
        });
        group.bench_function(format!("{name}_handwritten"), |b| {
            b.iter(|| users.iter().filter(|u| by_hand(black_box(u))).count())
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
