//! Where a resource type's attributes live in its JSON object (RFC 7643 §3, §3.3): the base
//! schema's and the common attributes at the top level, each extension's under its URN.

use serde_json::{Map, Value};

use crate::attribute::AttributeDef;
use crate::error::ScimError;
use crate::registry::SchemaRegistry;
use crate::resource_type::ResourceType;
use crate::schema::Schema;

/// The schemas of one resource type, looked up once per call.
pub(crate) struct Layout<'a> {
    pub(crate) resource_type: &'a ResourceType,
    pub(crate) base: &'a Schema,
    pub(crate) extensions: Vec<&'a Schema>,
}

/// What a top-level key of a resource names.
pub(crate) enum TopKey<'a> {
    /// A base-schema or common attribute (RFC 7643 §3.1), by any spelling of its name.
    Attribute(&'a AttributeDef),
    /// An extension object keyed by the extension's URN, by any spelling of the URN.
    Extension(&'a Schema),
    /// Anything else: a URN-qualified or dotted name, or an unknown attribute.
    Other,
}

impl<'a> Layout<'a> {
    /// # Errors
    /// 500 when the resource type's base or an extension schema is not in the registry (a
    /// resource type that did not come from this registry).
    pub(crate) fn new(
        registry: &'a SchemaRegistry,
        resource_type: &'a ResourceType,
    ) -> Result<Layout<'a>, ScimError> {
        let missing = |urn: &str| {
            ScimError::with_status(
                500,
                format!(
                    "resource type {:?} uses schema {urn:?}, which the registry does not hold",
                    resource_type.name
                ),
            )
        };
        let base = registry
            .schema(&resource_type.schema)
            .ok_or_else(|| missing(&resource_type.schema))?;
        let extensions = resource_type
            .schema_extensions
            .iter()
            .map(|ext| {
                registry
                    .schema(&ext.schema)
                    .ok_or_else(|| missing(&ext.schema))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Layout {
            resource_type,
            base,
            extensions,
        })
    }

    /// Classifies a top-level key: exact spellings first (canonical resources use them, and
    /// most keys of a request are canonical), then ASCII case-insensitively (RFC 7643 §2.1).
    pub(crate) fn top_key(&self, key: &str) -> TopKey<'a> {
        let common = SchemaRegistry::common_attributes();
        if let Some(attr) = self
            .base
            .attributes
            .iter()
            .chain(common)
            .find(|a| exact(&a.name, key))
        {
            return TopKey::Attribute(attr);
        }
        let is_urn = key.len() > 4 && key.as_bytes()[..4].eq_ignore_ascii_case(b"urn:");
        if is_urn {
            return match self.extension(key) {
                Some(ext) => TopKey::Extension(ext),
                None => TopKey::Other,
            };
        }
        match self
            .base
            .attributes
            .iter()
            .chain(common)
            .find(|a| a.name.eq_ignore_ascii_case(key))
        {
            Some(attr) => TopKey::Attribute(attr),
            None => TopKey::Other,
        }
    }

    /// The extension schema whose URN is `urn` (case-insensitive).
    pub(crate) fn extension(&self, urn: &str) -> Option<&'a Schema> {
        self.extensions
            .iter()
            .copied()
            .find(|ext| ext.id == urn)
            .or_else(|| self.extensions.iter().copied().find(|ext| ext.is(urn)))
    }
}

/// Finds an attribute by name: exact spelling first (the canonical case, cheapest), then
/// ASCII case-insensitively (RFC 7643 §2.1).
pub(crate) fn find<'d>(attrs: &'d [AttributeDef], name: &str) -> Option<&'d AttributeDef> {
    attrs
        .iter()
        .find(|attr| exact(&attr.name, name))
        .or_else(|| {
            attrs
                .iter()
                .find(|attr| attr.name.eq_ignore_ascii_case(name))
        })
}

/// String equality with a cheap first-byte test before the full comparison: most names
/// compared here differ, and differ early.
#[inline]
fn exact(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// The members of a resource, which must be a JSON object (RFC 7643 §2).
///
/// # Errors
/// 400 `invalidSyntax` for any other JSON value.
pub(crate) fn resource_object(resource: &mut Value) -> Result<&mut Map<String, Value>, ScimError> {
    match resource {
        Value::Object(object) => Ok(object),
        _ => Err(ScimError::invalid_syntax(
            "a SCIM resource must be a JSON object (RFC 7643 §2)",
        )),
    }
}
