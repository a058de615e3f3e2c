//! The shared bug-report cases (`fixtures/cases/`, copied from the project's reference
//! material): each request under each preset, with the result the case requires, or a clean
//! error with the resource unchanged where a preset refuses the shape.

mod common;

use common::{fixture, member_ids, run};
use scimkit_patch::Preset::{self, Entra, EntraLegacy, Lenient, Okta, Strict};
use scimkit_schema::ScimType;
use serde_json::{Value, json};

fn case(name: &str) -> Value {
    fixture(&format!("cases/{name}.json"))
}

/// Applies and expects an error of `scim_type`, with the resource unchanged.
fn refused(resource: &Value, rt: &str, body: &Value, preset: Preset, scim_type: ScimType) {
    let mut r = resource.clone();
    let err = run(&mut r, rt, body, preset).expect_err(&format!("{preset} must refuse"));
    assert_eq!(err.scim_type, Some(scim_type), "{preset}: {err}");
    assert_eq!(err.status, 400);
    assert!(
        err.detail.as_deref().unwrap().starts_with("Operations["),
        "{err}"
    );
    assert_eq!(&r, resource, "{preset}: resource unchanged after an error");
}

fn applied(resource: &Value, rt: &str, body: &Value, preset: Preset) -> Value {
    let mut r = resource.clone();
    run(&mut r, rt, body, preset).unwrap_or_else(|e| panic!("{preset}: {e}"));
    r
}

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// Case 01, RFC 7644 §3.5.2.3: a path-less replace merges into the extension container.
#[test]
fn case01_pathless_replace_extension_container_merges() {
    let c = case("01-nopath-replace-extension-container");
    for preset in Preset::ALL {
        let r = applied(
            &c["input"]["resource"],
            "User",
            &c["input"]["patch"],
            preset,
        );
        assert_eq!(r["active"], json!(false));
        assert_eq!(r["title"], json!("Engineer"));
        assert_eq!(
            r[ENTERPRISE],
            json!({"organization": "Example Corp", "department": "Research"})
        );
        assert_eq!(r["userName"], c["input"]["resource"]["userName"]);
    }
}

/// Case 02, RFC 7644 §3.5.2.3: the bare extension URN as path; unlisted keys stay.
#[test]
fn case02_path_is_the_extension_urn() {
    let c = case("02-replace-path-is-extension-urn");
    for preset in Preset::ALL {
        let r = applied(
            &c["input"]["resource"],
            "User",
            &c["input"]["patch"],
            preset,
        );
        assert_eq!(
            r[ENTERPRISE],
            json!({"employeeNumber": "701984", "costCenter": "CC-2", "department": "Engineering"})
        );
    }
}

/// Case 05, RFC 7644 §3.5.2.2: Entra's remove-with-value-array removes only the listed
/// members (remove_value_list); presets without the switch refuse it; none wipes the group.
#[test]
fn case05_remove_members_with_value_array() {
    let c = case("05-entra-remove-members-with-value-array");
    let (group, body) = (&c["input"]["resource"], &c["input"]["patch"]);
    for preset in [EntraLegacy, Lenient] {
        let r = applied(group, "Group", body, preset);
        assert_eq!(
            r["members"],
            json!([{"value": "u2", "display": "Bob Example"}])
        );
    }
    refused(group, "Group", body, Strict, ScimType::InvalidSyntax); // "Remove"
    for preset in [Entra, Okta] {
        refused(group, "Group", body, preset, ScimType::InvalidValue);
    }
}

/// Case 06, RFC 7644 §3.5.2.1: add never duplicates, compared on `value`.
#[test]
fn case06_add_duplicate_member() {
    let c = case("06-add-duplicate-member");
    for preset in Preset::ALL {
        let r = applied(
            &c["input"]["resource"],
            "Group",
            &c["input"]["patch"],
            preset,
        );
        assert_eq!(member_ids(&r), ["u1", "u2", "u3"]);
        let mut again = r.clone();
        let outcome = run(&mut again, "Group", &c["input"]["patch"], preset).unwrap();
        assert!(!outcome.changed(), "{preset}: idempotent");
        assert_eq!(again, r);
    }
}

/// Case 11, RFC 7644 §3.5.2.3: valuePath + subAttr replaces only that sub-attribute of the
/// matching value; a filter matching nothing is noTarget unless create_on_filter_miss.
#[test]
fn case11_replace_value_path_sub_attribute() {
    let c = case("11-replace-valuepath-subattr-emails-work");
    let user = &c["input"]["resource"];
    for preset in [Entra, EntraLegacy, Okta, Lenient] {
        let r = applied(user, "User", &c["input"]["patch"], preset);
        assert_eq!(r["displayName"], json!("Ada Q. Example"));
        assert_eq!(
            r["name"],
            json!({"givenName": "Ada", "familyName": "Example-Q"})
        );
        assert_eq!(
            r["emails"],
            json!([
                {"value": "ada.q@example.com", "type": "work", "primary": true},
                {"value": "ada@home.example.com", "type": "home"}
            ])
        );
    }
    refused(
        user,
        "User",
        &c["input"]["patch"],
        Strict,
        ScimType::InvalidSyntax,
    ); // "Replace"
    let second = &c["input"]["second_patch_on_original_resource"];
    for preset in [Strict, Okta] {
        refused(user, "User", second, preset, ScimType::NoTarget);
    }
    for preset in [Entra, EntraLegacy, Lenient] {
        let r = applied(user, "User", second, preset);
        assert_eq!(
            r["emails"][2],
            json!({"type": "other", "value": "x@example.com"})
        );
        assert_eq!(r["emails"][0], user["emails"][0], "work email untouched");
    }
}

/// Case 12, RFC 7643 §2.3.2: JSON false always works; "False" only with string_booleans;
/// garbage never.
#[test]
fn case12_active_string_boolean_and_falsy() {
    let c = case("12-patch-active-string-boolean-and-falsy");
    let user = &c["input"]["resource"];
    let p = &c["input"]["patches"];
    for preset in Preset::ALL {
        let r = applied(user, "User", &p["A_nopath_false"], preset);
        assert_eq!(r["active"], json!(false));
        refused(
            user,
            "User",
            &p["C_string_garbage"],
            preset,
            ScimType::InvalidValue,
        );
    }
    for preset in [EntraLegacy, Lenient] {
        let r = applied(user, "User", &p["B_entra_string_False"], preset);
        assert_eq!(
            r["active"],
            json!(false),
            "a JSON boolean, never the string"
        );
    }
    refused(
        user,
        "User",
        &p["B_entra_string_False"],
        Strict,
        ScimType::InvalidSyntax,
    );
    for preset in [Entra, Okta] {
        refused(
            user,
            "User",
            &p["B_entra_string_False"],
            preset,
            ScimType::InvalidValue,
        );
    }
}

/// Case 15, RFC 7644 §3.5.2: primary true on one value demotes the others; adding a
/// non-primary value demotes nobody.
#[test]
fn case15_primary_uniqueness() {
    let c = case("15-patch-primary-uniqueness");
    let user = &c["input"]["resource"];
    let p = &c["input"]["patches"];
    let primaries = |r: &Value| -> Vec<String> {
        r["emails"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["primary"] == json!(true))
            .map(|e| e["value"].as_str().unwrap().to_owned())
            .collect()
    };
    for preset in Preset::ALL {
        let a = applied(user, "User", &p["A_add_new_primary"], preset);
        assert_eq!(a["emails"].as_array().unwrap().len(), 3);
        assert_eq!(primaries(&a), ["ada@new.example.com"]);
        assert_eq!(a["phoneNumbers"], user["phoneNumbers"]);
        let b = applied(user, "User", &p["B_flip_primary_by_filter"], preset);
        assert_eq!(primaries(&b), ["ada@home.example.com"]);
        let c2 = applied(user, "User", &p["C_add_secondary_without_primary"], preset);
        assert_eq!(primaries(&c2), ["ada@example.com"]);
        assert_eq!(
            c2["emails"][2],
            json!({"value": "ada@alt.example.com", "type": "other"})
        );
    }
}

/// Case 17, RFC 7644 §3.5.2.3: `[]` clears, a path-less replace without members keeps them,
/// a full set replaces; Okta's path-less value repeating `id` needs pathless_own_id.
#[test]
fn case17_replace_members_empty_and_full_set() {
    let c = case("17-replace-members-empty-and-full-set");
    let group = &c["input"]["resource"];
    let p = &c["input"]["patches"];
    for preset in Preset::ALL {
        let a = applied(group, "Group", &p["A_okta_replace_members_empty"], preset);
        assert!(a.get("members").is_none());
        assert_eq!(a["displayName"], group["displayName"]);
        let d = applied(group, "Group", &p["D_replace_members_full_set"], preset);
        assert_eq!(member_ids(&d), ["u2", "u3"]);
    }
    for preset in [Okta, Lenient] {
        let b = applied(
            group,
            "Group",
            &p["B_nopath_replace_with_empty_members"],
            preset,
        );
        assert!(b.get("members").is_none());
        assert_eq!(b["displayName"], json!("Example Staff"));
    }
    for preset in [Strict, Entra, EntraLegacy] {
        refused(
            group,
            "Group",
            &p["B_nopath_replace_with_empty_members"],
            preset,
            ScimType::Mutability,
        );
    }
    for preset in [Entra, EntraLegacy, Okta, Lenient] {
        let c3 = applied(
            group,
            "Group",
            &p["C_nopath_replace_without_members"],
            preset,
        );
        assert_eq!(c3["displayName"], json!("Example Team"));
        assert_eq!(c3["externalId"], json!("ext-g1b"));
        assert_eq!(member_ids(&c3), ["u1", "u2"]);
    }
}

/// Case 18, RFC 7643 §4.3: manager as object, by sub-attribute, as Entra's bare string
/// (manager_as_string), and removed.
#[test]
fn case18_enterprise_manager_string_vs_object() {
    let c = case("18-enterprise-manager-string-vs-object");
    let user = &c["input"]["resource"];
    let p = &c["input"]["patches"];
    let expected = json!({"department": "Research", "manager": {"value": "u9"}});
    for preset in Preset::ALL {
        assert_eq!(
            applied(user, "User", &p["A_object_value"], preset)[ENTERPRISE],
            expected
        );
        assert_eq!(
            applied(user, "User", &p["B_subattr_path"], preset)[ENTERPRISE],
            expected
        );
        let d = applied(user, "User", &p["D_remove_manager"], preset);
        assert_eq!(d[ENTERPRISE], json!({"department": "Research"}));
    }
    for preset in [Entra, EntraLegacy, Lenient] {
        assert_eq!(
            applied(user, "User", &p["C_entra_bare_string"], preset)[ENTERPRISE],
            expected
        );
    }
    refused(
        user,
        "User",
        &p["C_entra_bare_string"],
        Strict,
        ScimType::InvalidSyntax,
    ); // "Add"
    refused(
        user,
        "User",
        &p["C_entra_bare_string"],
        Okta,
        ScimType::InvalidValue,
    );
}

/// Regression (found by the bench corpus's expectations): a new manager, however it is sent,
/// must not keep the previous manager's `displayName`, which is readOnly (RFC 7643 §4.3) and
/// derived from the old `value`; the same when `manager.value` is removed. Changing other
/// sub-attributes, or sending the same `value`, keeps it.
#[test]
fn new_manager_drops_the_previous_managers_display_name() {
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": "u1", "userName": "ada",
        ENTERPRISE: {"manager": {"value": "m1", "displayName": "Old Boss"}}});
    let op = |op: &str, path: &str, value: Value| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
               "Operations": [{"op": op, "path": path, "value": value}]})
    };
    let manager = format!("{ENTERPRISE}:manager");
    for preset in Preset::ALL {
        for body in [
            op("add", &manager, json!({"value": "m2"})),
            op("replace", &manager, json!({"value": "m2"})),
            op("replace", &format!("{manager}.value"), json!("m2")),
        ] {
            assert_eq!(
                applied(&user, "User", &body, preset)[ENTERPRISE],
                json!({"manager": {"value": "m2"}}),
                "{preset}: {body}"
            );
        }
        let removed = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "remove", "path": format!("{manager}.value")}]});
        assert_eq!(
            applied(&user, "User", &removed, preset).get(ENTERPRISE),
            None
        );
        let same = op("replace", &manager, json!({"value": "m1"}));
        assert_eq!(applied(&user, "User", &same, preset), user, "{preset}");
        let with_ref = op("add", &manager, json!({"$ref": "../Users/m1"}));
        assert_eq!(
            applied(&user, "User", &with_ref, preset)[ENTERPRISE]["manager"],
            json!({"value": "m1", "displayName": "Old Boss", "$ref": "../Users/m1"}),
        );
    }
    // Entra's bare string (manager_as_string).
    let entra = op("Add", &manager, json!("m2"));
    for preset in [Entra, EntraLegacy, Lenient] {
        assert_eq!(
            applied(&user, "User", &entra, preset)[ENTERPRISE],
            json!({"manager": {"value": "m2"}})
        );
    }
}

/// Case 23, RFC 7644 §3.5.2.3: path-less keys that are paths (pathless_attr_paths).
#[test]
fn case23_pathless_replace_dotted_keys() {
    let c = case("23-nopath-replace-dotted-keys");
    let user = &c["input"]["resource"];
    for preset in [Entra, Lenient] {
        let r = applied(user, "User", &c["input"]["patch"], preset);
        assert_eq!(r["userName"], json!("ada.l@example.com"));
        assert_eq!(
            r["name"],
            json!({"givenName": "Adeline", "middleName": "Q", "familyName": "Sample", "formatted": "Adeline Sample"})
        );
        assert_eq!(
            r[ENTERPRISE],
            json!({"department": "Engineering", "costCenter": "CC-1"})
        );
        assert!(r.get("name.givenName").is_none());
    }
    for preset in [Strict, EntraLegacy, Okta] {
        refused(
            user,
            "User",
            &c["input"]["patch"],
            preset,
            ScimType::InvalidValue,
        );
    }
}

/// Case h-19: Okta-style deactivate and reactivate through path-less replace.
#[test]
fn h19_deactivate_and_reactivate() {
    let c = case("h-19-active-false-soft-delete-reactivate");
    let requests = c["input"]["requests"].as_array().unwrap();
    let mut user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u-ada", "userName": "ada@example.com", "active": true});
    for preset in Preset::ALL {
        run(&mut user, "User", &requests[0]["body"], preset).unwrap();
        assert_eq!(user["active"], json!(false));
        run(&mut user, "User", &requests[3]["body"], preset).unwrap();
        assert_eq!(user["active"], json!(true));
        assert_eq!(user["id"], json!("u-ada"));
    }
}

/// Case h-20: capitalised op with a string boolean: Entra legacy accepts, strict refuses.
#[test]
fn h20_capital_op_string_bool() {
    let c = case("h-20-entra-patch-capital-op-string-bool");
    let body = &c["input"]["request"]["body"];
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u-ada", "userName": "ada@example.com", "active": true});
    assert_eq!(
        applied(&user, "User", body, EntraLegacy)["active"],
        json!(false)
    );
    refused(&user, "User", body, Strict, ScimType::InvalidSyntax);
}
