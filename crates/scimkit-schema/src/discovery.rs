//! Discovery resources (RFC 7644 §4): a definition plus `schemas` and `meta`.

use serde::Serialize;
use serde_json::{Map, Value};

/// `definition` as a resource of schema `urn`, with `meta.resourceType` and `meta.location`.
pub(crate) fn to_resource(
    definition: &impl Serialize,
    urn: &str,
    resource_type: &str,
    location: &str,
) -> Value {
    let mut object = Map::new();
    object.insert("schemas".to_owned(), Value::from(vec![urn]));
    if let Ok(Value::Object(fields)) = serde_json::to_value(definition) {
        object.extend(fields);
    }
    let mut meta = Map::new();
    meta.insert("resourceType".to_owned(), Value::from(resource_type));
    meta.insert("location".to_owned(), Value::from(location));
    object.insert("meta".to_owned(), Value::Object(meta));
    Value::Object(object)
}
