//! What a response shows: `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) as a
//! [`Projection`] for the response and a [`ReadHint`] for the store.

use scimkit_schema::{AttrRef, Projection, Resolved, ResourceType, SchemaRegistry, ScimError};

use crate::store::ReadHint;

/// The projection of one request for one resource type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct View {
    pub(crate) projection: Projection,
    pub(crate) hint: ReadHint,
    /// Whether `attributes` was given (PATCH then answers 200, RFC 7644 §3.5.2).
    pub(crate) include: bool,
    /// The `attributes` list, lower-cased, when given.
    attributes: Option<String>,
}

impl View {
    /// # Errors
    /// 400 `invalidValue` as [`Projection::parse`].
    pub(crate) fn parse(
        registry: &SchemaRegistry,
        rt: &ResourceType,
        attributes: Option<&str>,
        excluded: Option<&str>,
    ) -> Result<View, ScimError> {
        Ok(View {
            projection: Projection::parse(registry, rt, attributes, excluded)?,
            hint: read_hint(registry, rt, excluded),
            include: attributes.is_some_and(|a| !a.trim().is_empty()),
            attributes: attributes
                .filter(|a| !a.trim().is_empty())
                .map(str::to_lowercase),
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
