//! The bench corpus's PATCH requests give, with scimkit-patch, exactly the resource their
//! sender intends (`expect` in `data/patch-corpus.json`, written from RFC 7644 §3.5.2 and the
//! IdPs' documented behaviour): under the sender's preset (`rfc` requests: `strict`) and under
//! `lenient`, the server's default. The peer bench in `benches/peers` judges scim-server
//! against the same expectations.

use scimkit_benches::{enterprise_user, patch_corpus};
use scimkit_patch::{PatchOptions, Preset, apply};
use scimkit_schema::{PatchOp, SchemaRegistry};
use serde_json::Value;

/// The top-level attributes whose values differ, each as `name: got … / expected …`.
fn differences(got: &Value, expected: &Value) -> Vec<String> {
    let (got, expected) = (got.as_object().unwrap(), expected.as_object().unwrap());
    let mut keys: Vec<&String> = expected.keys().collect();
    keys.extend(got.keys().filter(|k| !expected.contains_key(*k)));
    keys.into_iter()
        .filter(|k| got.get(*k) != expected.get(*k))
        .map(|k| format!("{k}: got {:?} / expected {:?}", got.get(k), expected.get(k)))
        .collect()
}

#[test]
fn every_corpus_request_gives_the_intended_resource() {
    let registry = SchemaRegistry::core();
    let users = registry.resource_type("User").unwrap();
    let user = enterprise_user(1);
    let mut failures = Vec::new();
    for request in patch_corpus() {
        let sender = match request.idp.as_str() {
            "rfc" => Preset::Strict,
            idp => idp.parse().unwrap(),
        };
        let patch = PatchOp::from_json(&request.bytes).unwrap();
        let expected = request.expected(&user);
        for preset in [sender, Preset::Lenient] {
            let mut out = user.clone();
            let options = PatchOptions::preset(preset);
            match apply(&mut out, &patch, &registry, users, &options) {
                Err(e) => failures.push(format!("{} ({preset}): {e}", request.name)),
                Ok(outcome) => {
                    let diff = differences(&out, &expected);
                    if !diff.is_empty() {
                        failures.push(format!("{} ({preset}): {}", request.name, diff.join("; ")));
                    }
                    if outcome.changed() == request.expect.is_empty() {
                        failures.push(format!("{} ({preset}): changed() is wrong", request.name));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
