//! Member changes go through an index of the requested values with a fingerprint prefilter,
//! and consecutive `remove members[value eq "..."]` operations are applied in one pass
//! (RFC 7644 §3.5.2.1, §3.5.2.2). These tests hold the results to a naive model that compares
//! every stored member with every requested one, on ids chosen to collide: ASCII case
//! variants (`members.value` is caseExact false, RFC 7643 §8.7.1), ids that differ only in
//! their middle bytes, short ids, and non-ASCII ids whose lowercase forms meet ASCII ones
//! (U+212A KELVIN SIGN lowercases to `k`).

mod common;

use common::{member_ids, run};
use proptest::prelude::*;
use scimkit_patch::Preset;
use scimkit_schema::ScimType;
use serde_json::{Value, json};

/// Ids drawn from here collide in every way the index must get right.
const IDS: &[&str] = &[
    "k",
    "K",
    "\u{212A}",
    "user-000001@example.com",
    "USER-000001@EXAMPLE.COM",
    "user-000002@example.com",
    "user-100001@example.com",
    "2819c223-7f76-453a-919d-000000000997",
    "2819C223-7F76-453A-919D-000000000997",
    "2819c223-7f76-453a-919d-000000000998",
    "abcdefgh",
    "ABCDEFGH",
    "abcdefg",
    "İd",
    "i̇d",
    "Ünïcödé-member",
    "ünïcödé-MEMBER",
];

/// Same member per RFC 7643 §8.7.1 (caseExact false), by Unicode lowercase mapping.
fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn group(members: &[usize]) -> Value {
    let mut stored: Vec<&str> = Vec::new();
    for &m in members {
        if !stored.iter().any(|s| same(s, IDS[m])) {
            stored.push(IDS[m]);
        }
    }
    let members: Vec<Value> = stored
        .iter()
        .map(|id| json!({"value": id, "display": format!("member {id}")}))
        .collect();
    let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1", "displayName": "Staff"});
    if !members.is_empty() {
        g["members"] = Value::Array(members);
    }
    g
}

#[derive(Clone, Debug)]
enum Change {
    Add(Vec<usize>),
    RemoveList(Vec<usize>),
    RemoveFilter(Vec<usize>),
    /// One `remove members[value eq "..."]` operation per id.
    RemoveOneByOne(Vec<usize>),
}

fn quote(id: &str) -> String {
    serde_json::to_string(id).unwrap()
}

fn operations(change: &Change) -> Vec<Value> {
    let values =
        |ids: &[usize]| -> Vec<Value> { ids.iter().map(|&i| json!({"value": IDS[i]})).collect() };
    match change {
        Change::Add(ids) => vec![json!({"op": "add", "path": "members", "value": values(ids)})],
        Change::RemoveList(ids) => {
            vec![json!({"op": "Remove", "path": "members", "value": values(ids)})]
        }
        Change::RemoveFilter(ids) => {
            let terms: Vec<String> = ids
                .iter()
                .map(|&i| format!("value eq {}", quote(IDS[i])))
                .collect();
            vec![json!({"op": "remove", "path": format!("members[{}]", terms.join(" or "))})]
        }
        Change::RemoveOneByOne(ids) => ids
            .iter()
            .map(|&i| json!({"op": "remove", "path": format!("members[value eq {}]", quote(IDS[i]))}))
            .collect(),
    }
}

/// The naive model: every stored member against every requested id.
fn model(stored: &mut Vec<String>, change: &Change) {
    match change {
        Change::Add(ids) => {
            for &i in ids {
                if !stored.iter().any(|s| same(s, IDS[i])) {
                    stored.push(IDS[i].to_owned());
                }
            }
        }
        Change::RemoveList(ids) | Change::RemoveFilter(ids) | Change::RemoveOneByOne(ids) => {
            stored.retain(|s| !ids.iter().any(|&i| same(s, IDS[i])))
        }
    }
}

fn change_strategy() -> impl Strategy<Value = Change> {
    let ids = || prop::collection::vec(0..IDS.len(), 1..6);
    prop_oneof![
        ids().prop_map(Change::Add),
        ids().prop_map(Change::RemoveList),
        ids().prop_map(Change::RemoveFilter),
        ids().prop_map(Change::RemoveOneByOne),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the ids, the engine keeps, adds and removes exactly the members the naive
    /// model does, in the same order.
    #[test]
    fn member_changes_agree_with_the_naive_model(
        members in prop::collection::vec(0..IDS.len(), 0..12),
        changes in prop::collection::vec(change_strategy(), 1..4),
    ) {
        let mut g = group(&members);
        let mut expected = member_ids(&g);
        let mut ops = Vec::new();
        for change in &changes {
            ops.extend(operations(change));
            model(&mut expected, change);
        }
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops});
        run(&mut g, "Group", &body, Preset::Lenient).unwrap();
        prop_assert_eq!(member_ids(&g), expected);
    }
}

fn body(ops: Value) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
}

/// RFC 7644 §3.5.2.2 on a run of filter removals (applied in one pass): the outcome lists
/// exactly the removed members, as stored.
#[test]
fn a_run_of_filter_removals_reports_each_removed_member() {
    let mut g = group(&[3, 5, 7, 9, 0]);
    let outcome = run(
        &mut g,
        "Group",
        &body(json!([
            {"op": "remove", "path": "members[value eq \"USER-000001@example.com\"]"},
            {"op": "remove", "path": "members[value eq \"not-a-member\"]"},
            {"op": "remove", "path": "members[value eq \"\u{212A}\"]"}
        ])),
        Preset::Entra,
    )
    .unwrap();
    assert_eq!(
        member_ids(&g),
        [
            "user-000002@example.com",
            "2819c223-7f76-453a-919d-000000000997",
            "2819c223-7f76-453a-919d-000000000998"
        ]
    );
    let removed: Vec<&str> = outcome
        .change("members")
        .unwrap()
        .removed
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["user-000001@example.com", "k"]);
}

/// Applies `ops` to a group of the members `IDS[i]` for `members`, expects a refusal, checks
/// that the group is exactly as before (RFC 7644 §3.5.2 atomicity), and returns the error.
fn refused(members: &[usize], ops: Value, preset: Preset) -> scimkit_schema::ScimError {
    let mut g = group(members);
    let before = g.clone();
    let err = run(&mut g, "Group", &body(ops), preset).unwrap_err();
    assert_eq!(g, before);
    err
}

/// Atomicity across a run applied in one pass: a later operation fails, the removed members
/// are back in place, and the error names the failing operation.
#[test]
fn a_failure_after_a_run_of_removals_restores_every_member() {
    let err = refused(
        &[3, 5, 7, 9, 0],
        json!([
            {"op": "remove", "path": "members[value eq \"user-000001@example.com\"]"},
            {"op": "remove", "path": "members[value eq \"k\"]"},
            {"op": "remove", "path": "members[value eq \"user-000002@example.com\"]"},
            {"op": "remove", "path": "displayName"}
        ]),
        Preset::Entra,
    );
    assert_eq!(err.scim_type, Some(ScimType::Mutability));
    assert!(
        err.detail.as_deref().unwrap().starts_with("Operations[3]"),
        "{err:?}"
    );
}

/// The strict preset refuses `"Remove"` (RFC 7644 §3.5.2 spells it `remove`) even inside a
/// run of removals that would otherwise be applied in one pass, naming that operation.
#[test]
fn a_refused_spelling_inside_a_run_is_reported_at_its_index() {
    let err = refused(
        &[3, 5, 7],
        json!([
            {"op": "remove", "path": "members[value eq \"user-000001@example.com\"]"},
            {"op": "remove", "path": "members[value eq \"user-000002@example.com\"]"},
            {"op": "Remove", "path": "members[value eq \"2819c223-7f76-453a-919d-000000000997\"]"}
        ]),
        Preset::Strict,
    );
    assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax));
    assert!(
        err.detail.as_deref().unwrap().starts_with("Operations[2]"),
        "{err:?}"
    );
}

/// Groups of more than 32,768 members are searched in parts on several threads (when the
/// machine has more than one core): the result is the one of a single pass, with members
/// named in every part, case variants (RFC 7643 §8.7.1) and a value requested twice.
#[test]
fn big_groups_searched_in_parts_give_the_single_pass_result() {
    let n = 70_000;
    let members: Vec<Value> = (0..n)
        .map(|i| json!({"value": format!("m{i:05}"), "display": format!("Member {i}")}))
        .collect();
    let mut g = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1", "displayName": "Everyone", "members": members});
    let add = body(json!([{"op": "add", "path": "members", "value": [
        {"value": "m00000"}, {"value": "M69999"}, {"value": "new-1"}, {"value": "NEW-1"},
        {"value": "m35000"}, {"value": "new-2"}]}]));
    run(&mut g, "Group", &add, Preset::Lenient).unwrap();
    let ids = member_ids(&g);
    assert_eq!(ids.len(), n + 2, "only new-1 and new-2 are new");
    assert_eq!(&ids[n..], ["new-1", "new-2"]);
    let remove = body(json!([
        {"op": "Remove", "path": "members", "value": [
            {"value": "M00005"}, {"value": "m34999"}, {"value": "m35000"}, {"value": "new-2"}]},
        {"op": "remove", "path": "members[value eq \"m69999\"]"},
        {"op": "remove", "path": "members[value eq \"m69998\"]"}]));
    run(&mut g, "Group", &remove, Preset::Lenient).unwrap();
    let after = member_ids(&g);
    let mut expected: Vec<String> = ids;
    expected.retain(|id| {
        !["m00005", "m34999", "m35000", "new-2", "m69999", "m69998"].contains(&id.as_str())
    });
    assert_eq!(after, expected);
    assert_eq!(after.len(), n + 2 - 6);
}
