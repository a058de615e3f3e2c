//! The `schemas` rule (RFC 7643 §3, §6): present, well-formed, consistent with the resource
//! type and with the extension objects the resource holds.

use serde_json::{Map, Value};

use super::Checker;
use crate::error::ScimError;
use crate::layout::Layout;
use crate::registry::SchemaRegistry;

impl Checker<'_> {
    /// RFC 7643 §3: `schemas` shape and consistency with the resource type.
    pub(super) fn schemas(
        &self,
        registry: &SchemaRegistry,
        layout: &Layout<'_>,
        object: &Map<String, Value>,
    ) -> Result<(), ScimError> {
        let value = object.get("schemas").unwrap_or(&Value::Null);
        let uris = match value {
            Value::Null => {
                return Err(ScimError::invalid_value(format!(
                    "\"schemas\" is required and must list {:?} (RFC 7643 §3)",
                    layout.base.id
                )));
            }
            Value::Array(items) if !items.is_empty() => items,
            _ => {
                return Err(ScimError::invalid_syntax(
                    "\"schemas\" must be a non-empty array of schema URIs (RFC 7643 §3)",
                ));
            }
        };
        for (index, uri) in uris.iter().enumerate() {
            let Value::String(uri) = uri else {
                return Err(ScimError::invalid_syntax(format!(
                    "schemas[{index}] must be a string (RFC 7643 §3)"
                )));
            };
            if uris[..index]
                .iter()
                .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(uri)))
            {
                return Err(ScimError::invalid_value(format!(
                    "schemas lists {uri:?} twice (RFC 7643 §3)"
                )));
            }
            let known = layout.base.is(uri) || layout.extension(uri).is_some();
            if !known && !self.compat.extra_schema_uris {
                let why = if registry.schema(uri).is_some() {
                    "is not an extension of"
                } else {
                    "names no schema of"
                };
                return Err(ScimError::invalid_value(format!(
                    "schemas entry {uri:?} {why} resource type {:?} (RFC 7643 §3)",
                    layout.resource_type.name
                )));
            }
        }
        if !listed(uris, &layout.base.id) {
            return Err(ScimError::invalid_value(format!(
                "schemas must contain the base schema {:?} (RFC 7643 §3)",
                layout.base.id
            )));
        }
        for ext in &layout.resource_type.schema_extensions {
            if ext.required && !listed(uris, &ext.schema) {
                return Err(ScimError::invalid_value(format!(
                    "resource type {:?} requires the extension {:?} in schemas (RFC 7643 §6)",
                    layout.resource_type.name, ext.schema
                )));
            }
        }
        for schema in &layout.extensions {
            let present = object
                .get(&schema.id)
                .is_some_and(|v| v.as_object().is_some_and(|o| !o.is_empty()));
            if present && !listed(uris, &schema.id) {
                return Err(ScimError::invalid_value(format!(
                    "the resource holds extension {:?} but schemas does not list it (RFC 7643 §3)",
                    schema.id
                )));
            }
        }
        Ok(())
    }
}

fn listed(uris: &[Value], urn: &str) -> bool {
    uris.iter()
        .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(urn)))
}
