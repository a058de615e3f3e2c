//! The typed path (`apply_user`, `apply_group`): the same result as `apply` on the generic
//! resource, nothing lost in the conversion (attributes the structs do not name, extension
//! objects), and the typed value untouched on error (RFC 7644 §3.5.2 atomicity).

mod common;

use common::{fixture, patch, registry, run};
use scimkit_patch::{PatchOptions, Preset, apply_group, apply_user};
use scimkit_schema::{Field, Group, ScimType, User};
use serde_json::{Value, json};

fn user_json() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "ada",
        "userName": "ada@example.com",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "active": true,
        "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984", "department": "Engineering",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        },
        "x-tenant-note": {"kept": ["as", "sent"]}
    })
}

/// Every request of the RFC-shaped and IdP corpus of the benches gives the typed user the
/// same resource as the generic path, attribute for attribute (key order aside).
#[test]
fn typed_user_patches_equal_generic_ones() {
    let corpus: Vec<Value> =
        serde_json::from_str(include_str!("../../../benches/data/patch-corpus.json")).unwrap();
    assert!(corpus.len() >= 20);
    for entry in corpus {
        let body = &entry["body"];
        let mut generic = user_json();
        let generic_result = run(&mut generic, "User", body, Preset::Lenient);
        let mut typed = User::from_value(user_json()).unwrap();
        let typed_result = apply_user(
            &mut typed,
            &patch(body),
            &registry(),
            &PatchOptions::default(),
        );
        assert_eq!(typed_result, generic_result, "{}", entry["name"]);
        assert_eq!(typed.to_value(), generic, "{}", entry["name"]);
    }
}

/// The conversion keeps what the struct has no field for: an unknown top-level attribute and
/// the enterprise extension object stay as they were when the request does not touch them.
#[test]
fn typed_user_keeps_unknown_attributes_and_extensions() {
    let mut user = User::from_value(user_json()).unwrap();
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": false}}]});
    let outcome = apply_user(
        &mut user,
        &patch(&body),
        &registry(),
        &PatchOptions::default(),
    )
    .unwrap();
    assert_eq!(outcome.changed_attributes().collect::<Vec<_>>(), ["active"]);
    assert_eq!(user.active, Field::Set(false));
    let mut expected = user_json();
    expected["active"] = json!(false);
    assert_eq!(user.to_value(), expected);
}

/// A request that fails leaves the typed user exactly as it was (`id` is readOnly, RFC 7643
/// §3.1), and the error is the one the generic path gives.
#[test]
fn typed_user_is_unchanged_on_error() {
    let mut user = User::from_value(user_json()).unwrap();
    let before = user.clone();
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "Ada"},
                       {"op": "replace", "path": "id", "value": "other"}]});
    let err = apply_user(
        &mut user,
        &patch(&body),
        &registry(),
        &PatchOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
    assert!(err.detail.unwrap().starts_with("Operations[1]"));
    assert_eq!(user, before);
}

/// Entra ID's legacy member removal (shared case 05: a `value` list with `"$ref": null` and a
/// capitalised op) on a typed Group removes exactly the listed members, nothing else.
#[test]
fn typed_group_entra_legacy_member_removal() {
    let case = fixture("cases/05-entra-remove-members-with-value-array.json");
    let mut group = Group::from_value(case["input"]["resource"].clone()).unwrap();
    let outcome = apply_group(
        &mut group,
        &patch(&case["input"]["patch"]),
        &registry(),
        &PatchOptions::preset(Preset::EntraLegacy),
    )
    .unwrap();
    let removed: Vec<&Value> = outcome.change("members").unwrap().removed.iter().collect();
    assert_eq!(
        removed,
        [
            &json!({"value": "u1", "display": "Ada Example"}),
            &json!({"value": "u3", "display": "Cy Example"})
        ]
    );
    assert_eq!(
        group.to_value()["members"],
        json!([{"value": "u2", "display": "Bob Example"}])
    );
    assert_eq!(group.display_name, Field::Set("Example Staff".to_owned()));
}
