//! Resource type definitions (RFC 7643 §6): a name, an endpoint, a base schema and extensions.

use serde::{Deserialize, Serialize};

/// An extension schema that a resource type allows (RFC 7643 §6 `schemaExtensions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaExtension {
    /// The extension schema URN.
    pub schema: String,
    /// Whether every resource of this type must carry the extension.
    #[serde(default)]
    pub required: bool,
}

/// A resource type as served at `/ResourceTypes/{name}` (RFC 7643 §6), without `meta`.
///
/// ```
/// use scimkit_schema::ResourceType;
///
/// let rt: ResourceType = serde_json::from_str(r#"{
///     "id": "User", "name": "User", "endpoint": "/Users",
///     "schema": "urn:ietf:params:scim:schemas:core:2.0:User",
///     "schemaExtensions": [{"schema": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "required": false}]
/// }"#).unwrap();
/// assert_eq!(rt.endpoint, "/Users");
/// assert_eq!(rt.schema_extensions.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceType {
    /// Server-unique id, usually equal to `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name used in `meta.resourceType`, e.g. `"User"` (case-exact).
    pub name: String,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Endpoint relative to the base URL, e.g. `"/Users"`.
    pub endpoint: String,
    /// The base schema URN.
    pub schema: String,
    /// Allowed extension schemas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schema_extensions: Vec<SchemaExtension>,
}

impl ResourceType {
    /// A resource type with `id` equal to `name` and no extensions.
    pub fn new(
        name: impl Into<String>,
        endpoint: impl Into<String>,
        schema: impl Into<String>,
    ) -> ResourceType {
        let name = name.into();
        ResourceType {
            id: Some(name.clone()),
            name,
            description: None,
            endpoint: endpoint.into(),
            schema: schema.into(),
            schema_extensions: Vec::new(),
        }
    }

    /// Adds an allowed extension (builder style).
    pub fn with_extension(mut self, schema: impl Into<String>, required: bool) -> ResourceType {
        self.schema_extensions.push(SchemaExtension {
            schema: schema.into(),
            required,
        });
        self
    }

    /// The full ResourceType resource as served at `/ResourceTypes/{id}` (RFC 7643 §6, §8.6;
    /// RFC 7644 §4): this type plus `schemas` and `meta` (`resourceType` `"ResourceType"`,
    /// `location` `{base_url}/ResourceTypes/{id or name}`). `base_url` is the SCIM base, e.g.
    /// `"https://example.com/v2"`, without a trailing `/`.
    pub fn to_resource(&self, base_url: &str) -> serde_json::Value {
        let id = self.id.as_deref().unwrap_or(&self.name);
        crate::discovery::to_resource(
            self,
            crate::urn::RESOURCE_TYPE,
            "ResourceType",
            &format!("{base_url}/ResourceTypes/{id}"),
        )
    }

    /// Whether `urn` is this type's base schema or one of its extensions (case-insensitive).
    pub fn uses_schema(&self, urn: &str) -> bool {
        self.schema.eq_ignore_ascii_case(urn) || self.extension(urn).is_some()
    }

    /// The extension entry for `urn`, if this type allows it (case-insensitive).
    pub fn extension(&self, urn: &str) -> Option<&SchemaExtension> {
        self.schema_extensions
            .iter()
            .find(|ext| ext.schema.eq_ignore_ascii_case(urn))
    }
}
