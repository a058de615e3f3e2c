//! Every PATCH example of RFC 7644 §3.5.2 (transcribed in `fixtures/rfc7644-3.5.2.json`),
//! under every preset: RFC requests must give the RFC result whatever the compatibility
//! switches say.

mod common;

use common::{fixture, run};
use scimkit_patch::Preset;

#[test]
fn rfc7644_3_5_2_examples_in_every_preset() {
    let examples = fixture("rfc7644-3.5.2.json");
    let examples = examples.as_array().unwrap();
    assert_eq!(examples.len(), 12);
    for preset in Preset::ALL {
        for ex in examples {
            let name = format!("{} ({}, {preset})", ex["name"], ex["rfc"]);
            let mut resource = ex["resource"].clone();
            let outcome = run(
                &mut resource,
                ex["resource_type"].as_str().unwrap(),
                &ex["patch"],
                preset,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(resource, ex["expected"], "{name}");
            assert_eq!(
                outcome.changed(),
                ex["resource"] != ex["expected"],
                "{name}: Outcome::changed"
            );
            // Applying the same request again is idempotent for these examples except the
            // pure removals and the remove-then-add, which are idempotent too.
            let mut again = resource.clone();
            let second = run(
                &mut again,
                ex["resource_type"].as_str().unwrap(),
                &ex["patch"],
                preset,
            )
            .unwrap();
            assert_eq!(again, ex["expected"], "{name}: second application");
            assert!(
                !second.changed(),
                "{name}: second application changes nothing"
            );
        }
    }
}
