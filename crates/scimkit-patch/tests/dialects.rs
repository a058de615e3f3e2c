//! Entra ID's two dialects (without and with `aadOptscim062020`) express the same changes in
//! different shapes. Per preset: where both forms are accepted they give the same resource;
//! where a preset refuses a form it leaves the resource unchanged, never something else.

mod common;

use common::run;
use scimkit_patch::Preset;
use serde_json::{Value, json};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn ops(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

fn user() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": "u1", "userName": "ada@example.com", "active": true,
        "name": {"givenName": "Ada", "familyName": "Example"}, "displayName": "Ada Example",
        "emails": [{"type": "work", "value": "ada@example.com", "primary": true}],
        "externalId": "ada", ENTERPRISE: {"employeeNumber": "1001", "department": "Research"}})
}

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
        "displayName": "Staff", "members": [{"value": "ua"}, {"value": "ub"}, {"value": "uc"}]})
}

/// (what, resource type, start, legacy form, flag form), from Microsoft's "Flags to alter the
/// SCIM behavior" request pairs.
fn pairs() -> Vec<(&'static str, &'static str, Value, Value, Value)> {
    vec![
        (
            "disable a user",
            "User",
            user(),
            ops(json!([{"op": "Replace", "path": "active", "value": "False"}])),
            ops(json!([{"op": "replace", "value": {"active": false}}])),
        ),
        (
            "add a single-valued attribute",
            "User",
            user(),
            ops(json!([{"op": "Add", "path": "nickName", "value": "Babs"}])),
            ops(json!([{"op": "add", "value": {"nickName": "Babs"}}])),
        ),
        (
            "replace several attributes",
            "User",
            user(),
            ops(json!([
                {"op": "Replace", "path": "displayName", "value": "Ada Q. Example"},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada.q@example.com"},
                {"op": "Replace", "path": "name.givenName", "value": "Adaline"},
                {"op": "Replace", "path": "name.familyName", "value": "Example-Smith"},
                {"op": "Replace", "path": "externalId", "value": "ada.q"},
                {"op": "Replace", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "1002"}])),
            ops(json!([
                {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada.q@example.com"},
                {"op": "replace", "value": {"displayName": "Ada Q. Example", "name.givenName": "Adaline",
                    "name.familyName": "Example-Smith", "externalId": "ada.q",
                    format!("{ENTERPRISE}:employeeNumber"): "1002"}}])),
        ),
        (
            "remove a group member",
            "Group",
            group(),
            ops(
                json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "ub"}]}]),
            ),
            ops(json!([{"op": "remove", "path": "members[value eq \"ub\"]"}])),
        ),
    ]
}

#[test]
fn legacy_and_flag_forms_give_the_same_resource_in_every_preset() {
    for preset in Preset::ALL {
        for (what, rt, start, legacy, flag) in pairs() {
            let (mut a, mut b) = (start.clone(), start.clone());
            let ra = run(&mut a, rt, &legacy, preset);
            let rb = run(&mut b, rt, &flag, preset);
            match (&ra, &rb) {
                (Ok(_), Ok(_)) => assert_eq!(a, b, "{preset}: {what}"),
                (Err(_), Ok(_)) => assert_eq!(a, start, "{preset}: {what}: refused legacy form"),
                (Ok(_), Err(_)) => assert_eq!(b, start, "{preset}: {what}: refused flag form"),
                (Err(ea), Err(eb)) => {
                    assert_eq!((&a, &b), (&start, &start), "{preset}: {what}: {ea} / {eb}")
                }
            }
            use Preset::*;
            let (legacy_ok, flag_ok) = match what {
                "disable a user" => (matches!(preset, EntraLegacy | Lenient), true),
                "add a single-valued attribute" => (preset != Strict, true),
                "replace several attributes" => {
                    (preset != Strict, matches!(preset, Entra | Lenient))
                }
                _ => (matches!(preset, EntraLegacy | Lenient), true),
            };
            assert_eq!(ra.is_ok(), legacy_ok, "{preset}: {what}: legacy form");
            assert_eq!(rb.is_ok(), flag_ok, "{preset}: {what}: flag form");
        }
    }
}

/// The lenient default accepts both dialects and they agree on every pair.
#[test]
fn lenient_accepts_both_dialects() {
    for (what, rt, start, legacy, flag) in pairs() {
        let (mut a, mut b) = (start.clone(), start.clone());
        run(&mut a, rt, &legacy, Preset::Lenient).unwrap();
        run(&mut b, rt, &flag, Preset::Lenient).unwrap();
        assert_eq!(a, b, "{what}");
        assert_ne!(a, start, "{what} changed something");
    }
}
