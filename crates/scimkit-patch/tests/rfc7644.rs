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

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Regression (testers): two keys of one PATCH value object that write one place (`title`
/// and `TITLE`; with its schema URN; `name` and `name.givenName`; an extension object and
/// one of its attributes; one filter twice; two spellings inside an extension's object)
/// applied in the order sent, the first silently dropped. Refused in every preset that
/// accepts the keys at all (400 invalidSyntax naming both keys, RFC 7643 §2.1), the
/// resource unchanged. Keys on disjoint targets still apply.
#[test]
fn rfc7643_2_1_two_keys_writing_one_place_are_refused() {
    let user = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u1", "userName": "ada", "title": "old"});
    let body = |op: &str, path: Option<&str>, value: serde_json::Value| {
        let mut operation = serde_json::json!({"op": op, "value": value});
        if let Some(path) = path {
            operation["path"] = serde_json::json!(path);
        }
        serde_json::json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [operation]})
    };
    let e = |key: &str| format!("{ENTERPRISE}:{key}");
    let refused: Vec<(Option<&str>, serde_json::Value, String, String)> = vec![
        (
            None,
            serde_json::json!({"title": "a", "TITLE": "b"}),
            "title".into(),
            "TITLE".into(),
        ),
        (
            None,
            serde_json::json!({"TITLE": "b", "title": "a"}),
            "TITLE".into(),
            "title".into(),
        ),
        (
            None,
            serde_json::json!({"title": "a", "urn:ietf:params:scim:schemas:core:2.0:User:title": "b"}),
            "title".into(),
            "urn:ietf:params:scim:schemas:core:2.0:User:title".into(),
        ),
        (
            None,
            serde_json::json!({ENTERPRISE: {"department": "X", "DEPARTMENT": "Y"}}),
            "department".into(),
            "DEPARTMENT".into(),
        ),
        (
            Some(ENTERPRISE),
            serde_json::json!({"department": "X", "Department": "Y"}),
            "department".into(),
            "Department".into(),
        ),
        (
            None,
            serde_json::json!({ENTERPRISE: {"department": "P"}, e("department"): "Q"}),
            ENTERPRISE.into(),
            e("department"),
        ),
        (
            None,
            serde_json::json!({"name": {"givenName": "A"}, "name.givenName": "B"}),
            "name".into(),
            "name.givenName".into(),
        ),
        (
            None,
            serde_json::json!({"emails": [{"value": "a@x", "type": "work"}],
                "emails[type eq \"work\"].value": "b@x"}),
            "emails".into(),
            "emails[type eq \"work\"].value".into(),
        ),
        (
            None,
            serde_json::json!({"emails[type eq \"work\"].value": "a@x",
                "EMAILS[TYPE EQ \"work\"].VALUE": "b@x"}),
            "emails[type eq \"work\"].value".into(),
            "EMAILS[TYPE EQ \"work\"].VALUE".into(),
        ),
    ];
    for preset in Preset::ALL {
        for (path, value, first, second) in &refused {
            let mut resource = user.clone();
            let outcome = run(
                &mut resource,
                "User",
                &body("replace", *path, value.clone()),
                preset,
            );
            assert_eq!(resource, user, "{preset} {value}: unchanged");
            let e = outcome.expect_err(&format!("{preset}: {value} was accepted"));
            let detail = e.detail.unwrap_or_default();
            // Presets that take no attribute paths as keys refuse those first.
            if detail.contains("is an attribute path") {
                continue;
            }
            assert_eq!(
                e.scim_type,
                Some(scimkit_schema::ScimType::InvalidSyntax),
                "{preset}"
            );
            assert!(
                detail.contains(&format!("value keys {first:?} and {second:?} both write")),
                "{preset}: {detail}"
            );
        }
        for value in [
            serde_json::json!({"name.givenName": "Ada", "name.familyName": "L"}),
            serde_json::json!({"emails[type eq \"work\"].value": "w@x",
                "emails[type eq \"home\"].value": "h@x"}),
            serde_json::json!({e("department"): "D", e("costCenter"): "C"}),
            serde_json::json!({"title": "t", ENTERPRISE: {"department": "D"}}),
        ] {
            let mut resource = user.clone();
            match run(
                &mut resource,
                "User",
                &body("add", None, value.clone()),
                preset,
            ) {
                Ok(outcome) => assert!(outcome.changed(), "{preset} {value}"),
                Err(e) => assert!(
                    e.detail
                        .as_deref()
                        .unwrap_or_default()
                        .contains("is an attribute path"),
                    "{preset} {value}: {e}"
                ),
            }
        }
    }
}
