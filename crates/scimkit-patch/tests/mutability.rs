//! Mutability of the sub-attributes of existing values of a multi-valued attribute (RFC 7643
//! §2.2, §4.2; RFC 7644 §3.5.2): Group `members` values may be added and removed, and their
//! immutable sub-attributes (`value`, `display`, `type`, `$ref`) keep the value they have,
//! whichever path reaches them, in every preset.

mod common;

use common::run;
use scimkit_patch::Preset;
use scimkit_schema::ScimType;
use serde_json::{Value, json};

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
        "displayName": "Staff", "members": [{"value": "a"}, {"value": "b", "display": "Bea"}]})
}

fn ops(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

/// Regression (tester report F2): an immutable sub-attribute that has a value is refused with
/// `mutability` through every path that reaches one existing value: the filtered
/// sub-attribute (replace, add, remove) and the filtered value as a whole (replace, add).
#[test]
fn immutable_member_sub_attributes_with_a_value_cannot_change() {
    let changes = [
        json!({"op": "replace", "path": "members[value eq \"b\"].display", "value": "Other"}),
        json!({"op": "add", "path": "members[value eq \"b\"].display", "value": "Other"}),
        json!({"op": "remove", "path": "members[value eq \"b\"].display"}),
        json!({"op": "add", "path": "members[value eq \"b\"]", "value": {"display": "Other"}}),
        json!({"op": "replace", "path": "members[value eq \"b\"]",
               "value": {"value": "b", "display": "Other"}}),
        json!({"op": "replace", "path": "members[value eq \"b\"]", "value": {"value": "b"}}),
        json!({"op": "replace", "path": "members[display eq \"Bea\"].display", "value": "x"}),
        json!({"op": "replace", "path": "members[value eq \"a\"].value", "value": "z"}),
    ];
    for preset in Preset::ALL {
        for op in &changes {
            let mut g = group();
            let err = run(&mut g, "Group", &ops(json!([op])), preset)
                .expect_err(&format!("{preset}: {op}"));
            assert_eq!(err.scim_type, Some(ScimType::Mutability), "{preset}: {err}");
            assert!(err.detail.unwrap().contains("immutable"));
            assert_eq!(g, group(), "{preset}: unchanged");
        }
    }
}

/// RFC 7644 §3.5.2: "a client MAY add a value to an immutable attribute if the attribute had
/// no previous value". The tester's `replace members[value eq "a"].display` targeted a member
/// without `display`, so it sets it (replace of an absent target is an add, §3.5.2.3); once
/// set, it is fixed. The same value again, per `caseExact` (false for `display`), is no
/// change and keeps the stored spelling.
#[test]
fn immutable_member_sub_attribute_without_a_value_may_be_set_once() {
    for preset in Preset::ALL {
        let mut g = group();
        let set = ops(
            json!([{"op": "replace", "path": "members[value eq \"a\"].display", "value": "Ada"}]),
        );
        run(&mut g, "Group", &set, preset).unwrap();
        assert_eq!(g["members"][0], json!({"value": "a", "display": "Ada"}));
        let again = ops(
            json!([{"op": "replace", "path": "members[value eq \"a\"].display", "value": "Eve"}]),
        );
        let err = run(&mut g, "Group", &again, preset).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::Mutability), "{preset}: {err}");

        let mut g = group();
        let same = ops(
            json!([{"op": "replace", "path": "members[value eq \"b\"].display", "value": "BEA"}]),
        );
        let outcome = run(&mut g, "Group", &same, preset).unwrap();
        assert!(!outcome.changed(), "{preset}");
        assert_eq!(g, group(), "{preset}: stored spelling kept");
    }
    // A readWrite sub-attribute takes the new spelling.
    let mut u = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1",
        "userName": "ada", "emails": [{"type": "work", "value": "ada@acme.example"}]});
    let respell = ops(
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value",
        "value": "ada@ACME.example"}]),
    );
    assert!(
        run(&mut u, "User", &respell, Preset::Strict)
            .unwrap()
            .changed()
    );
    assert_eq!(u["emails"][0]["value"], json!("ada@ACME.example"));
}

/// IdP member adds that send `display` with `value` (Entra, Okta): an existing member is the
/// same value whatever its `display` says, so nothing changes (RFC 7644 §3.5.2.1); a new member
/// is added with its `display`. A whole-set `replace members` (RFC 7644 §3.5.2.3) removes the
/// old values and adds the given ones, which RFC 7643 §4.2 allows, so it is no sub-attribute
/// change.
#[test]
fn member_adds_with_display_and_whole_set_replace_are_not_sub_attribute_changes() {
    for preset in Preset::ALL {
        let mut g = group();
        let add = ops(json!([{"op": "add", "path": "members",
            "value": [{"value": "b", "display": "Renamed"}, {"value": "c", "display": "Cy"}]}]));
        run(&mut g, "Group", &add, preset).unwrap();
        assert_eq!(
            g["members"],
            json!([{"value": "a"}, {"value": "b", "display": "Bea"}, {"value": "c", "display": "Cy"}])
        );

        let mut g = group();
        let replace = ops(json!([{"op": "replace", "path": "members",
            "value": [{"value": "b", "display": "Renamed"}]}]));
        run(&mut g, "Group", &replace, preset).unwrap();
        assert_eq!(g["members"], json!([{"value": "b", "display": "Renamed"}]));
    }
}

/// The same rule for a top-level immutable attribute (a custom schema; the core schemas have
/// none): it may be added when absent; the same value again per `caseExact` is no change and
/// keeps the stored spelling; another value is `mutability` (RFC 7644 §3.5.2).
#[test]
fn top_level_immutable_attribute_keeps_its_value() {
    use scimkit_patch::{PatchOptions, apply};
    use scimkit_schema::{PatchOp, ResourceType, SchemaRegistry};

    let mut registry = SchemaRegistry::core();
    registry
        .add_schema_json(
            r#"{"id": "urn:example:Device", "attributes": [
                {"name": "serial", "mutability": "immutable"}, {"name": "label"}]}"#,
        )
        .unwrap();
    let rt = ResourceType::new("Device", "/Devices", "urn:example:Device");
    registry.add_resource_type(rt.clone()).unwrap();
    let replace = |serial: &str| {
        PatchOp::from_json(
            ops(json!([{"op": "replace", "path": "serial", "value": serial}]))
                .to_string()
                .as_bytes(),
        )
        .unwrap()
    };
    let options = PatchOptions::preset(Preset::Strict);
    let mut device = json!({"schemas": ["urn:example:Device"], "id": "d1", "label": "x"});
    apply(&mut device, &replace("SN-1"), &registry, &rt, &options).unwrap();
    assert_eq!(device["serial"], json!("SN-1"));
    let outcome = apply(&mut device, &replace("sn-1"), &registry, &rt, &options).unwrap();
    assert!(!outcome.changed());
    assert_eq!(device["serial"], json!("SN-1"));
    let err = apply(&mut device, &replace("SN-2"), &registry, &rt, &options).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
    assert_eq!(device["serial"], json!("SN-1"));
}
