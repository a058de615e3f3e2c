//! Filters and `sortBy` on a User's derived `groups` (RFC 7644 §3.4.2.2, §3.4.2.3).
//!
//! A User's `groups` is not stored with it (see [`served`](super::served)), so a store asked
//! for `groups.value eq "G"` would match nothing. Before the search, each filter term on
//! `groups` (an attrExp on `groups` or one of its sub-attributes, or a valuePath
//! `groups[...]`, with or without the User schema URN) is replaced by the users it selects,
//! through the [`Store`](crate::Store) trait alone:
//!
//! 1. the tenant's Groups are listed once, without their members;
//! 2. the term is evaluated, with the User schema's rules (caseExact, operators), on each
//!    Group as the `groups` entry it gives its members (`value`, `display`,
//!    `type: "direct"`);
//! 3. the term becomes `id eq "<member>" or ...` over the members of the Groups that match
//!    (`not (id pr)`, false, when none do), nested 64 to a level so no store meets a very
//!    deep expression.
//!
//! Every other term, and the `and` / `or` / `not` around them, stay as written, so the store
//! still evaluates the whole filter, sorts, pages and counts. Every such term holds for a user
//! exactly when it holds for one of its `groups` entries, which is why step 2 may look at the
//! Groups one by one.
//!
//! Refused:
//! - a term that holds for a user in no group (`groups eq null`, `groups.value eq null`):
//!   400 `invalidFilter` (a Group search cannot name the users in no group; write
//!   `not (groups pr)` instead);
//! - a rewritten filter with more terms than
//!   [`Limits::max_filter_terms`](crate::Limits::max_filter_terms): 400 `invalidFilter`
//!   pointing at the Group itself (`GET /Groups/{id}` lists its members);
//! - `sortBy` on `groups`: 400 `invalidValue` (the RFC's key for a multi-valued attribute
//!   without `primary` is its first value, an order the service does not keep for Groups).

use std::collections::HashMap;

use scimkit_filter::{AttrExp, AttrPath, CompValue, CompareOp, Filter, Matcher};
use scimkit_schema::{Resolved, ResourceType, SchemaRegistry, ScimError};
use serde_json::{Value, json};

use super::Call;
use super::served::{self, group_entry};
use crate::store::{ReadHint, SearchQuery, StoreError};

/// Width of each level of the `or` tree a term becomes.
const FAN_OUT: usize = 64;

/// Rewrites `query`'s filter terms on `groups` into the users they select, for a query on
/// `rt` (a no-op unless `rt` is User and the service derives `groups`).
///
/// # Errors
/// See the module docs; and the store's errors.
pub(crate) async fn rewrite(
    call: &Call<'_>,
    rt: &ResourceType,
    query: &mut SearchQuery,
) -> Result<(), ScimError> {
    let Some(groups) = served::group_type(call, rt) else {
        return Ok(());
    };
    let registry = call.registry();
    if let Some(sort) = &query.sort
        && names_groups(registry, rt, &sort.by)
    {
        return Err(ScimError::invalid_value(format!(
            "sortBy {}: a User's groups are derived from Group memberships and have no sort \
             key (RFC 7644 §3.4.2.3); sort by another attribute",
            sort.by
        )));
    }
    let Some(filter) = &query.filter else {
        return Ok(());
    };
    let mut terms = Vec::new();
    collect(registry, rt, filter, &mut terms);
    if terms.is_empty() {
        return Ok(());
    }
    let mut selected = Vec::with_capacity(terms.len());
    let mut directory = Directory::new(call, groups);
    for term in terms {
        selected.push(directory.users(rt, term, &query.filter_options).await?);
    }
    let mut selected = selected.into_iter();
    let rewritten = replace(registry, rt, filter.clone(), &mut selected);
    let limit = call.inner.config.limits.max_filter_terms;
    if rewritten.term_count() > limit {
        return Err(ScimError::invalid_filter(format!(
            "the filter's terms on groups select users by {} ids in all, more than the limit \
             of {limit} filter terms; read the group's members instead (GET /Groups/{{id}}, or \
             /Groups?filter=displayName eq \"...\")",
            rewritten.term_count()
        )));
    }
    query.filter = Some(rewritten);
    Ok(())
}

/// Whether `path` names the User's core `groups` attribute (any sub-attribute, any case,
/// with or without the schema URN).
fn names_groups(registry: &SchemaRegistry, rt: &ResourceType, path: &AttrPath) -> bool {
    matches!(
        registry.resolve(rt, path.attr_ref()),
        Ok(Resolved::Attribute(a)) if !a.extension && a.attribute.name == "groups"
    )
}

/// Whether `filter` is one term on `groups`.
fn is_groups_term(registry: &SchemaRegistry, rt: &ResourceType, filter: &Filter) -> bool {
    match filter {
        Filter::Attr(exp) => names_groups(registry, rt, exp.path()),
        Filter::ValuePath(vp) => names_groups(registry, rt, &vp.attr),
        _ => false,
    }
}

/// The terms on `groups`, in depth-first order.
fn collect<'f>(
    registry: &SchemaRegistry,
    rt: &ResourceType,
    filter: &'f Filter,
    out: &mut Vec<&'f Filter>,
) {
    match filter {
        f if is_groups_term(registry, rt, f) => out.push(f),
        Filter::Not { filter, .. } => collect(registry, rt, filter, out),
        Filter::And(ops) | Filter::Or(ops) => {
            ops.iter().for_each(|op| collect(registry, rt, op, out));
        }
        Filter::Attr(_) | Filter::ValuePath(_) => {}
    }
}

/// `filter` with its terms on `groups`, in [`collect`]'s order, replaced by tests on `id`
/// for the users `selected` gives.
fn replace(
    registry: &SchemaRegistry,
    rt: &ResourceType,
    filter: Filter,
    selected: &mut impl Iterator<Item = Vec<String>>,
) -> Filter {
    match filter {
        f if is_groups_term(registry, rt, &f) => any_id(selected.next().unwrap_or_default()),
        Filter::Not { filter, span } => Filter::Not {
            filter: Box::new(replace(registry, rt, *filter, selected)),
            span,
        },
        Filter::And(ops) => Filter::And(
            ops.into_iter()
                .map(|op| replace(registry, rt, op, selected))
                .collect(),
        ),
        Filter::Or(ops) => Filter::Or(
            ops.into_iter()
                .map(|op| replace(registry, rt, op, selected))
                .collect(),
        ),
        other => other,
    }
}

/// `id eq "a" or id eq "b" or ...`, at most [`FAN_OUT`] operands per `or`; `not (id pr)`
/// (no resource) for no ids.
fn any_id(ids: Vec<String>) -> Filter {
    let mut level: Vec<Filter> = ids
        .into_iter()
        .map(|id| {
            AttrExp::compare(AttrPath::new("id"), CompareOp::Eq, CompValue::String(id)).into()
        })
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(FAN_OUT));
        let mut rest = level.into_iter().peekable();
        while rest.peek().is_some() {
            let chunk: Vec<Filter> = rest.by_ref().take(FAN_OUT).collect();
            next.push(if chunk.len() == 1 {
                chunk.into_iter().next().unwrap_or_else(nothing)
            } else {
                Filter::Or(chunk)
            });
        }
        level = next;
    }
    level.pop().unwrap_or_else(nothing)
}

/// A filter no resource matches: every resource has an `id`.
fn nothing() -> Filter {
    Filter::negate(AttrExp::present(AttrPath::new("id")).into())
}

/// The tenant's Groups, listed once per query, and their members, read once per Group.
struct Directory<'c, 'a> {
    call: &'c Call<'a>,
    groups: &'c ResourceType,
    listed: Option<Vec<Value>>,
    members: HashMap<String, Vec<String>>,
}

impl<'c, 'a> Directory<'c, 'a> {
    fn new(call: &'c Call<'a>, groups: &'c ResourceType) -> Self {
        Directory {
            call,
            groups,
            listed: None,
            members: HashMap::new(),
        }
    }

    /// The ids of the users `term` (a term on `groups` of a User filter) selects, sorted.
    async fn users(
        &mut self,
        users: &ResourceType,
        term: &Filter,
        options: &scimkit_filter::FilterOptions,
    ) -> Result<Vec<String>, ScimError> {
        let matcher = Matcher::compile(term, self.call.registry(), users, options)?;
        if matcher.matches(&json!({})) {
            return Err(ScimError::invalid_filter(format!(
                "{term}: a term on groups that holds for users in no group is not supported \
                 (groups are derived from Group memberships); write not (groups pr) for users \
                 in no group"
            )));
        }
        let mut matching = Vec::new();
        for group in self.listed().await? {
            if let Some(entry) = group_entry(group)
                && matcher.matches(&json!({"groups": [entry]}))
                && let Some(id) = group.get("id").and_then(Value::as_str)
            {
                matching.push(id.to_owned());
            }
        }
        let mut ids = Vec::new();
        for gid in matching {
            ids.extend(self.members_of(&gid).await?.iter().cloned());
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    async fn listed(&mut self) -> Result<&[Value], ScimError> {
        if self.listed.is_none() {
            let mut query = SearchQuery::all(u64::MAX);
            query.hint = ReadHint {
                omit: vec!["members".into()],
            };
            let page = (self.call.inner.store)
                .search(self.call.ctx, self.groups, &query)
                .await?;
            self.listed = Some(page.resources);
        }
        Ok(self.listed.as_deref().unwrap_or_default())
    }

    async fn members_of(&mut self, gid: &str) -> Result<&[String], ScimError> {
        if !self.members.contains_key(gid) {
            let ids = match (self.call.inner.store)
                .get(self.call.ctx, self.groups, gid, &ReadHint::default())
                .await
            {
                Ok(group) => group
                    .get("members")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m.get("value")?.as_str().map(str::to_owned))
                    .collect(),
                // Deleted since it was listed: no members.
                Err(StoreError::NotFound) => Vec::new(),
                Err(err) => return Err(err.into()),
            };
            self.members.insert(gid.to_owned(), ids);
        }
        Ok(self.members.get(gid).map(Vec::as_slice).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_a_shallow_or_tree() {
        assert_eq!(any_id(Vec::new()).to_string(), "not (id pr)");
        assert_eq!(any_id(vec!["a".into()]).to_string(), r#"id eq "a""#);
        let many: Vec<String> = (0..5000).map(|i| format!("u{i}")).collect();
        let tree = any_id(many);
        assert_eq!(tree.term_count(), 5000);
        fn depth(f: &Filter) -> usize {
            match f {
                Filter::Or(ops) => 1 + ops.iter().map(depth).max().unwrap_or(0),
                _ => 0,
            }
        }
        assert_eq!(depth(&tree), 3, "64 * 64 < 5000 <= 64 * 64 * 64");
        let Filter::Or(top) = &tree else {
            panic!("{tree}")
        };
        assert!(top.len() <= FAN_OUT);
    }

    #[test]
    fn terms_on_groups_are_found_in_any_spelling() {
        let registry = SchemaRegistry::core();
        let users = registry.resource_type("User").unwrap();
        let filter = scimkit_filter::parse_filter(
            r#"userName sw "a" and (GROUPS.value eq "g" or not (groups[display co "x"])) or urn:ietf:params:scim:schemas:core:2.0:User:groups pr or emails pr"#,
        )
        .unwrap();
        let mut terms = Vec::new();
        collect(&registry, users, &filter, &mut terms);
        let printed: Vec<String> = terms.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [
                r#"GROUPS.value eq "g""#,
                r#"groups[display co "x"]"#,
                "urn:ietf:params:scim:schemas:core:2.0:User:groups pr"
            ]
        );
        let mut sets = vec![
            vec!["u1".to_owned()],
            Vec::new(),
            vec!["u2".into(), "u3".into()],
        ]
        .into_iter();
        let rewritten = replace(&registry, users, filter, &mut sets);
        assert_eq!(
            rewritten.to_string(),
            r#"userName sw "a" and (id eq "u1" or not (not (id pr))) or (id eq "u2" or id eq "u3") or emails pr"#
        );
    }
}
