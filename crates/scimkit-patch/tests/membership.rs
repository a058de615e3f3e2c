//! `plan_membership` gives a store native membership changes; applying them (with a simple
//! reference implementation here) plus `apply_rest` must give exactly what `apply` gives.

mod common;

use common::{patch, registry};
use scimkit_patch::{MemberChange, PatchOptions, Preset, apply, plan_membership};
use scimkit_schema::ScimType;
use serde_json::{Value, json};

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
        "displayName": "Staff",
        "members": [{"value": "u1", "display": "Ada"}, {"value": "u2"}, {"value": "u3"}]})
}

fn ops(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

/// What a store does with the changes, written independently of the engine.
fn apply_changes(members: &mut Vec<Value>, changes: &[MemberChange], case_exact: bool) {
    let same = |a: &Value, b: &Value| match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) if !case_exact => a.eq_ignore_ascii_case(b),
        _ => a == b,
    };
    for change in changes {
        match change {
            MemberChange::Add(values) => {
                for v in values {
                    if !members.iter().any(|m| same(&m["value"], &v["value"])) {
                        members.push(v.clone());
                    }
                }
            }
            MemberChange::Remove(ids) => {
                members.retain(|m| !ids.iter().any(|id| same(&m["value"], id)))
            }
            MemberChange::RemoveWhere { matcher, .. } => members.retain(|m| !matcher.matches(m)),
            MemberChange::Replace(values) => *members = values.clone(),
            MemberChange::Clear => members.clear(),
        }
    }
}

fn requests() -> Vec<Value> {
    vec![
        ops(
            json!([{"op": "Add", "path": "members", "value": [{"value": "u4"}, {"value": "u1"}, {"value": "u4"}]}]),
        ),
        ops(json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "U2"}]}])),
        ops(json!([{"op": "remove", "path": "members[value eq \"u3\"]"}])),
        ops(json!([{"op": "remove", "path": "members[display eq \"Ada\"]"}])),
        ops(json!([{"op": "remove", "path": "members[value eq \"u1\" or value eq \"u2\"]"}])),
        ops(
            json!([{"op": "replace", "path": "members", "value": [{"value": "u2"}, {"value": "u9"}]}]),
        ),
        ops(json!([{"op": "replace", "path": "members", "value": []}])),
        ops(
            json!([{"op": "remove", "path": "members"}, {"op": "add", "path": "members", "value": [{"value": "u7"}]}]),
        ),
        ops(
            json!([{"op": "replace", "value": {"id": "g1", "displayName": "Staff 2", "members": [{"value": "u5"}]}}]),
        ),
        ops(json!([{"op": "add", "value": {"members": [{"value": "u6"}]}}])),
        ops(
            json!([{"op": "replace", "value": {"displayName": "Renamed"}},
                   {"op": "add", "path": "members", "value": {"value": "u8", "display": "Eve"}},
                   {"op": "remove", "path": "members[value eq \"u1\"]"}]),
        ),
        ops(
            json!([{"op": "add", "path": "members", "value": [{"value": "u1"}]}, {"op": "remove", "path": "members[value eq \"u1\"]"}]),
        ),
    ]
}

#[test]
fn native_changes_give_what_apply_gives() {
    let registry = registry();
    let groups = registry.resource_type("Group").unwrap();
    let options = PatchOptions::default();
    for body in requests() {
        let p = patch(&body);
        let mut expected = group();
        apply(&mut expected, &p, &registry, groups, &options).unwrap();

        let plan = plan_membership(&p, &registry, groups, "members", &options)
            .unwrap()
            .unwrap_or_else(|| panic!("{body}: native"));
        let mut stored = group();
        let mut members: Vec<Value> = stored
            .as_object_mut()
            .unwrap()
            .shift_remove("members")
            .and_then(|m| m.as_array().cloned())
            .unwrap_or_default();
        apply_changes(&mut members, &plan.changes, plan.case_exact);
        plan.apply_rest(&mut stored, &registry, groups, &options)
            .unwrap();
        if !members.is_empty() {
            stored["members"] = Value::Array(members);
        }
        assert_eq!(stored, expected, "{body}");
    }
}

#[test]
fn plans_report_the_errors_apply_reports() {
    let registry = registry();
    let groups = registry.resource_type("Group").unwrap();
    let cases = [
        (
            ops(json!([{"op": "Remove", "path": "members", "value": [{"value": "u1"}]}])),
            Preset::Okta,
            ScimType::InvalidValue,
        ),
        (
            ops(json!([{"op": "Add", "path": "members", "value": [{"value": "u1"}]}])),
            Preset::Strict,
            ScimType::InvalidSyntax,
        ),
        (
            ops(json!([{"op": "add", "path": "members", "value": [{"value": 5}]}])),
            Preset::Lenient,
            ScimType::InvalidValue,
        ),
        (
            ops(json!([{"op": "remove", "path": "members[value eq 5]"}])),
            Preset::Lenient,
            ScimType::InvalidFilter,
        ),
        (
            ops(json!([{"op": "add", "path": "members.value", "value": "u1"}])),
            Preset::Lenient,
            ScimType::InvalidPath,
        ),
        // Tester report F3: a member without `value` (RFC 7643 §4.2).
        (
            ops(json!([{"op": "add", "path": "members", "value": [{"display": "x"}]}])),
            Preset::Strict,
            ScimType::InvalidValue,
        ),
        (
            ops(
                json!([{"op": "replace", "path": "members", "value": [{"value": "u1"}, {"value": ""}]}]),
            ),
            Preset::Lenient,
            ScimType::InvalidValue,
        ),
    ];
    for (body, preset, scim_type) in cases {
        let options = PatchOptions::preset(preset);
        let p = patch(&body);
        let mut g = group();
        let from_apply = apply(&mut g, &p, &registry, groups, &options).unwrap_err();
        let from_plan = plan_membership(&p, &registry, groups, "members", &options).unwrap_err();
        assert_eq!(
            from_apply.scim_type,
            Some(scim_type),
            "{body}: {from_apply}"
        );
        assert_eq!(from_plan, from_apply, "{body}");
    }
}

#[test]
fn requests_that_need_the_stored_values_fall_back() {
    let registry = registry();
    let groups = registry.resource_type("Group").unwrap();
    for body in [
        ops(
            json!([{"op": "replace", "path": "members[value eq \"u1\"]", "value": {"value": "u1"}}]),
        ),
        // A path-less key that is a filtered path into members (lenient applies it as a path).
        ops(
            json!([{"op": "add", "value": {"displayName": "S", "members[value eq \"u2\"].display": "Bo"}}]),
        ),
    ] {
        let plan = plan_membership(
            &patch(&body),
            &registry,
            groups,
            "members",
            &PatchOptions::default(),
        );
        assert!(plan.unwrap().is_none(), "{body}");
    }
}
