//! Deriving provisioning events from what a write changed.

use std::collections::HashSet;

use serde_json::Value;

use crate::events::{Change, Event};
use crate::store::MembershipDelta;
use crate::tenant::RequestContext;

fn event(ctx: &RequestContext, resource_type: &str, id: &str, change: Change) -> Event {
    Event {
        tenant: ctx.tenant_id().to_owned(),
        resource_type: resource_type.to_owned(),
        id: id.to_owned(),
        change,
    }
}

pub(crate) fn created(ctx: &RequestContext, resource_type: &str, id: &str) -> Vec<Event> {
    vec![event(ctx, resource_type, id, Change::Created)]
}

pub(crate) fn deleted(ctx: &RequestContext, resource_type: &str, id: &str) -> Vec<Event> {
    vec![event(ctx, resource_type, id, Change::Deleted)]
}

fn member_ids(resource: &Value) -> Vec<String> {
    resource
        .get("members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|m| m.get("value").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn is_active(resource: &Value) -> bool {
    resource
        .get("active")
        .and_then(Value::as_bool)
        .unwrap_or(true)
}

/// The events of an update from `before` to `after` (both as stored, `meta` ignored).
pub(crate) fn updated(
    ctx: &RequestContext,
    resource_type: &str,
    id: &str,
    before: &Value,
    after: &Value,
) -> Vec<Event> {
    let mut changes = Vec::new();
    let mut specific: Vec<&str> = vec!["meta"];
    if resource_type == "User" {
        specific.push("active");
        match (is_active(before), is_active(after)) {
            (true, false) => changes.push(Change::Deactivated),
            (false, true) => changes.push(Change::Reactivated),
            _ => {}
        }
    }
    if resource_type == "Group" {
        specific.extend(["displayName", "members"]);
        let name = |r: &Value| {
            r.get("displayName")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if name(before) != name(after) {
            changes.push(Change::Renamed {
                from: name(before),
                to: name(after),
            });
        }
        let old = member_ids(before);
        let new = member_ids(after);
        let delta = diff(&old, &new);
        push_membership(&mut changes, delta);
    }
    let rest_changed = |r: &Value| -> Vec<(String, Value)> {
        r.as_object()
            .map(|o| {
                o.iter()
                    .filter(|(k, _)| !specific.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut a, mut b) = (rest_changed(before), rest_changed(after));
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    if a != b {
        changes.insert(0, Change::Updated);
    }
    changes
        .into_iter()
        .map(|c| event(ctx, resource_type, id, c))
        .collect()
}

/// The events of a membership change a store made natively.
pub(crate) fn membership(
    ctx: &RequestContext,
    resource_type: &str,
    id: &str,
    delta: MembershipDelta,
) -> Vec<Event> {
    let mut changes = Vec::new();
    push_membership(&mut changes, delta);
    changes
        .into_iter()
        .map(|c| event(ctx, resource_type, id, c))
        .collect()
}

fn push_membership(changes: &mut Vec<Change>, delta: MembershipDelta) {
    if !delta.added.is_empty() {
        changes.push(Change::MembersAdded(delta.added));
    }
    if !delta.removed.is_empty() {
        changes.push(Change::MembersRemoved(delta.removed));
    }
}

fn diff(old: &[String], new: &[String]) -> MembershipDelta {
    let old_set: HashSet<&String> = old.iter().collect();
    let new_set: HashSet<&String> = new.iter().collect();
    MembershipDelta {
        added: new
            .iter()
            .filter(|m| !old_set.contains(m))
            .cloned()
            .collect(),
        removed: old
            .iter()
            .filter(|m| !new_set.contains(m))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_and_group_changes() {
        let ctx = RequestContext::for_tenant("t");
        let kinds = |events: Vec<Event>| events.into_iter().map(|e| e.change).collect::<Vec<_>>();
        let before = json!({"userName": "a", "active": true, "meta": {"version": "1"}});
        let after = json!({"userName": "a", "active": false, "meta": {"version": "2"}});
        assert_eq!(
            kinds(updated(&ctx, "User", "u", &before, &after)),
            [Change::Deactivated]
        );
        assert_eq!(
            kinds(updated(&ctx, "User", "u", &after, &before)),
            [Change::Reactivated]
        );
        let renamed = json!({"userName": "b", "active": true});
        assert_eq!(
            kinds(updated(&ctx, "User", "u", &before, &renamed)),
            [Change::Updated]
        );
        let g1 = json!({"displayName": "A", "members": [{"value": "1"}, {"value": "2"}]});
        let g2 = json!({"displayName": "B", "members": [{"value": "2"}, {"value": "3"}]});
        assert_eq!(
            kinds(updated(&ctx, "Group", "g", &g1, &g2)),
            [
                Change::Renamed {
                    from: Some("A".into()),
                    to: Some("B".into())
                },
                Change::MembersAdded(vec!["3".into()]),
                Change::MembersRemoved(vec!["1".into()]),
            ]
        );
    }
}
