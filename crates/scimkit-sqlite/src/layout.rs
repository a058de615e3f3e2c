//! What the store derives from the schema for one resource type: its lookup columns, its
//! membership attribute and its unique attributes, and the columns derived from a resource.

use scimkit_provision::{ReadHint, UniqueAttributes, normalise_unique};
use scimkit_schema::{AttributeDef, AttributeType, Resolved, ResourceType, SchemaRegistry};
use serde_json::Value;

use crate::regular::is_regular;

/// An indexed lookup column of `resources`: one top-level, single-valued string attribute
/// that identity providers filter on all day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Column {
    /// `externalId` (RFC 7643 §3.1, caseExact).
    ExternalId,
    /// `userName` (RFC 7643 §4.1, not caseExact).
    UserName,
    /// `displayName` (RFC 7643 §4.2 for groups; users have one too).
    DisplayName,
}

impl Column {
    /// Every lookup column, in the order of [`Derived::keys`].
    pub(crate) const ALL: [Column; 3] = [Column::ExternalId, Column::UserName, Column::DisplayName];

    /// The column holding the key, qualified with the `resources` alias `r`.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            Column::ExternalId => "r.external_id_key",
            Column::UserName => "r.user_name_key",
            Column::DisplayName => "r.display_name_key",
        }
    }

    /// The attribute's canonical name.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Column::ExternalId => "externalId",
            Column::UserName => "userName",
            Column::DisplayName => "displayName",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A lookup column that applies to a resource type, with the attribute's `caseExact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lookup {
    pub(crate) column: Column,
    pub(crate) case_exact: bool,
}

/// The multi-valued attribute whose values live in the `members` table (Group `members`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MemberAttr {
    /// Canonical name (`members`).
    pub(crate) name: String,
    /// `caseExact` of its `value` sub-attribute.
    pub(crate) case_exact: bool,
}

/// The schema facts the store needs for one resource type.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    pub(crate) unique: UniqueAttributes,
    pub(crate) lookups: Vec<Lookup>,
    pub(crate) members: Option<MemberAttr>,
}

/// The columns derived from one resource (its body without the membership values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Derived {
    /// Keys of [`Column::ALL`], in that order.
    pub(crate) keys: [Option<String>; 3],
    pub(crate) regular: bool,
}

impl Layout {
    /// The membership attribute, unless `hint` leaves it out: whether a read must load the
    /// member rows.
    pub(crate) fn loaded_members(&self, hint: &ReadHint) -> Option<&MemberAttr> {
        self.members.as_ref().filter(|attr| !hint.omits(&attr.name))
    }

    /// Reads the layout of `resource_type` from the registry.
    pub(crate) fn of(registry: &SchemaRegistry, resource_type: &ResourceType) -> Layout {
        let lookups = Column::ALL
            .into_iter()
            .filter_map(|column| {
                let def = top_level(registry, resource_type, column.attribute())?;
                let string = matches!(
                    def.kind,
                    AttributeType::String | AttributeType::Reference | AttributeType::Binary
                );
                (string && !def.multi_valued).then_some(Lookup {
                    column,
                    case_exact: def.case_exact,
                })
            })
            .collect();
        let members = top_level(registry, resource_type, "members").and_then(|def| {
            let value = def.sub_attribute("value")?;
            (def.multi_valued && def.is_complex()).then(|| MemberAttr {
                name: def.name.clone(),
                case_exact: value.case_exact,
            })
        });
        Layout {
            unique: UniqueAttributes::of(registry, resource_type),
            lookups,
            members,
        }
    }

    /// The lookup for `column`, if this type has it.
    pub(crate) fn lookup(&self, column: Column) -> Option<Lookup> {
        self.lookups.iter().copied().find(|l| l.column == column)
    }

    /// The derived columns of a resource about to be stored.
    pub(crate) fn derive(
        &self,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        resource: &Value,
    ) -> Derived {
        let mut keys: [Option<String>; 3] = Default::default();
        for lookup in &self.lookups {
            keys[lookup.column.index()] = resource
                .get(lookup.column.attribute())
                .and_then(Value::as_str)
                .map(|s| normalise_unique(s, lookup.case_exact));
        }
        Derived {
            keys,
            regular: is_regular(registry, resource_type, resource),
        }
    }

    /// A text naming every schema fact the derived columns depend on; stored in the
    /// database so that a changed registry triggers a re-derivation at open.
    pub(crate) fn describe(&self, out: &mut String) {
        for lookup in &self.lookups {
            out.push_str(&format!(
                " lookup {}={}",
                lookup.column.attribute(),
                lookup.case_exact
            ));
        }
        if let Some(m) = &self.members {
            out.push_str(&format!(" members {}={}", m.name, m.case_exact));
        }
        for u in self.unique.iter() {
            out.push_str(&format!(" unique {}={}", u.path, u.case_exact));
        }
    }
}

/// A top-level attribute of the base schema or the common attributes (not an extension's).
fn top_level<'r>(
    registry: &'r SchemaRegistry,
    resource_type: &ResourceType,
    name: &str,
) -> Option<&'r AttributeDef> {
    match registry.resolve_str(resource_type, name).ok()? {
        Resolved::Attribute(attr)
            if attr.extension_key().is_none() && attr.sub_attribute.is_none() =>
        {
            Some(attr.attribute)
        }
        _ => None,
    }
}

/// The fingerprint of every registered resource type's layout and attribute shapes.
pub(crate) fn fingerprint(registry: &SchemaRegistry) -> String {
    let mut out = String::from("scimkit-sqlite layout 1");
    for rt in registry.resource_types() {
        out.push_str(&format!("\n{}:", rt.name));
        Layout::of(registry, rt).describe(&mut out);
        let base = registry.base_schema(rt).into_iter();
        for schema in base.chain(registry.extension_schemas(rt)) {
            out.push_str(&format!(" schema {}", schema.id));
            for def in &schema.attributes {
                describe_shape(def, &mut out);
            }
        }
    }
    out
}

fn describe_shape(def: &AttributeDef, out: &mut String) {
    out.push_str(&format!(
        " {}:{}{}{}",
        def.name,
        def.kind.as_str(),
        if def.multi_valued { "*" } else { "" },
        if def.case_exact { "!" } else { "" }
    ));
    if !def.sub_attributes.is_empty() {
        out.push('(');
        for sub in &def.sub_attributes {
            describe_shape(sub, out);
        }
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn core_layouts() {
        let registry = SchemaRegistry::core();
        let users = Layout::of(&registry, registry.resource_type("User").unwrap());
        assert_eq!(
            users.lookups,
            [
                Lookup {
                    column: Column::ExternalId,
                    case_exact: true
                },
                Lookup {
                    column: Column::UserName,
                    case_exact: false
                },
                Lookup {
                    column: Column::DisplayName,
                    case_exact: false
                },
            ]
        );
        assert_eq!(users.members, None);
        let groups = Layout::of(&registry, registry.resource_type("Group").unwrap());
        assert_eq!(
            groups.members,
            Some(MemberAttr {
                name: "members".into(),
                case_exact: false
            })
        );
        assert_eq!(groups.lookup(Column::UserName), None);
        let derived = users.derive(
            &registry,
            registry.resource_type("User").unwrap(),
            &json!({"userName": "Ada@Example.COM", "externalId": "E-1"}),
        );
        assert_eq!(
            derived.keys,
            [Some("E-1".into()), Some("ada@example.com".into()), None]
        );
        assert!(derived.regular);
    }

    #[test]
    fn fingerprint_follows_case_exact() {
        let registry = SchemaRegistry::core();
        let a = fingerprint(&registry);
        assert_eq!(a, fingerprint(&SchemaRegistry::core()));
        assert!(a.contains("lookup userName=false"));
        assert!(a.contains("unique userName=false"));
    }
}
