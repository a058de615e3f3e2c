//! Schema definitions (RFC 7643 §7): a URN, a name and a list of attributes.

use serde::{Deserialize, Serialize};

use crate::attribute::AttributeDef;

/// A schema definition as served at `/Schemas/{id}` (RFC 7643 §7, RFC 7644 §4), without the
/// server-specific `meta`.
///
/// Reading accepts the RFC 7643 §8.7 JSON (extra keys such as `schemas` and `meta` are ignored);
/// writing produces `schemas`, `id`, `name`, `description` and `attributes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// The schema URN, e.g. `urn:ietf:params:scim:schemas:core:2.0:User`.
    pub id: String,
    /// Human-readable name, e.g. `"User"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The schema's top-level attributes.
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
}

impl Schema {
    /// Finds a top-level attribute by name, ASCII case-insensitively (RFC 7643 §2.1).
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes
            .iter()
            .find(|attr| attr.name.eq_ignore_ascii_case(name))
    }

    /// The full Schema resource as served at `/Schemas/{id}` (RFC 7643 §7, §8.7; RFC 7644
    /// §4): this schema plus `schemas` and `meta` (`resourceType` `"Schema"`, `location`
    /// `{base_url}/Schemas/{id}`). `base_url` is the SCIM base, e.g.
    /// `"https://example.com/v2"`, without a trailing `/`.
    pub fn to_resource(&self, base_url: &str) -> serde_json::Value {
        crate::discovery::to_resource(
            self,
            crate::urn::SCHEMA,
            "Schema",
            &format!("{base_url}/Schemas/{}", self.id),
        )
    }

    /// Whether a key of this extension's object (RFC 7643 §3.3) is not data and is dropped:
    /// `schemas` in any case, unless the schema defines an attribute of that name. Clients
    /// such as scim2-models repeat the extension's URN list inside its object
    /// (`{"schemas": [...], "employeeNumber": "42"}`); `schemas` belongs to the resource
    /// (RFC 7643 §3), so the inner copy is never stored, in any preset.
    ///
    /// ```
    /// use scimkit_schema::SchemaRegistry;
    ///
    /// let registry = SchemaRegistry::core();
    /// let enterprise = registry.schema("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User").unwrap();
    /// assert!(enterprise.ignores_key("schemas") && enterprise.ignores_key("Schemas"));
    /// assert!(!enterprise.ignores_key("employeeNumber"));
    /// ```
    pub fn ignores_key(&self, key: &str) -> bool {
        key.eq_ignore_ascii_case("schemas") && self.attribute(key).is_none()
    }

    /// Whether `urn` names this schema (URNs compare case-insensitively, RFC 7644 §3.10).
    pub fn is(&self, urn: &str) -> bool {
        self.id.eq_ignore_ascii_case(urn)
    }
}
