//! One call for a request body: parse, canonicalise, validate.

use serde_json::Value;

use crate::canonical::canonicalize;
use crate::compat::Compat;
use crate::error::ScimError;
use crate::registry::SchemaRegistry;
use crate::resource_type::ResourceType;
use crate::validate::{Operation, validate};

/// Parses a request or stored body and prepares it for `operation`:
/// [`parse_json`](crate::parse_json) → [`canonicalize`] → [`validate`]. This is what a protocol
/// service calls on every POST and PUT body (RFC 7644 §3.3, §3.5.1).
///
/// The result is a canonical JSON object: schema spelling for every name, extension
/// attributes inside their extension object, IdP coercions applied, readOnly input removed
/// for `Create` / `Replace`.
///
/// # Errors
/// 400 `invalidSyntax` when `body` is not JSON, or names one member twice in an object
/// (RFC 8259 §4; the detail gives line and column), or is not an object; otherwise those of [`canonicalize`] and [`validate`].
///
/// ```
/// use scimkit_schema::{ingest, Compat, Operation, SchemaRegistry};
///
/// let registry = SchemaRegistry::core();
/// let group = registry.resource_type("Group").unwrap();
/// let body = br#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
///                             "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
///                 "DisplayName": "Tour Guides", "meta": {"resourceType": "Group"}}"#;
/// let group_json = ingest(&registry, group, body, Operation::Create, &Compat::lenient()).unwrap();
/// assert_eq!(group_json["displayName"], "Tour Guides");
/// assert!(group_json.get("meta").is_none());
///
/// // Strict mode refuses Entra's extra schema URI.
/// assert!(ingest(&registry, group, body, Operation::Create, &Compat::strict()).is_err());
/// ```
pub fn ingest(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    body: &[u8],
    operation: Operation<'_>,
    compat: &Compat,
) -> Result<Value, ScimError> {
    let mut resource = crate::parse_json_body(body, "the request body")?;
    canonicalize(registry, resource_type, &mut resource, compat)?;
    validate(registry, resource_type, &mut resource, operation, compat)?;
    Ok(resource)
}
