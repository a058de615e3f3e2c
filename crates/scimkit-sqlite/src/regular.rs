//! Regular resources: the shape SQL push-down relies on.
//!
//! [`scimkit_filter::Matcher`] finds attributes by their canonical key first and then by an
//! ASCII case-insensitive scan, iterates arrays wherever it meets them, and ignores values of
//! the wrong JSON type. SQLite's `json_extract` knows none of that. A resource is *regular*
//! when the two cannot disagree:
//!
//! - every key that names an attribute of the resource type (base schema, common
//!   attributes, extension URNs, extension attributes, sub-attributes) is spelled exactly as
//!   the schema spells it;
//! - every value of a defined attribute is `null` or has its schema shape: a multi-valued
//!   attribute an array, a complex value an object, a simple value the JSON type of its
//!   schema type (string for string, reference, binary and dateTime; boolean; number);
//!
//! What `scimkit_schema::ingest` produces is regular. The store records the flag per row;
//! while a tenant has any irregular resource of a type, searches of that type are evaluated
//! entirely in Rust, so results stay exactly the evaluator's.

use scimkit_schema::{AttributeDef, AttributeType, ResourceType, SchemaRegistry};
use serde_json::{Map, Value};

/// Whether `resource` is regular for `resource_type` (see the module docs).
pub(crate) fn is_regular(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    resource: &Value,
) -> bool {
    let Value::Object(object) = resource else {
        return false;
    };
    let base = registry
        .base_schema(resource_type)
        .map(|s| s.attributes.as_slice())
        .unwrap_or_default();
    let common = SchemaRegistry::common_attributes();
    object.iter().all(|(key, value)| {
        if let Some(def) = find(base, key).or_else(|| find(common, key)) {
            return key == &def.name && attribute_regular(def, value);
        }
        match registry
            .extension_schemas(resource_type)
            .find(|s| s.id.eq_ignore_ascii_case(key))
        {
            Some(ext) => key == &ext.id && extension_regular(&ext.attributes, value),
            None => true,
        }
    })
}

fn find<'d>(defs: &'d [AttributeDef], key: &str) -> Option<&'d AttributeDef> {
    defs.iter().find(|d| d.name.eq_ignore_ascii_case(key))
}

fn extension_regular(defs: &[AttributeDef], value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(object) => object_regular(defs, object),
        _ => false,
    }
}

fn object_regular(defs: &[AttributeDef], object: &Map<String, Value>) -> bool {
    object.iter().all(|(key, value)| match find(defs, key) {
        Some(def) => key == &def.name && attribute_regular(def, value),
        None => true,
    })
}

fn attribute_regular(def: &AttributeDef, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) if def.multi_valued => items
            .iter()
            .all(|item| item.is_null() || single_regular(def, item)),
        _ if def.multi_valued => false,
        single => single_regular(def, single),
    }
}

fn single_regular(def: &AttributeDef, value: &Value) -> bool {
    match def.kind {
        AttributeType::Complex => match value {
            Value::Object(object) => object_regular(&def.sub_attributes, object),
            _ => false,
        },
        AttributeType::String
        | AttributeType::Reference
        | AttributeType::Binary
        | AttributeType::DateTime => value.is_string(),
        AttributeType::Boolean => value.is_boolean(),
        AttributeType::Integer => value.is_i64() || value.is_u64(),
        AttributeType::Decimal => value.is_number(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn regular(resource: Value) -> bool {
        let registry = SchemaRegistry::core();
        let users = registry.resource_type("User").unwrap();
        is_regular(&registry, users, &resource)
    }

    #[test]
    fn canonical_resources_are_regular() {
        assert!(regular(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "1", "userName": "a", "active": true, "title": null,
            "name": {"givenName": "A"}, "emails": [{"value": "a@x", "primary": true}, null],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}},
            "meta": {"created": "2020-01-01T00:00:00Z"},
            "unknownKey": [1, {"x": 2}]
        })));
    }

    #[test]
    fn misspelt_keys_and_wrong_shapes_are_not() {
        for irregular in [
            json!({"USERNAME": "a"}),
            json!({"name": {"GivenName": "A"}}),
            json!({"emails": [{"Value": "a"}]}),
            json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {}}),
            json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"Department": "x"}}),
            json!({"userName": ["a", "b"]}),
            json!({"userName": 5}),
            json!({"active": "true"}),
            json!({"emails": {"value": "a"}}),
            json!({"emails": ["a"]}),
            json!({"name": "Ada"}),
            json!("not an object"),
        ] {
            assert!(!regular(irregular.clone()), "{irregular}");
        }
    }
}
