//! What a response shows: `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) as a
//! [`Projection`] for the response and a [`ReadHint`] for the store.

use scimkit_schema::{
    AttrRef, AttributeDef, Projection, Resolved, ResourceType, Returned, SchemaRegistry, ScimError,
};

use crate::store::ReadHint;

/// The projection of one request for one resource type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct View {
    pub(crate) projection: Projection,
    pub(crate) hint: ReadHint,
    /// Whether `attributes` was given, i.e. names at least one attribute (PATCH then
    /// answers 200, RFC 7644 §3.5.2); a list of blanks (`attributes=,`) is not given.
    pub(crate) include: bool,
    /// The `attributes` list, lower-cased, when given.
    attributes: Option<String>,
}

impl View {
    /// The view of `attributes` or `excludedAttributes` (raw comma-separated lists) on `rt`:
    /// the projection, and the hint from whichever of the two names something.
    ///
    /// # Errors
    /// 400 `invalidValue` as [`Projection::parse`].
    pub(crate) fn parse(
        registry: &SchemaRegistry,
        rt: &ResourceType,
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<View, ScimError> {
        let projection = Projection::parse(registry, rt, attributes, excluded)?;
        // Given means naming at least one attribute, as for the projection: `attributes=,`
        // is not given (regression, tester: the hint then left out everything).
        let attributes = attributes.filter(|list| list.split(',').any(|n| !n.trim().is_empty()));
        Ok(View {
            projection,
            hint: match attributes {
                Some(attributes) => unnamed_hint(registry, rt, attributes),
                None => read_hint(registry, rt, excluded),
            },
            include: attributes.is_some(),
            attributes: attributes.map(str::to_lowercase),
        })
    }

    /// Whether the response may carry the top-level attribute `name` (lower case): not
    /// excluded, and named when `attributes` is given. A cheap pre-check before computing
    /// a derived attribute; the projection still decides.
    pub(crate) fn wants(&self, name: &str) -> bool {
        if self.hint.omit.iter().any(|o| o.eq_ignore_ascii_case(name)) {
            return false;
        }
        match &self.attributes {
            Some(list) => list.contains(name),
            None => true,
        }
    }
}

/// The whole top-level attributes (not sub-attributes, not `id` / `schemas` / `meta`) that
/// `excludedAttributes` names: a store need not load them, e.g. `members` of a big group.
/// Names that do not resolve are skipped (the projection ignores them too).
pub(crate) fn read_hint(
    registry: &SchemaRegistry,
    rt: &ResourceType,
    excluded: Option<&str>,
) -> ReadHint {
    let omit = excluded
        .into_iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter_map(|name| AttrRef::parse(name).ok())
        .filter_map(|r| match registry.resolve(rt, r) {
            Ok(Resolved::Attribute(a)) if a.sub_attribute.is_none() && !a.extension => {
                Some(a.attribute.name.clone())
            }
            _ => None,
        })
        .filter(|name| !matches!(name.as_str(), "id" | "schemas" | "meta"))
        .collect();
    ReadHint { omit }
}

/// What an `attributes` list naming at least one attribute (RFC 7644 §3.4.2.5) leaves out
/// of a response, as a hint: every
/// top-level attribute and extension object of `rt` it names nothing of, unless returned
/// `always` (RFC 7643 §7) or `id` / `schemas` / `meta`. `attributes=displayName` on a Group
/// thus spares loading its `members`. A name that does not resolve keeps the top-level key
/// it is spelled as, as the projection matches it.
pub(crate) fn unnamed_hint(
    registry: &SchemaRegistry,
    rt: &ResourceType,
    attributes: &str,
) -> ReadHint {
    let named: Vec<String> = attributes
        .split(',')
        .filter_map(|name| top_level_key(registry, rt, name))
        .collect();
    let always = |key: &str| {
        let defs: Vec<&AttributeDef> = match registry.extension_schemas(rt).find(|s| s.id == key) {
            Some(extension) => extension.attributes.iter().collect(),
            None => SchemaRegistry::common_attributes()
                .iter()
                .chain(
                    registry
                        .base_schema(rt)
                        .into_iter()
                        .flat_map(|s| s.attributes.iter()),
                )
                .filter(|def| def.name == key)
                .collect(),
        };
        defs.iter().any(|def| def.returned == Returned::Always)
    };
    let mut hint = everything_but_meta(registry, rt);
    hint.omit
        .retain(|key| !named.iter().any(|n| n.eq_ignore_ascii_case(key)) && !always(key));
    hint
}

/// The key of `rt`'s resources under which the attribute `name` (an attribute path, any
/// spelling the registry resolves: with or without its schema URN, in any case) lives: the
/// canonical name of its top-level attribute, or its extension's URN. A name that does not
/// resolve gives the top-level name as spelled; one that does not parse gives `None`.
pub(crate) fn top_level_key(
    registry: &SchemaRegistry,
    rt: &ResourceType,
    name: &str,
) -> Option<String> {
    let reference = AttrRef::parse(name.trim()).ok()?;
    Some(match registry.resolve(rt, reference) {
        Ok(Resolved::Attribute(a)) => a
            .extension_key()
            .map_or_else(|| a.attribute.name.clone(), str::to_owned),
        Ok(Resolved::Extension(schema)) => schema.id.clone(),
        Err(_) => reference.name.to_owned(),
    })
}

/// Every top-level attribute of `rt` but `id`, `schemas` and `meta` (base schema, common
/// `externalId`, each extension's URN): a reply without a body (PATCH answered 204, RFC 7644
/// §3.5.2) needs nothing of the resource but `meta.version` for its `ETag`.
pub(crate) fn everything_but_meta(registry: &SchemaRegistry, rt: &ResourceType) -> ReadHint {
    let base = registry
        .base_schema(rt)
        .into_iter()
        .flat_map(|schema| schema.attributes.iter());
    let omit = SchemaRegistry::common_attributes()
        .iter()
        .chain(base)
        .map(|def| def.name.clone())
        .filter(|name| !matches!(name.as_str(), "id" | "schemas" | "meta"))
        .chain(
            registry
                .extension_schemas(rt)
                .map(|schema| schema.id.clone()),
        )
        .collect();
    ReadHint { omit }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_top_level_attributes() {
        let registry = SchemaRegistry::core();
        let groups = registry.resource_type("Group").unwrap();
        let hint = read_hint(
            &registry,
            groups,
            Some("MEMBERS, members.display, meta, id, nope"),
        );
        assert_eq!(hint.omit, ["members"]);
        assert!(read_hint(&registry, groups, None).is_empty());
    }

    /// RFC 7644 §3.4.2.5: what `attributes` does not name need not be loaded; a
    /// sub-attribute or an extension attribute keeps its top-level key.
    #[test]
    fn attributes_leave_out_what_they_do_not_name() {
        let registry = SchemaRegistry::core();
        let groups = registry.resource_type("Group").unwrap();
        let hint = |rt, list: &str| {
            View::parse(&registry, rt, Some(list), None)
                .unwrap()
                .hint
                .omit
        };
        assert_eq!(hint(groups, "displayName"), ["externalId", "members"]);
        assert_eq!(
            hint(groups, "MEMBERS.value, id"),
            ["externalId", "displayName"]
        );
        assert_eq!(
            hint(
                groups,
                "urn:ietf:params:scim:schemas:core:2.0:Group:members"
            ),
            ["externalId", "displayName"]
        );
        assert_eq!(
            hint(groups, "nope"),
            ["externalId", "displayName", "members"]
        );
        assert_eq!(
            hint(groups, "displayName,members,externalId"),
            Vec::<String>::new()
        );
        let users = registry.resource_type("User").unwrap();
        let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
        let omit = hint(users, &format!("{enterprise}:manager.value"));
        assert!(omit.iter().any(|o| o == "userName") && omit.iter().any(|o| o == "groups"));
        assert!(!omit.iter().any(|o| o == enterprise), "{omit:?}");
        let omit = hint(users, "userName");
        assert!(omit.iter().any(|o| o == enterprise) && !omit.iter().any(|o| o == "userName"));
        // `excludedAttributes` alone still names what it drops; neither names nothing.
        let view = View::parse(&registry, groups, None, Some("members")).unwrap();
        assert_eq!(view.hint.omit, ["members"]);
        // A list of blanks names nothing: not given, as for the projection.
        for blank in [" ", ",", " , ,"] {
            let view = View::parse(&registry, groups, Some(blank), None).unwrap();
            assert!(view.hint.is_empty() && !view.include, "{blank:?}");
        }
    }

    #[test]
    fn a_bodiless_reply_omits_all_but_id_schemas_meta() {
        let registry = SchemaRegistry::core();
        let groups = registry.resource_type("Group").unwrap();
        assert_eq!(
            everything_but_meta(&registry, groups).omit,
            ["externalId", "displayName", "members"]
        );
        let users = registry.resource_type("User").unwrap();
        let omit = everything_but_meta(&registry, users).omit;
        assert!(omit.iter().any(|o| o == "userName"));
        assert!(omit.iter().any(|o| o == "groups"));
        assert_eq!(
            omit.last().map(String::as_str),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert!(
            !omit
                .iter()
                .any(|o| matches!(o.as_str(), "id" | "schemas" | "meta"))
        );
    }
}
