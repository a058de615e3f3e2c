//! The exact request shapes real identity providers send (copied from the shared IdP
//! scenarios into `fixtures/idp/patch-requests.json`): one test per compatibility switch
//! (the shape passes with that switch alone on top of `strict`, and is refused cleanly
//! without it), and every scenario's PATCH replayed under `lenient` with its read-back checks.

mod common;

use common::{fixture, member_ids, run_with, substitute};
use scimkit_patch::{PatchOptions, Preset};
use scimkit_schema::ScimType;
use serde_json::{Value, json};

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const VARS: &[(&str, &str)] = &[
    ("run", "r1"),
    ("a", "ua"),
    ("b", "ub"),
    ("c", "uc"),
    ("uid", "u1"),
    ("gid", "g1"),
    ("mgr", "boss"),
];

/// The `n`th PATCH body of a scenario, placeholders filled in.
fn body(scenario: &str, n: usize) -> Value {
    let all = fixture("idp/patch-requests.json");
    let found: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["scenario"] == scenario)
        .collect();
    substitute(&found[n]["body"], VARS)
}

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": "u1", "userName": "ada.r1@example.com",
        "name": {"givenName": "Ada", "familyName": "Example"}, "displayName": "Ada Example",
        "emails": [{"type": "work", "value": "ada.r1@example.com", "primary": true}],
        "phoneNumbers": [{"type": "mobile", "value": "+1 555 0100"}],
        "active": true, "title": "Engineer", "nickName": "Addie", "externalId": "ada.r1",
        ENTERPRISE: {"employeeNumber": "1001", "department": "Research", "manager": {"value": "boss"}}
    })
}

fn group(members: &[&str]) -> Value {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1", "displayName": "Example Engineers"});
    if !members.is_empty() {
        g["members"] = Value::Array(members);
    }
    g
}

/// `strict` plus whatever `on` switches on.
fn strict_with(on: impl Fn(&mut PatchOptions)) -> PatchOptions {
    let mut o = PatchOptions::preset(Preset::Strict);
    on(&mut o);
    o
}

/// Checks that `body` passes with `with` and is refused (resource unchanged) with `without`.
fn switch_test(
    resource: &Value,
    rt: &str,
    body: &Value,
    with: &PatchOptions,
    without: &PatchOptions,
    refused_as: ScimType,
) -> Value {
    let mut r = resource.clone();
    let err = run_with(&mut r, rt, body, without).expect_err("refused without the switch");
    assert_eq!(err.scim_type, Some(refused_as), "{err}");
    assert_eq!(&r, resource, "unchanged after refusal");
    run_with(&mut r, rt, body, with).unwrap_or_else(|e| panic!("{e}"));
    r
}

/// op_case_insensitive: Entra's six capitalised `Replace` operations.
#[test]
fn switch_op_case_insensitive() {
    let b = body("entra-legacy-replace-multiple-capitalised.json", 0);
    let with = strict_with(|o| o.op_case_insensitive = true);
    let r = switch_test(
        &user(),
        "User",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::InvalidSyntax,
    );
    assert_eq!(r["displayName"], json!("Ada Q. Example"));
    assert_eq!(r["emails"][0]["value"], json!("ada.q.e08.r1@example.com"));
    assert_eq!(
        r["name"],
        json!({"givenName": "Adaline", "familyName": "Example-Smith"})
    );
    assert_eq!(r["externalId"], json!("ada.q.e08.r1"));
    assert_eq!(r[ENTERPRISE]["employeeNumber"], json!("1002"));
    assert_eq!(r[ENTERPRISE]["department"], json!("Research"));
}

/// Regression (tester report F8): without op_case_insensitive, the refusal of `"Replace"`
/// quoted the normalised op ("op \"replace\" ... must be spelled \"replace\""). The detail
/// quotes the op as sent (RFC 7644 §3.5.2 spells it lowercase).
#[test]
fn refused_op_spelling_is_quoted_as_sent() {
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": false}]});
    let mut r = user();
    let err = run_with(&mut r, "User", &b, &strict_with(|_| {})).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax));
    assert_eq!(
        err.detail.as_deref(),
        Some(
            "Operations[0] (op \"Replace\", path \"active\"): op \"Replace\" must be spelled \"replace\" (RFC 7644 §3.5.2)"
        )
    );
    assert_eq!(r, user());
}

/// compat.string_booleans: `{"op":"Replace","path":"active","value":"False"}`.
#[test]
fn switch_string_booleans() {
    let b = body("entra-legacy-replace-active-string-false.json", 0);
    let base = |o: &mut PatchOptions| o.op_case_insensitive = true;
    let with = strict_with(|o| {
        base(o);
        o.compat.string_booleans = true;
    });
    let r = switch_test(
        &user(),
        "User",
        &b,
        &with,
        &strict_with(base),
        ScimType::InvalidValue,
    );
    assert_eq!(r["active"], json!(false));
}

/// filter.string_booleans: Entra ID's app-role assignment
/// `{"op":"Replace","path":"roles[primary eq \"True\"].value","value":"Admin"}` (a string
/// compared with the boolean `primary`); refused as invalidFilter without the switch.
#[test]
fn switch_filter_string_booleans() {
    let mut resource = user();
    resource["roles"] = json!([{"value": "Reader", "primary": true}, {"value": "Auditor"}]);
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "roles[primary eq \"True\"].value",
                        "value": "Admin"}]});
    let base = |o: &mut PatchOptions| o.op_case_insensitive = true;
    let with = strict_with(|o| {
        base(o);
        o.filter.string_booleans = true;
    });
    let r = switch_test(
        &resource,
        "User",
        &b,
        &with,
        &strict_with(base),
        ScimType::InvalidFilter,
    );
    assert_eq!(
        r["roles"],
        json!([{"value": "Admin", "primary": true}, {"value": "Auditor"}])
    );
    for preset in [Preset::Entra, Preset::EntraLegacy, Preset::Lenient] {
        let mut r = resource.clone();
        run_with(&mut r, "User", &b, &PatchOptions::preset(preset))
            .unwrap_or_else(|e| panic!("{preset:?}: {e}"));
        assert_eq!(r["roles"][0]["value"], json!("Admin"), "{preset:?}");
    }
}

/// compat.manager_as_string: `Add` manager as a bare id.
#[test]
fn switch_manager_as_string() {
    let b = body("entra-manager-add-string.json", 0);
    let base = |o: &mut PatchOptions| o.op_case_insensitive = true;
    let with = strict_with(|o| {
        base(o);
        o.compat.manager_as_string = true;
    });
    let mut u = user();
    u[ENTERPRISE] = json!({"department": "Research"});
    let r = switch_test(
        &u,
        "User",
        &b,
        &with,
        &strict_with(base),
        ScimType::InvalidValue,
    );
    assert_eq!(
        r[ENTERPRISE],
        json!({"department": "Research", "manager": {"value": "boss"}})
    );
}

/// pathless_attr_paths: flag-mode path-less replace with `name.givenName` and URN keys.
#[test]
fn switch_pathless_attr_paths() {
    let b = body("entra-pathless-replace-dotted-urn-keys.json", 0);
    let with = strict_with(|o| o.pathless_attr_paths = true);
    let r = switch_test(
        &user(),
        "User",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::InvalidValue,
    );
    assert_eq!(r["displayName"], json!("Ada Q. Example"));
    assert_eq!(
        r["name"],
        json!({"givenName": "Adaline", "familyName": "Example-Smith"})
    );
    assert_eq!(r[ENTERPRISE]["employeeNumber"], json!("1002"));
    assert_eq!(r[ENTERPRISE]["department"], json!("Research"));
    assert_eq!(r["emails"][0]["value"], json!("ada.q.e07.r1@example.com"));
    assert_eq!(
        (r["title"].clone(), r["nickName"].clone()),
        (json!("Engineer"), json!("Addie"))
    );
}

/// Regression (tester report F13): lenient acknowledged a path-less replace keyed by a
/// filtered path, left the email unchanged and stored a top-level attribute literally named
/// `emails[type eq "work"].value` (a silent lost update). With pathless_attr_paths the key is
/// applied as the operation's path (RFC 7644 §3.5.2 Figure 7), create-on-absent rules
/// included; without it the key is 400 `invalidValue` and nothing is stored.
#[test]
fn pathless_filtered_path_keys_apply_as_paths_or_are_refused() {
    for op in ["replace", "add"] {
        let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": op, "value": {"emails[type eq \"work\"].value": "new@x.example"}}]});
        let r = switch_test(
            &user(),
            "User",
            &b,
            &strict_with(|o| o.pathless_attr_paths = true),
            &strict_with(|_| {}),
            ScimType::InvalidValue,
        );
        assert_eq!(
            r["emails"],
            json!([{"type": "work", "value": "new@x.example", "primary": true}]),
            "{op}"
        );
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert!(keys.iter().all(|k| !k.contains('[')), "{keys:?}");
        for preset in [Preset::Strict, Preset::EntraLegacy, Preset::Okta] {
            let options = PatchOptions::preset(preset);
            refused_by(&user(), "User", &b, &options, &ScimType::InvalidValue);
        }
        // Entra and lenient also create the typed slot when it is missing, as for a path.
        let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": op, "value": {"phoneNumbers[type eq \"work\"].value": "+1 555 0199"}}]});
        for preset in [Preset::Entra, Preset::Lenient] {
            let mut r = user();
            run_with(&mut r, "User", &b, &PatchOptions::preset(preset)).unwrap();
            assert_eq!(
                r["phoneNumbers"],
                json!([{"type": "mobile", "value": "+1 555 0100"}, {"type": "work", "value": "+1 555 0199"}])
            );
        }
    }
    // The same narrowing as a path: never a member, never through a filter on value.
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"members[value eq \"zzz\"].value": "yyy"}}]});
    let mut g = group(&["ua"]);
    let err = run_with(&mut g, "Group", &b, &PatchOptions::default()).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::NoTarget));
    assert_eq!(g, group(&["ua"]));
}

/// Regression (tester report F13): keys that can never be attribute names (RFC 7643 §2.1
/// `ATTRNAME`: `""`, `"a b"`, `"x[y]"`) were stored verbatim under unknown-attribute `Keep`;
/// they are 400 `invalidValue` in every preset, at the top level and inside an extension.
/// Well-formed unknown names keep the preset's behaviour.
#[test]
fn keys_that_are_not_attribute_names_are_refused_in_every_preset() {
    for key in ["", "a b", "x[y]", "1st"] {
        let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "value": {"title": "T", key: "v"}}]});
        refused_everywhere(&user(), "User", &b, ScimType::InvalidValue);
        let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": ENTERPRISE, "value": {key: "v"}}]});
        refused_everywhere(&user(), "User", &b, ScimType::InvalidValue);
    }
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "value": {"x-custom": "v"}}]});
    let mut r = user();
    run_with(&mut r, "User", &b, &PatchOptions::default()).unwrap();
    assert_eq!(r["x-custom"], json!("v"));
}

/// Regression (tester report F6): scim2-tester adds the enterprise extension with its URN list
/// repeated inside (`{"schemas": [...], "employeeNumber": "42"}`); strict refused it (no
/// attribute "schemas") and lenient stored `schemas` inside the extension. RFC 7643 §3:
/// `schemas` belongs to the resource, so the inner copy is ignored in every preset.
#[test]
fn schemas_inside_an_extension_value_is_ignored_in_every_preset() {
    let ext = json!({"schemas": [ENTERPRISE], "employeeNumber": "42"});
    for body in [
        one_op("add", ENTERPRISE, ext.clone()),
        one_op("replace", ENTERPRISE, ext.clone()),
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {ENTERPRISE: ext.clone()}}]}),
    ] {
        for preset in Preset::ALL {
            let mut r = user();
            run_with(&mut r, "User", &body, &PatchOptions::preset(preset))
                .unwrap_or_else(|e| panic!("{preset}: {e}"));
            assert_eq!(
                r[ENTERPRISE],
                json!({"employeeNumber": "42", "department": "Research", "manager": {"value": "boss"}}),
                "{preset}"
            );
        }
    }
}

/// Regression (tester report F3): `add members [{"display": "x"}]` stored a member without
/// `value`, even under strict. RFC 7643 §4.2: `value` is the member's id; 400 `invalidValue`
/// in every preset, also through replace and a path-less value.
#[test]
fn a_member_without_value_is_refused_in_every_preset() {
    for body in [
        one_op("add", "members", json!([{"display": "x"}])),
        one_op("add", "members", json!({"value": ""})),
        one_op(
            "replace",
            "members",
            json!([{"value": "ua"}, {"display": "x"}]),
        ),
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "value": {"members": [{"type": "User"}]}}]}),
    ] {
        refused_everywhere(&group(&["ua"]), "Group", &body, ScimType::InvalidValue);
    }
}

/// remove_value_list: legacy `Remove members` with `[{"$ref": null, "value": id}]`.
#[test]
fn switch_remove_value_list() {
    let b = body("entra-legacy-remove-member-value-array.json", 0);
    let base = |o: &mut PatchOptions| o.op_case_insensitive = true;
    let with = strict_with(|o| {
        base(o);
        o.remove_value_list = true;
    });
    let r = switch_test(
        &group(&["ua", "ub"]),
        "Group",
        &b,
        &with,
        &strict_with(base),
        ScimType::InvalidValue,
    );
    assert_eq!(member_ids(&r), ["ua"]);
}

/// create_on_filter_miss: `add emails[type eq "work"].value` on a user with only a home email.
#[test]
fn switch_create_on_filter_miss() {
    let b = body("entra-add-work-email-creates-entry.json", 0);
    let with = strict_with(|o| o.create_on_filter_miss = true);
    let mut u = user();
    u["emails"] = json!([{"type": "home", "value": "ada.e42.home.r1@example.com"}]);
    let r = switch_test(
        &u,
        "User",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::NoTarget,
    );
    assert_eq!(
        r["emails"],
        json!([{"type": "home", "value": "ada.e42.home.r1@example.com"},
               {"type": "work", "value": "ada.e42.r1@example.com"}])
    );
}

/// `options` refuse `body` with `scim_type`, leaving the resource unchanged.
fn refused_by(
    resource: &Value,
    rt: &str,
    body: &Value,
    options: &PatchOptions,
    scim_type: &ScimType,
) {
    let mut r = resource.clone();
    let err = run_with(&mut r, rt, body, options).expect_err(&format!("must refuse {body}"));
    assert_eq!(err.scim_type.as_ref(), Some(scim_type), "{err}");
    assert_eq!(&r, resource, "unchanged after an error");
}

/// Every preset refuses `body` with `scim_type`, leaving the resource unchanged.
fn refused_everywhere(resource: &Value, rt: &str, body: &Value, scim_type: ScimType) {
    for preset in Preset::ALL {
        refused_by(
            resource,
            rt,
            body,
            &PatchOptions::preset(preset),
            &scim_type,
        );
    }
}

fn one_op(op: &str, path: &str, value: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": op, "path": path, "value": value}]})
}

/// Regression (tester report F1): create_on_filter_miss fabricated group members from a
/// filter that matched none: `replace members[value eq "zzz"].value` = "yyy" added member
/// yyy (not even the filtered value), `.display` on `members[value eq "nope"]` added member
/// nope. RFC 7644 §3.5.2.3: a valuePath that matches nothing is `noTarget`; the switch does
/// not apply to values that refer to other resources (members are added by naming them),
/// nor to a value selected by its own `value` (`add members[value eq "qqq"]` included).
#[test]
fn create_on_filter_miss_never_creates_a_member() {
    let g = group(&["ua"]);
    for (op, path, value) in [
        ("replace", r#"members[value eq "zzz"].value"#, json!("yyy")),
        ("replace", r#"members[value eq "nope"].display"#, json!("x")),
        ("add", r#"members[value eq "qqq"]"#, json!({"display": "Q"})),
        ("add", r#"members[value eq "qqq"].display"#, json!("Q")),
        ("replace", r#"members[type eq "User"].value"#, json!("u9")),
    ] {
        refused_everywhere(&g, "Group", &one_op(op, path, value), ScimType::NoTarget);
    }
}

/// Regression (tester report F1): the element create_on_filter_miss builds must be the one the
/// filter describes. A filter on `value` selects an existing value, never a slot to fill
/// (`emails[value eq "b@x"].primary`); a write that contradicts the filter's `eq` term
/// (`emails[type eq "home"].type` = "other") would create a value the filter does not match.
/// Both are `noTarget` (RFC 7644 §3.5.2.3) in every preset.
#[test]
fn create_on_filter_miss_creates_only_what_the_filter_describes() {
    let u = user();
    for (op, path, value) in [
        (
            "add",
            r#"emails[value eq "b@x.example"].primary"#,
            json!(true),
        ),
        (
            "replace",
            r#"emails[value eq "b@x.example"]"#,
            json!({"type": "home"}),
        ),
        (
            "add",
            r#"emails[type eq "home" and value eq "b@x.example"].display"#,
            json!("B"),
        ),
        ("add", r#"emails[type eq "home"].type"#, json!("other")),
        (
            "add",
            r#"emails[type eq "home"]"#,
            json!({"type": "other", "value": "h@x.example"}),
        ),
    ] {
        refused_everywhere(&u, "User", &one_op(op, path, value), ScimType::NoTarget);
    }
    // Repeating the filter's own value (per caseExact) is no contradiction.
    let body = one_op(
        "add",
        r#"emails[type eq "home"]"#,
        json!({"type": "Home", "value": "h@x.example"}),
    );
    let mut r = u.clone();
    run_with(
        &mut r,
        "User",
        &body,
        &PatchOptions::preset(Preset::Lenient),
    )
    .unwrap();
    assert_eq!(
        r["emails"][1],
        json!({"type": "Home", "value": "h@x.example"})
    );
}

/// Entra's create-on-absent shapes (shared case 11, the `entra-add-work-email-creates-entry`
/// scenario) still create the typed slot under the presets with the switch.
#[test]
fn create_on_filter_miss_keeps_entra_typed_slots() {
    let mut u = user();
    u.as_object_mut().unwrap().remove("emails");
    u.as_object_mut().unwrap().remove("phoneNumbers");
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
        {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "ada@work.example"},
        {"op": "replace", "path": "addresses[type eq \"work\"].streetAddress", "value": "1 Main St"},
        {"op": "replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+1 555 0101"},
        {"op": "add", "path": "roles[primary eq true].value", "value": "Admin"}]});
    for preset in [Preset::Entra, Preset::EntraLegacy, Preset::Lenient] {
        let mut r = u.clone();
        run_with(&mut r, "User", &body, &PatchOptions::preset(preset))
            .unwrap_or_else(|e| panic!("{preset}: {e}"));
        assert_eq!(
            r["emails"],
            json!([{"type": "work", "value": "ada@work.example"}])
        );
        assert_eq!(
            r["addresses"],
            json!([{"type": "work", "streetAddress": "1 Main St"}])
        );
        assert_eq!(
            r["phoneNumbers"],
            json!([{"type": "mobile", "value": "+1 555 0101"}])
        );
        assert_eq!(r["roles"], json!([{"value": "Admin"}]));
    }
}

/// clear_with_empty: `replace manager ""` and `""` per path.
#[test]
fn switch_clear_with_empty() {
    let b = body("entra-manager-clear-empty-string.json", 0);
    let with = strict_with(|o| o.clear_with_empty = true);
    let r = switch_test(
        &user(),
        "User",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::InvalidValue,
    );
    assert!(r[ENTERPRISE].get("manager").is_none());
    assert_eq!(r[ENTERPRISE]["department"], json!("Research"));

    let b = body("entra-validator-clear-empty-string-per-path.json", 0);
    let mut r = user();
    run_with(&mut r, "User", &b, &with).unwrap();
    for gone in ["displayName", "title"] {
        assert!(r.get(gone).is_none(), "{gone} cleared");
    }
    assert_eq!(r["name"], json!({"familyName": "Example"}));
    assert_eq!(r["phoneNumbers"], json!([{"type": "mobile"}]));
    assert_eq!(r[ENTERPRISE]["employeeNumber"], json!("1001"));
    assert!(r[ENTERPRISE].get("department").is_none());
    assert_eq!(r["nickName"], json!("Addie"));
    // Without the switch the strings are stored as "" (strings may be empty), never refused.
    let mut s = user();
    run_with(&mut s, "User", &b, &strict_with(|_| {})).unwrap();
    assert_eq!(s["displayName"], json!(""));
}

/// empty_operations_noop: `"Operations": []`.
#[test]
fn switch_empty_operations_noop() {
    let b = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": []});
    let with = strict_with(|o| o.empty_operations_noop = true);
    let r = switch_test(
        &user(),
        "User",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::InvalidSyntax,
    );
    assert_eq!(r, user());
}

/// pathless_own_id: Okta's group rename `{"id": gid, "displayName": ...}`.
#[test]
fn switch_pathless_own_id() {
    let b = body("okta-group-rename-pathless-with-id.json", 0);
    let with = strict_with(|o| o.pathless_own_id = true);
    let r = switch_test(
        &group(&["ua"]),
        "Group",
        &b,
        &with,
        &strict_with(|_| {}),
        ScimType::Mutability,
    );
    assert_eq!(r["displayName"], json!("Example Engineers o15 r1 renamed"));
    assert_eq!(member_ids(&r), ["ua"]);
    // A different id is refused even with the switch.
    let other = substitute(&b, &[("g1", "g2")]);
    let mut other_body = other.clone();
    other_body["Operations"][0]["value"]["id"] = json!("g2");
    let mut g = group(&["ua"]);
    let err = run_with(&mut g, "Group", &other_body, &with).unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
}

/// Every scenario's PATCH under `lenient`, checked like the scenario's read-back.
#[test]
fn idp_scenarios_replay_under_lenient() {
    let lenient = PatchOptions::default();
    let mut g = group(&[]);
    run_with(
        &mut g,
        "Group",
        &body("entra-add-members-multi-op.json", 0),
        &lenient,
    )
    .unwrap();
    assert_eq!(member_ids(&g), ["ua", "ub", "uc"]);

    let mut g = group(&["ua"]);
    for _ in 0..2 {
        run_with(
            &mut g,
            "Group",
            &body("entra-legacy-add-member-ref-null-idempotent.json", 0),
            &lenient,
        )
        .unwrap();
    }
    assert_eq!(member_ids(&g), ["ua", "ub"]);

    let mut g = group(&["ua", "ub"]);
    run_with(
        &mut g,
        "Group",
        &body("entra-remove-member-filter-path.json", 0),
        &lenient,
    )
    .unwrap();
    assert_eq!(member_ids(&g), ["ua"]);

    let mut g = group(&["ua", "ub"]);
    run_with(
        &mut g,
        "Group",
        &body("okta-replace-members-empty-list.json", 0),
        &lenient,
    )
    .unwrap();
    assert!(g.get("members").is_none());
    assert_eq!(g["displayName"], json!("Example Engineers"));

    let mut g = group(&[]);
    run_with(
        &mut g,
        "Group",
        &body("onelogin-add-member-lowercase-empty-group.json", 0),
        &lenient,
    )
    .unwrap();
    run_with(
        &mut g,
        "Group",
        &body("onelogin-add-member-lowercase-empty-group.json", 1),
        &lenient,
    )
    .unwrap();
    assert_eq!(member_ids(&g), ["ua", "ub"]);

    let mut u = user();
    run_with(
        &mut u,
        "User",
        &body("okta-pathless-deactivate.json", 0),
        &lenient,
    )
    .unwrap();
    let mut expected = user();
    expected["active"] = json!(false);
    assert_eq!(u, expected, "only active changes");

    let mut g = group(&[]);
    run_with(
        &mut g,
        "Group",
        &body("entra-inactive-user-stays-visible.json", 0),
        &lenient,
    )
    .unwrap();
    let mut u = user();
    run_with(
        &mut u,
        "User",
        &body("entra-inactive-user-stays-visible.json", 1),
        &lenient,
    )
    .unwrap();
    assert_eq!(
        (member_ids(&g), u["active"].clone()),
        (vec!["u1".to_owned()], json!(false))
    );
}
