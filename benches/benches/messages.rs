//! scimkit-schema: parsing request messages from bytes, as a service receives them: the
//! PATCH corpus (`data/patch-corpus.json`: Entra ID in both dialects, Okta, RFC 7644 shapes),
//! a 1,000-member `add` (the largest body an IdP's group sync sends), and a SearchRequest.
//! Each next to a baseline measured in the same run: the same bytes parsed into a generic
//! `serde_json::Value` by serde_json, and by `scimkit_schema::parse_json` (what a service
//! parses a resource body with: the same, refusing a name twice in one object).
//!
//! Run: `cargo bench -p scimkit-benches --bench messages`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use scimkit_benches::patch_corpus;
use scimkit_schema::{PatchOp, SearchRequest};
use serde_json::{Value, json};

fn bodies() -> Vec<(&'static str, Vec<Vec<u8>>)> {
    let corpus: Vec<Vec<u8>> = patch_corpus().into_iter().map(|r| r.bytes).collect();
    assert!(corpus.len() >= 20);
    let members: Vec<Value> = (0..1000)
        .map(|i| json!({"value": format!("2819c223-7f76-453a-919d-{i:012}")}))
        .collect();
    let add = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": members}]});
    let search = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "attributes": ["displayName", "userName"], "filter": "userName eq \"bjensen@example.com\"",
        "sortBy": "userName", "sortOrder": "ascending", "startIndex": 1, "count": 10});
    vec![
        ("patch_corpus", corpus),
        (
            "patch_add_1000_members",
            vec![serde_json::to_vec(&add).unwrap()],
        ),
        ("search_request", vec![serde_json::to_vec(&search).unwrap()]),
    ]
}

fn messages(c: &mut Criterion) {
    for (name, bodies) in bodies() {
        let mut group = c.benchmark_group(format!("message_{name}"));
        group.bench_function("baseline_value", |b| {
            b.iter(|| {
                for body in &bodies {
                    black_box(serde_json::from_slice::<Value>(body).unwrap());
                }
            })
        });
        group.bench_function("parse_json", |b| {
            b.iter(|| {
                for body in &bodies {
                    black_box(scimkit_schema::parse_json(body).unwrap());
                }
            })
        });
        group.bench_function("from_json", |b| {
            b.iter(|| {
                for body in &bodies {
                    if name == "search_request" {
                        black_box(SearchRequest::from_json(body).unwrap());
                    } else {
                        black_box(PatchOp::from_json(body).unwrap());
                    }
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, messages);
criterion_main!(benches);
