//! Which attributes a store keeps unique, and the normalised keys it compares
//! (RFC 7643 §2.2 `uniqueness` and `caseExact`).

use scimkit_schema::{AttributeDef, ResourceType, SchemaRegistry, Uniqueness};
use serde_json::Value;

/// One attribute whose values must be unique within a tenant and resource type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueAttribute {
    /// The canonical path: `userName`, or `urn:...:ext:attr` for an extension attribute.
    pub path: String,
    /// The extension object holding the value, if any.
    pub extension: Option<String>,
    /// The attribute's name in the schema's spelling.
    pub name: String,
    /// Whether values compare case-sensitively.
    pub case_exact: bool,
}

impl UniqueAttribute {
    /// The values of this attribute in a canonical resource, as sent (strings only; a
    /// multi-valued attribute gives each element).
    pub fn values<'r>(&self, resource: &'r Value) -> Vec<&'r str> {
        let container = match &self.extension {
            Some(urn) => resource.get(urn),
            None => Some(resource),
        };
        match container.and_then(|c| c.get(&self.name)) {
            Some(Value::String(s)) if !s.is_empty() => vec![s.as_str()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.is_empty())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The key a value is compared by: [`normalise_unique`].
    pub fn key(&self, value: &str) -> String {
        normalise_unique(value, self.case_exact)
    }
}

/// The comparison key of a unique value: the value itself when `case_exact`, else its Unicode
/// lower case (so `ADA@Example.COM` and `ada@example.com` clash, RFC 7643 §4.1.1).
pub fn normalise_unique(value: &str, case_exact: bool) -> String {
    if case_exact {
        value.to_owned()
    } else {
        value.to_lowercase()
    }
}

/// The unique attributes of one resource type: every simple (non-complex) attribute of its
/// base schema and extensions with `uniqueness` `server` or `global`. `id` is not listed:
/// stores issue ids themselves. Complex sub-attributes are not covered (the core schemas have
/// none that are unique).
///
/// ```
/// use scimkit_provision::UniqueAttributes;
/// use scimkit_schema::SchemaRegistry;
///
/// let registry = SchemaRegistry::core();
/// let users = UniqueAttributes::of(&registry, registry.resource_type("User").unwrap());
/// let names: Vec<&str> = users.iter().map(|a| a.path.as_str()).collect();
/// assert_eq!(names, ["userName"]);
/// assert!(!users.iter().next().unwrap().case_exact);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UniqueAttributes(Vec<UniqueAttribute>);

impl UniqueAttributes {
    /// Collects them from the registry.
    pub fn of(registry: &SchemaRegistry, resource_type: &ResourceType) -> UniqueAttributes {
        let mut out = Vec::new();
        let unique = |def: &AttributeDef| {
            def.uniqueness != Uniqueness::None && !def.is_complex() && def.name != "id"
        };
        if let Some(base) = registry.base_schema(resource_type) {
            for def in base.attributes.iter().filter(|d| unique(d)) {
                out.push(UniqueAttribute {
                    path: def.name.clone(),
                    extension: None,
                    name: def.name.clone(),
                    case_exact: def.case_exact,
                });
            }
        }
        for schema in registry.extension_schemas(resource_type) {
            for def in schema.attributes.iter().filter(|d| unique(d)) {
                out.push(UniqueAttribute {
                    path: format!("{}:{}", schema.id, def.name),
                    extension: Some(schema.id.clone()),
                    name: def.name.clone(),
                    case_exact: def.case_exact,
                });
            }
        }
        UniqueAttributes(out)
    }

    /// The attributes, in schema order.
    pub fn iter(&self) -> std::slice::Iter<'_, UniqueAttribute> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(attribute index, value as sent, key)` for every unique value in `resource`.
    pub fn keys<'r>(&self, resource: &'r Value) -> Vec<(usize, &'r str, String)> {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(i, attr)| {
                attr.values(resource)
                    .into_iter()
                    .map(move |v| (i, v, attr.key(v)))
            })
            .collect()
    }

    /// The attribute at `index`.
    pub fn get(&self, index: usize) -> Option<&UniqueAttribute> {
        self.0.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_name_keys_fold_case() {
        let registry = SchemaRegistry::core();
        let attrs = UniqueAttributes::of(&registry, registry.resource_type("User").unwrap());
        let ada = json!({"userName": "ADA@Example.COM"});
        let keys = attrs.keys(&ada);
        assert_eq!(keys, [(0, "ADA@Example.COM", "ada@example.com".to_owned())]);
        assert!(attrs.keys(&json!({"userName": ""})).is_empty());
        let groups = UniqueAttributes::of(&registry, registry.resource_type("Group").unwrap());
        assert!(
            groups.is_empty(),
            "Group displayName is not unique (RFC 7643 §4.2)"
        );
    }
}
