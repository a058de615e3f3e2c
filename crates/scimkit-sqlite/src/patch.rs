//! PATCH (RFC 7644 §3.5.2) in one write transaction, with group membership changed row by
//! row.
//!
//! A request that changes nothing but the membership attribute (Group `members`: Entra's and
//! Okta's member adds and removes, in every dialect [`scimkit_patch::plan_membership`]
//! understands) is applied to the `members` table directly: adding or removing k members of
//! a 100,000-member group reads and writes k rows plus the group's own row. The plan is
//! made with the PATCH options of the tenant's preset (`Tenant::patch_options`), the ones
//! the service applies PATCH with. The service's [`ApplyPatch`](scimkit_provision::ApplyPatch)
//! still judges the request first: it runs on the group holding only the members the request
//! names (k rows), so its validation and policies refuse what they refuse; its result is
//! not stored. A policy that needs every member of the group to decide sees only those.
//! The outcome is the group read back with all its members, unless the request's
//! [`hint`](scimkit_provision::PatchRequest::hint) omits them (`excludedAttributes=members`,
//! or a tenant that answers PATCH with 204): then no other member row is read at all.
//! Every other request (other attributes too, filters the plan cannot express, irregular
//! stored groups) runs the service's [`ApplyPatch`](scimkit_provision::ApplyPatch) on the
//! whole resource and writes the result back, in the same kind of transaction.

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;
use scimkit_patch::{MemberChange, MembershipPlan, plan_membership};
use scimkit_provision::{
    MembershipDelta, PatchOutcome, PatchRequest, RequestContext, StoreError, Version, now_timestamp,
};
use scimkit_schema::ResourceType;
use serde_json::{Map, Value};

use crate::cached;
use crate::layout::{Layout, MemberAttr};
use crate::members;
use crate::store::{SqliteStore, StoredRow, parse_body};

/// What a native change did to the rows.
#[derive(Default)]
struct Applied {
    delta: MembershipDelta,
    touched: bool,
}

impl SqliteStore {
    /// Reads the resource, applies the PATCH and writes the result back, all inside one
    /// `BEGIN IMMEDIATE` transaction: no other writer can get in between, so the version
    /// check cannot fail after the read and no retry is ever needed.
    pub(crate) async fn patch_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        request: &PatchRequest<'_>,
    ) -> Result<PatchOutcome, StoreError> {
        let layout = self.layout(resource_type);
        let plan = layout.members.as_ref().and_then(|attr| {
            plan_membership(
                request.patch,
                &self.registry,
                resource_type,
                &attr.name,
                &ctx.tenant.patch_options(),
            )
            .ok()
            .flatten()
            .filter(|plan| plan.only_membership() && natively_applicable(plan))
        });
        self.write(|conn| {
            let row = Self::find(conn, ctx, resource_type, id)?;
            row.check(request.expected)?;
            match (&layout.members, plan) {
                (Some(attr), Some(plan))
                    if row.regular && placeholder_or_absent(&row.body, attr) =>
                {
                    self.patch_natively(conn, &layout, attr, &row, &plan, request)
                }
                _ => self.patch_whole(conn, ctx, resource_type, &layout, &row, id, request),
            }
        })
        .await
    }

    /// The service's [`ApplyPatch`](scimkit_provision::ApplyPatch) on the whole resource.
    /// It reads every member anyway and returns `before`, so the outcome is complete
    /// whatever `request.hint` says (the service derives events from the pair).
    #[allow(clippy::too_many_arguments)]
    fn patch_whole(
        &self,
        conn: &Connection,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        layout: &Layout,
        row: &StoredRow,
        id: &str,
        request: &PatchRequest<'_>,
    ) -> Result<PatchOutcome, StoreError> {
        let current = Self::with_members(conn, layout, row.pk, row.body.clone())?;
        let mut next = current.clone();
        if !request.apply.apply(&mut next)? {
            return Ok(PatchOutcome {
                resource: current.clone(),
                changed: false,
                before: Some(current),
                membership: None,
            });
        }
        let stored = self.write_existing(conn, ctx, resource_type, row, id, next)?;
        Ok(PatchOutcome {
            resource: stored,
            changed: true,
            before: Some(current),
            membership: None,
        })
    }

    /// The plan's changes on the `members` rows, then a new version of the group's row.
    /// The returned group is read back from the rows unless `request.hint` omits the
    /// membership attribute: then no member row beyond the k named ones is read.
    fn patch_natively(
        &self,
        conn: &Connection,
        layout: &Layout,
        attr: &MemberAttr,
        row: &StoredRow,
        plan: &MembershipPlan,
        request: &PatchRequest<'_>,
    ) -> Result<PatchOutcome, StoreError> {
        // The service's PATCH (engine, validation, policy) must accept the request: run it
        // on the group holding only the members the request names, and keep its verdict.
        let mut stand_in = row.body.clone();
        let named = members::load_keys(conn, row.pk, &named_keys(plan, attr))?;
        members::put(&mut stand_in, attr, named);
        request.apply.apply(&mut stand_in)?;
        let mut applied = Applied::default();
        for change in &plan.changes {
            apply_change(conn, row.pk, attr, change, &mut applied)?;
        }
        if !applied.touched {
            let resource = Self::returned(conn, layout, row.pk, row.body.clone(), &request.hint)?;
            return Ok(PatchOutcome {
                resource,
                changed: false,
                before: None,
                membership: Some(applied.delta),
            });
        }
        // One index probe, not a count of every row.
        let remaining: bool = cached::value(
            conn,
            "SELECT EXISTS (SELECT 1 FROM members WHERE resource_pk = ?)",
            [row.pk],
        )?;
        let version = row.version + 1;
        let now = now_timestamp();
        let mut body = row.body.clone();
        set_placeholder(&mut body, attr, remaining);
        if let Some(meta) = body.get_mut("meta").and_then(Value::as_object_mut) {
            meta.insert("lastModified".into(), Value::String(now.clone()));
            meta.insert(
                "version".into(),
                Value::String(Version::new(version.to_string()).etag()),
            );
        }
        cached::execute(
            conn,
            "UPDATE resources SET version = ?, last_modified = ?, body = ? WHERE pk = ?",
            (version, &now, body.to_string(), row.pk),
        )?;
        let resource = Self::returned(conn, layout, row.pk, body, &request.hint)?;
        Ok(PatchOutcome {
            resource,
            changed: true,
            before: None,
            membership: Some(applied.delta),
        })
    }
}

/// The `value` keys of the members a plan adds or removes by value.
fn named_keys(plan: &MembershipPlan, attr: &MemberAttr) -> Vec<String> {
    let mut keys = Vec::new();
    for change in &plan.changes {
        match change {
            MemberChange::Add(values) | MemberChange::Replace(values) => {
                keys.extend(values.iter().filter_map(|v| members::key_of(v, attr)));
            }
            MemberChange::Remove(values) => keys.extend(
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|v| scimkit_provision::normalise_unique(v, attr.case_exact)),
            ),
            MemberChange::RemoveWhere { .. } | MemberChange::Clear => {}
        }
    }
    keys
}

/// Whether every change can be carried out on rows by `value` key: added and removed values
/// carry a string `value` (others compare whole, which the full path handles).
fn natively_applicable(plan: &MembershipPlan) -> bool {
    let keyed = |v: &Value| v.get("value").is_some_and(Value::is_string);
    plan.changes.iter().all(|change| match change {
        MemberChange::Add(values) | MemberChange::Replace(values) => values.iter().all(keyed),
        MemberChange::Remove(values) => values.iter().all(Value::is_string),
        MemberChange::RemoveWhere { .. } | MemberChange::Clear => true,
    })
}

fn placeholder_or_absent(body: &Value, attr: &MemberAttr) -> bool {
    match body.get(&attr.name) {
        None => true,
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Keeps the body's placeholder in step with the rows: present while there are values (added
/// before `meta` when new), absent when none are left (RFC 7643 §2.5: an attribute with no
/// value is unassigned; the PATCH engine removes it from the JSON).
fn set_placeholder(body: &mut Value, attr: &MemberAttr, has_values: bool) {
    let Value::Object(object) = body else { return };
    if !has_values {
        object.shift_remove(&attr.name);
        return;
    }
    if object.contains_key(&attr.name) {
        return;
    }
    let mut rebuilt = Map::with_capacity(object.len() + 1);
    for (key, value) in std::mem::take(object) {
        if key == "meta" {
            rebuilt.insert(attr.name.clone(), Value::Array(Vec::new()));
        }
        rebuilt.insert(key, value);
    }
    rebuilt
        .entry(attr.name.clone())
        .or_insert_with(|| Value::Array(Vec::new()));
    *object = rebuilt;
}

/// The `value` of a member value, as sent.
fn value_of(item: &Value) -> Option<String> {
    item.get("value").and_then(Value::as_str).map(str::to_owned)
}

fn apply_change(
    conn: &Connection,
    pk: i64,
    attr: &MemberAttr,
    change: &MemberChange,
    applied: &mut Applied,
) -> Result<(), StoreError> {
    match change {
        MemberChange::Add(values) => {
            let keys: Vec<String> = values
                .iter()
                .filter_map(|v| members::key_of(v, attr))
                .collect();
            let present: HashSet<String> = members::present_keys(conn, pk, &keys)?
                .into_iter()
                .collect();
            let new: Vec<Value> = values
                .iter()
                .filter(|v| members::key_of(v, attr).is_some_and(|k| !present.contains(&k)))
                .cloned()
                .collect();
            if new.is_empty() {
                return Ok(());
            }
            let next: Option<i64> = cached::value(
                conn,
                "SELECT max(seq) + 1 FROM members WHERE resource_pk = ?",
                [pk],
            )?;
            members::insert(conn, pk, next.unwrap_or(0), &new, attr)?;
            applied.delta.added.extend(new.iter().filter_map(value_of));
            applied.touched = true;
        }
        MemberChange::Remove(values) => {
            let keys: Vec<String> = values
                .iter()
                .filter_map(Value::as_str)
                .map(|v| scimkit_provision::normalise_unique(v, attr.case_exact))
                .collect();
            let removed = members::delete_keys(conn, pk, &keys)?;
            record_removed(applied, &removed)?;
        }
        MemberChange::RemoveWhere { matcher, .. } => {
            let mut seqs = Vec::new();
            let mut removed = Vec::new();
            for (seq, item) in members::rows(conn, pk)? {
                if matcher.matches(&parse_body(&item)?) {
                    seqs.push(seq);
                    removed.push(item);
                }
            }
            members::delete_seqs(conn, pk, &seqs)?;
            record_removed(applied, &removed)?;
        }
        MemberChange::Replace(values) => {
            let old_items = members::rows(conn, pk)?
                .iter()
                .map(|(_, text)| parse_body(text))
                .collect::<Result<Vec<_>, _>>()?;
            let key = |v: &Value| members::key_of(v, attr);
            if same_in_any_order(&old_items, values, key) {
                return Ok(());
            }
            let old_keys: HashSet<Option<String>> = old_items.iter().map(key).collect();
            let new_keys: HashSet<Option<String>> = values.iter().map(key).collect();
            applied.delta.added.extend(
                values
                    .iter()
                    .filter(|v| !old_keys.contains(&key(v)))
                    .filter_map(value_of),
            );
            applied.delta.removed.extend(
                old_items
                    .iter()
                    .filter(|v| !new_keys.contains(&key(v)))
                    .filter_map(value_of),
            );
            members::sync(conn, pk, values, attr)?;
            applied.touched = true;
        }
        MemberChange::Clear => {
            let removed = members::clear(conn, pk)?;
            record_removed(applied, &removed)?;
        }
    }
    Ok(())
}

/// Whether `new` holds the same members as `old`, each with the same content, in any order:
/// the PATCH engine's rule for "no change" (RFC 7643 §2.4: multi-valued attributes are
/// unordered). Members are matched by `key`; lists where a key is missing or repeated are
/// never "the same" (they are rewritten, as before).
fn same_in_any_order(old: &[Value], new: &[Value], key: impl Fn(&Value) -> Option<String>) -> bool {
    if old.len() != new.len() {
        return false;
    }
    let mut by_key = HashMap::with_capacity(old.len());
    for item in old {
        match key(item) {
            Some(k) if !by_key.contains_key(&k) => by_key.insert(k, item),
            _ => return false,
        };
    }
    new.iter().all(|item| {
        key(item)
            .and_then(|k| by_key.remove(&k))
            .is_some_and(|stored| stored == item)
    })
}

fn record_removed(applied: &mut Applied, removed: &[String]) -> Result<(), StoreError> {
    if removed.is_empty() {
        return Ok(());
    }
    for item in removed {
        applied.delta.removed.extend(value_of(&parse_body(item)?));
    }
    applied.touched = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::same_in_any_order;
    use serde_json::{Value, json};

    fn key(v: &Value) -> Option<String> {
        v.get("value")
            .and_then(Value::as_str)
            .map(str::to_lowercase)
    }

    #[test]
    fn only_the_same_members_with_the_same_content_are_the_same() {
        let old = [json!({"value": "a"}), json!({"value": "b", "display": "B"})];
        let same = [json!({"display": "B", "value": "b"}), json!({"value": "a"})];
        assert!(same_in_any_order(&old, &same, key));
        for other in [
            vec![json!({"value": "a"}), json!({"value": "b"})],
            vec![json!({"value": "a"}), json!({"value": "a"})],
            vec![json!({"value": "A"}), json!({"value": "b", "display": "B"})],
            vec![json!({"value": "a"})],
            vec![json!({"value": "a"}), json!({"display": "B"})],
        ] {
            assert!(!same_in_any_order(&old, &other, key), "{other:?}");
        }
        let repeated = [json!({"value": "a"}), json!({"value": "a"})];
        assert!(!same_in_any_order(&repeated, &repeated, key));
    }
}
