//! The safety invariant, in every preset: a request that names specific members (a filter or
//! a `value` list) never removes any member it does not name. Either the named members leave
//! (and only they), or the request is refused with the group unchanged.

mod common;

use common::{member_ids, run};
use scimkit_patch::Preset;
use serde_json::{Value, json};

fn group() -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1",
        "displayName": "Staff",
        "members": [{"value": "u1", "display": "Ada"}, {"value": "u2", "type": "User"},
                    {"value": "U3"}, {"value": "u4", "$ref": "https://example.com/v2/Users/u4"}]})
}

fn op(op: &str, path: &str, value: Option<Value>) -> Value {
    let mut o = json!({"op": op, "path": path});
    if let Some(v) = value {
        o["value"] = v;
    }
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [o]})
}

#[test]
fn naming_members_never_removes_others() {
    // (request, the member ids it names)
    let requests: Vec<(Value, Vec<&str>)> = vec![
        (
            op("remove", "members", Some(json!([{"value": "u2"}]))),
            vec!["u2"],
        ),
        (
            op(
                "Remove",
                "members",
                Some(json!([{"$ref": null, "value": "u2"}])),
            ),
            vec!["u2"],
        ),
        (
            op(
                "remove",
                "members",
                Some(json!([{"value": "u2", "display": "Someone Else"}])),
            ),
            vec!["u2"],
        ),
        (op("remove", "members", Some(json!([]))), vec![]),
        (
            op("remove", "members", Some(json!([{"value": "nobody"}]))),
            vec![],
        ),
        (
            op("remove", "members", Some(json!({"value": "u1"}))),
            vec!["u1"],
        ),
        (
            op("remove", "members", Some(json!([{"display": "Ada"}]))),
            vec![],
        ),
        (op("remove", "members", Some(json!(["u1"]))), vec![]),
        (op("remove", "members", Some(json!("u1"))), vec![]),
        (op("remove", "members[value eq \"u2\"]", None), vec!["u2"]),
        (op("remove", "members[value eq \"u3\"]", None), vec!["U3"]),
        (
            op(
                "remove",
                "members[value eq \"u1\" or value eq \"u4\"]",
                None,
            ),
            vec!["u1", "u4"],
        ),
        (op("remove", "members[value eq \"nobody\"]", None), vec![]),
        (
            op("remove", "members[display eq \"Ada\"]", None),
            vec!["u1"],
        ),
        (
            op("remove", "members[value eq \"u2\"].display", None),
            vec![],
        ),
        (
            op(
                "remove",
                "members[value eq \"u2\"]",
                Some(json!([{"value": "u1"}])),
            ),
            vec!["u2"],
        ),
        (
            op(
                "replace",
                "members[value eq \"nobody\"]",
                Some(json!({"value": "x"})),
            ),
            vec![],
        ),
    ];
    for preset in Preset::ALL {
        for (request, named) in &requests {
            let before = group();
            let mut g = before.clone();
            let result = run(&mut g, "Group", request, preset);
            let left: Vec<String> = member_ids(&before)
                .into_iter()
                .filter(|id| !member_ids(&g).contains(id))
                .collect();
            for id in &left {
                assert!(
                    named.contains(&id.as_str()),
                    "{preset}: {request} removed {id}, which it does not name"
                );
            }
            if result.is_err() {
                assert_eq!(
                    g, before,
                    "{preset}: refused request left the group unchanged"
                );
            }
        }
    }
}
