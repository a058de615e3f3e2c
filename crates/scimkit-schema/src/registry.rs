//! The schema registry: schemas and resource types by URN and name, and attribute resolution
//! (RFC 7643 §3, §6, §7; RFC 7644 §3.10).

use std::fmt;
use std::sync::OnceLock;

use crate::attr_ref::AttrRef;
use crate::attribute::{AttributeDef, AttributeType, Mutability, Returned, Uniqueness};
use crate::error::ScimError;
use crate::resource_type::ResourceType;
use crate::schema::Schema;
use crate::urn;

const CORE_SCHEMAS_JSON: &str = include_str!("../data/core-schemas.json");
const SERVICE_PROVIDER_SCHEMAS_JSON: &str = include_str!("../data/service-provider-schemas.json");

/// Schemas and resource types known to a service, with case-insensitive attribute resolution.
///
/// [`SchemaRegistry::core`] holds the RFC 7643 §8.7 schemas (User, Group, EnterpriseUser,
/// ServiceProviderConfig, ResourceType, Schema; errata applied, see `data/`) and the `User`
/// (with the enterprise extension, optional) and `Group` resource types. Custom schemas and
/// resource types are added with [`add_schema`](SchemaRegistry::add_schema) and
/// [`add_resource_type`](SchemaRegistry::add_resource_type).
///
/// ```
/// use scimkit_schema::{AttrRef, Resolved, SchemaRegistry};
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let Resolved::Attribute(attr) = registry.resolve(user, AttrRef::parse("EMAILS.Value").unwrap()).unwrap()
/// else { unreachable!() };
/// assert_eq!(attr.canonical_path(), "emails.value");
/// assert!(!attr.leaf().case_exact);
/// ```
#[derive(Clone, Debug)]
pub struct SchemaRegistry {
    schemas: Vec<Schema>,
    resource_types: Vec<ResourceType>,
}

/// What an attribute reference resolved to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved<'r> {
    /// An attribute, possibly with a sub-attribute.
    Attribute(ResolvedAttribute<'r>),
    /// A whole extension schema named by its URN alone (e.g. the PATCH path
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, RFC 7643 §3.3). The JSON
    /// value lives under the resource's key equal to the schema id.
    Extension(&'r Schema),
}

/// A resolved attribute: its definition and where its value lives in a resource's JSON.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResolvedAttribute<'r> {
    /// The schema that defines the attribute; `None` for the common attributes `id`,
    /// `externalId`, `meta` and `schemas` (RFC 7643 §3.1), which belong to no schema.
    pub schema: Option<&'r Schema>,
    /// Whether the value lives in the extension object keyed by `schema.id` (RFC 7643 §3.3)
    /// rather than at the resource's top level.
    pub extension: bool,
    /// The top-level attribute.
    pub attribute: &'r AttributeDef,
    /// The sub-attribute, when the reference named one.
    pub sub_attribute: Option<&'r AttributeDef>,
}

impl<'r> ResolvedAttribute<'r> {
    /// The innermost definition: the sub-attribute if named, else the attribute.
    pub fn leaf(&self) -> &'r AttributeDef {
        self.sub_attribute.unwrap_or(self.attribute)
    }

    /// The JSON key of the extension object holding the value, if it lives in one.
    pub fn extension_key(&self) -> Option<&'r str> {
        match (self.extension, self.schema) {
            (true, Some(schema)) => Some(&schema.id),
            _ => None,
        }
    }

    /// The path in the schema's spelling: `name.givenName`, or for extension attributes
    /// `urn:...:enterprise:2.0:User:manager.value`.
    pub fn canonical_path(&self) -> String {
        let mut out = String::new();
        if let Some(key) = self.extension_key() {
            out.push_str(key);
            out.push(':');
        }
        out.push_str(&self.attribute.name);
        if let Some(sub) = self.sub_attribute {
            out.push('.');
            out.push_str(&sub.name);
        }
        out
    }
}

/// Why an attribute reference did not resolve. Callers map it to the `scimType` their
/// context needs (`invalidFilter` for filters, `invalidPath` for PATCH paths, `invalidValue`
/// for request bodies) with [`ResolveError::into_scim`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The URN prefix is not the resource type's schema or one of its extensions.
    #[error("schema {urn:?} is not used by resource type {resource_type:?}")]
    UnknownSchema {
        /// The URN as given.
        urn: String,
        /// The resource type's name.
        resource_type: String,
    },
    /// No attribute of that name in the schemas searched.
    #[error("attribute {path:?} is not defined for resource type {resource_type:?}")]
    UnknownAttribute {
        /// The reference as given.
        path: String,
        /// The resource type's name.
        resource_type: String,
    },
    /// The attribute exists but has no such sub-attribute (or is not complex).
    #[error("attribute {attribute:?} has no sub-attribute {sub_attr:?}")]
    UnknownSubAttribute {
        /// The attribute's canonical name.
        attribute: String,
        /// The sub-attribute as given.
        sub_attr: String,
    },
}

impl ResolveError {
    /// A 400 [`ScimError`] with the given `scimType` and this error's message as `detail`.
    pub fn into_scim(self, scim_type: crate::ScimType) -> ScimError {
        ScimError::new(scim_type, self.to_string())
    }
}

impl Default for SchemaRegistry {
    fn default() -> Self {
        SchemaRegistry::core()
    }
}

impl SchemaRegistry {
    /// A registry with no schemas and no resource types.
    pub fn empty() -> SchemaRegistry {
        SchemaRegistry {
            schemas: Vec::new(),
            resource_types: Vec::new(),
        }
    }

    /// The RFC 7643 core schemas and the `User` and `Group` resource types (see the type docs).
    ///
    /// The built-in data is parsed once per process; each call returns a fresh clone (the
    /// caller may add schemas to it), so build the registry once and share it rather than
    /// calling this per request.
    pub fn core() -> SchemaRegistry {
        static CORE: OnceLock<SchemaRegistry> = OnceLock::new();
        CORE.get_or_init(|| {
            let mut registry = SchemaRegistry::empty();
            for json in [CORE_SCHEMAS_JSON, SERVICE_PROVIDER_SCHEMAS_JSON] {
                let schemas: Vec<Schema> =
                    serde_json::from_str(json).expect("built-in schema data is valid");
                for schema in schemas {
                    registry
                        .add_schema(schema)
                        .expect("built-in schemas are consistent");
                }
            }
            registry
                .add_resource_type(
                    ResourceType::new("User", "/Users", urn::USER)
                        .with_extension(urn::ENTERPRISE_USER, false),
                )
                .expect("User resource type is consistent");
            registry
                .add_resource_type(ResourceType::new("Group", "/Groups", urn::GROUP))
                .expect("Group resource type is consistent");
            registry
        })
        .clone()
    }

    /// Adds a schema definition.
    ///
    /// # Errors
    /// 400 `invalidValue` when a schema with the same id (case-insensitively) is already
    /// registered, when an attribute name is not an `ATTRNAME` (RFC 7643 §2.1) or appears twice
    /// at one level, or when a non-complex attribute lists sub-attributes.
    pub fn add_schema(&mut self, schema: Schema) -> Result<(), ScimError> {
        if self.schema(&schema.id).is_some() {
            return Err(ScimError::invalid_value(format!(
                "schema {:?} is already registered",
                schema.id
            )));
        }
        check_attributes(&schema.id, &schema.attributes)?;
        self.schemas.push(schema);
        Ok(())
    }

    /// Parses a Schema resource (RFC 7643 §7 JSON, e.g. from a `/Schemas/{id}` response) and
    /// adds it.
    ///
    /// # Errors
    /// 400 `invalidSyntax` if the JSON is not a Schema, else as [`add_schema`](Self::add_schema).
    pub fn add_schema_json(&mut self, json: &str) -> Result<(), ScimError> {
        let schema: Schema = serde_json::from_str(json)
            .map_err(|e| ScimError::invalid_syntax(format!("schema definition: {e}")))?;
        self.add_schema(schema)
    }

    /// Adds a resource type.
    ///
    /// # Errors
    /// 400 `invalidValue` when its name or endpoint is taken, or its base schema or an
    /// extension is not registered.
    pub fn add_resource_type(&mut self, resource_type: ResourceType) -> Result<(), ScimError> {
        if self.resource_type(&resource_type.name).is_some()
            || self
                .resource_type_by_endpoint(&resource_type.endpoint)
                .is_some()
        {
            return Err(ScimError::invalid_value(format!(
                "resource type {:?} or endpoint {:?} is already registered",
                resource_type.name, resource_type.endpoint
            )));
        }
        let missing = std::iter::once(resource_type.schema.as_str())
            .chain(
                resource_type
                    .schema_extensions
                    .iter()
                    .map(|e| e.schema.as_str()),
            )
            .find(|urn| self.schema(urn).is_none());
        if let Some(missing) = missing {
            return Err(ScimError::invalid_value(format!(
                "resource type {:?} uses schema {missing:?}, which is not registered",
                resource_type.name
            )));
        }
        self.resource_types.push(resource_type);
        Ok(())
    }

    /// The schema with this URN (case-insensitive).
    pub fn schema(&self, urn: &str) -> Option<&Schema> {
        self.schemas.iter().find(|schema| schema.is(urn))
    }

    /// All schemas, in registration order.
    pub fn schemas(&self) -> &[Schema] {
        &self.schemas
    }

    /// The resource type with this name (case-exact, RFC 7643 §6 errata S6).
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types.iter().find(|rt| rt.name == name)
    }

    /// The resource type served at `endpoint`, e.g. `"/Users"` (case-sensitive path).
    pub fn resource_type_by_endpoint(&self, endpoint: &str) -> Option<&ResourceType> {
        self.resource_types
            .iter()
            .find(|rt| rt.endpoint == endpoint)
    }

    /// All resource types, in registration order.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.resource_types
    }

    /// The common attributes every resource has and no schema lists (RFC 7643 §3.1):
    /// `id`, `externalId`, `meta` and `schemas`.
    pub fn common_attributes() -> &'static [AttributeDef] {
        static COMMON: OnceLock<Vec<AttributeDef>> = OnceLock::new();
        COMMON.get_or_init(common_attribute_defs)
    }

    /// Resolves an attribute reference for a resource type (RFC 7644 §3.10).
    ///
    /// Rules, all ASCII case-insensitive:
    /// - With a URN equal to an extension schema of the type, the name is looked up in that
    ///   extension. With the base schema's URN, in the base schema, then the common attributes.
    /// - Without a URN: the base schema, then the common attributes, then each extension in
    ///   order (clients MAY omit the URN, RFC 7644 §3.10).
    /// - `urn ":" name` that together spell an extension URN (with no sub-attribute) resolves
    ///   to [`Resolved::Extension`].
    ///
    /// # Errors
    /// [`ResolveError`] naming the part that did not resolve.
    pub fn resolve<'r>(
        &'r self,
        resource_type: &ResourceType,
        reference: AttrRef<'_>,
    ) -> Result<Resolved<'r>, ResolveError> {
        let unknown_attribute = || ResolveError::UnknownAttribute {
            path: reference.to_string(),
            resource_type: resource_type.name.clone(),
        };
        let found = match reference.urn {
            Some(urn) => {
                if reference.sub_attr.is_none()
                    && let Some(ext) = self.extension_named(resource_type, urn, reference.name)
                {
                    return Ok(Resolved::Extension(ext));
                }
                let schema = self
                    .schema(urn)
                    .filter(|schema| resource_type.uses_schema(&schema.id))
                    .ok_or_else(|| ResolveError::UnknownSchema {
                        urn: urn.to_owned(),
                        resource_type: resource_type.name.clone(),
                    })?;
                let is_base = schema.is(&resource_type.schema);
                match schema.attribute(reference.name) {
                    Some(attr) => (Some(schema), !is_base, attr),
                    None if is_base => (
                        None,
                        false,
                        common_attribute(reference.name).ok_or_else(unknown_attribute)?,
                    ),
                    None => return Err(unknown_attribute()),
                }
            }
            None => self
                .find_unqualified(resource_type, reference.name)
                .ok_or_else(unknown_attribute)?,
        };
        let (schema, extension, attribute) = found;
        let sub_attribute = match reference.sub_attr {
            Some(sub) => Some(attribute.sub_attribute(sub).ok_or_else(|| {
                ResolveError::UnknownSubAttribute {
                    attribute: attribute.name.clone(),
                    sub_attr: sub.to_owned(),
                }
            })?),
            None => None,
        };
        Ok(Resolved::Attribute(ResolvedAttribute {
            schema,
            extension,
            attribute,
            sub_attribute,
        }))
    }

    /// Convenience: [`AttrRef::parse`] then [`resolve`](Self::resolve); a text that is not a
    /// path is reported as an unknown attribute.
    pub fn resolve_str<'r>(
        &'r self,
        resource_type: &ResourceType,
        path: &str,
    ) -> Result<Resolved<'r>, ResolveError> {
        let reference = AttrRef::parse(path).map_err(|_| ResolveError::UnknownAttribute {
            path: path.to_owned(),
            resource_type: resource_type.name.clone(),
        })?;
        self.resolve(resource_type, reference)
    }

    /// The base schema of a resource type. Panics never: a registered type's schema exists.
    pub fn base_schema(&self, resource_type: &ResourceType) -> Option<&Schema> {
        self.schema(&resource_type.schema)
    }

    /// The extension schemas a resource type allows, in declaration order.
    pub fn extension_schemas<'r>(
        &'r self,
        resource_type: &'r ResourceType,
    ) -> impl Iterator<Item = &'r Schema> + 'r {
        resource_type
            .schema_extensions
            .iter()
            .filter_map(|ext| self.schema(&ext.schema))
    }

    fn extension_named(
        &self,
        resource_type: &ResourceType,
        urn: &str,
        name: &str,
    ) -> Option<&Schema> {
        resource_type.schema_extensions.iter().find_map(|ext| {
            let id = ext.schema.as_str();
            let split = id.len().checked_sub(name.len() + 1)?;
            let matches = id.is_char_boundary(split)
                && id[..split].eq_ignore_ascii_case(urn)
                && id.as_bytes()[split] == b':'
                && id[split + 1..].eq_ignore_ascii_case(name);
            if matches { self.schema(id) } else { None }
        })
    }

    fn find_unqualified<'r>(
        &'r self,
        resource_type: &ResourceType,
        name: &str,
    ) -> Option<(Option<&'r Schema>, bool, &'r AttributeDef)> {
        if let Some(base) = self.schema(&resource_type.schema)
            && let Some(attr) = base.attribute(name)
        {
            return Some((Some(base), false, attr));
        }
        if let Some(attr) = common_attribute(name) {
            return Some((None, false, attr));
        }
        resource_type.schema_extensions.iter().find_map(|ext| {
            let schema = self.schema(&ext.schema)?;
            schema
                .attribute(name)
                .map(|attr| (Some(schema), true, attr))
        })
    }
}

fn common_attribute(name: &str) -> Option<&'static AttributeDef> {
    SchemaRegistry::common_attributes()
        .iter()
        .find(|attr| attr.name.eq_ignore_ascii_case(name))
}

/// RFC 7643 §3.1 (common attributes) and §3 (`schemas`).
fn common_attribute_defs() -> Vec<AttributeDef> {
    let id = AttributeDef {
        case_exact: true,
        mutability: Mutability::ReadOnly,
        returned: Returned::Always,
        uniqueness: Uniqueness::Server,
        description: Some("Server-issued, stable, unique identifier (RFC 7643 §3.1)".into()),
        ..AttributeDef::new("id", AttributeType::String)
    };
    let external_id = AttributeDef {
        case_exact: true,
        description: Some("Identifier assigned by the provisioning client (RFC 7643 §3.1)".into()),
        ..AttributeDef::new("externalId", AttributeType::String)
    };
    let read_only = |name: &str, kind: AttributeType, case_exact: bool| AttributeDef {
        case_exact,
        mutability: Mutability::ReadOnly,
        ..AttributeDef::new(name, kind)
    };
    let mut location = read_only("location", AttributeType::Reference, true);
    location.reference_types = Some(vec!["uri".into()]);
    let meta = AttributeDef {
        mutability: Mutability::ReadOnly,
        description: Some("Resource metadata, set by the service provider (RFC 7643 §3.1)".into()),
        sub_attributes: vec![
            read_only("resourceType", AttributeType::String, true),
            read_only("created", AttributeType::DateTime, false),
            read_only("lastModified", AttributeType::DateTime, false),
            location,
            read_only("version", AttributeType::String, true),
        ],
        ..AttributeDef::new("meta", AttributeType::Complex)
    };
    let schemas = AttributeDef {
        multi_valued: true,
        required: true,
        returned: Returned::Always,
        reference_types: Some(vec!["uri".into()]),
        description: Some("URIs of the schemas the resource uses (RFC 7643 §3)".into()),
        ..AttributeDef::new("schemas", AttributeType::Reference)
    };
    vec![id, external_id, meta, schemas]
}

fn check_attributes(schema_id: &str, attrs: &[AttributeDef]) -> Result<(), ScimError> {
    for (i, attr) in attrs.iter().enumerate() {
        if !crate::attr_ref::is_attr_name(&attr.name) {
            return Err(ScimError::invalid_value(format!(
                "schema {schema_id:?}: {:?} is not a valid attribute name (RFC 7643 §2.1)",
                attr.name
            )));
        }
        if attrs[..i]
            .iter()
            .any(|a| a.name.eq_ignore_ascii_case(&attr.name))
        {
            return Err(ScimError::invalid_value(format!(
                "schema {schema_id:?}: attribute {:?} is defined twice",
                attr.name
            )));
        }
        if attr.is_complex() {
            // RFC 7643 §2.3.8 forbids complex sub-attributes, yet the RFC's own Schema schema
            // (§8.7.2, `attributes.subAttributes`) nests one; nesting is therefore accepted.
            check_attributes(schema_id, &attr.sub_attributes)?;
        } else if !attr.sub_attributes.is_empty() {
            return Err(ScimError::invalid_value(format!(
                "schema {schema_id:?}: {:?} has sub-attributes but is of type {}",
                attr.name,
                attr.kind.as_str()
            )));
        }
    }
    Ok(())
}

impl fmt::Display for ResolvedAttribute<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_attr(path: &str) -> ResolvedAttribute<'static> {
        static REGISTRY: OnceLock<SchemaRegistry> = OnceLock::new();
        let registry = REGISTRY.get_or_init(SchemaRegistry::core);
        let user = registry.resource_type("User").unwrap();
        match registry.resolve_str(user, path).unwrap() {
            Resolved::Attribute(attr) => attr,
            Resolved::Extension(s) => panic!("{path} resolved to extension {}", s.id),
        }
    }

    #[test]
    fn core_registry_has_the_rfc7643_schemas_and_types() {
        let registry = SchemaRegistry::core();
        for id in [
            urn::USER,
            urn::GROUP,
            urn::ENTERPRISE_USER,
            urn::SERVICE_PROVIDER_CONFIG,
            urn::RESOURCE_TYPE,
            urn::SCHEMA,
        ] {
            assert!(registry.schema(id).is_some(), "{id}");
        }
        assert_eq!(
            registry.resource_type_by_endpoint("/Groups").unwrap().name,
            "Group"
        );
        assert_eq!(registry.schema(urn::USER).unwrap().attributes.len(), 21);
    }

    /// RFC 7643 §2.1: attribute names are case-insensitive; the schema's spelling is returned.
    #[test]
    fn names_resolve_case_insensitively_to_schema_spelling() {
        let attr = user_attr("USERNAME");
        assert_eq!(attr.attribute.name, "userName");
        assert!(!attr.attribute.case_exact);
        assert_eq!(attr.attribute.uniqueness, Uniqueness::Server);
        assert_eq!(
            user_attr("name.GIVENNAME").canonical_path(),
            "name.givenName"
        );
    }

    /// RFC 7643 §3.1: common attributes resolve for every type.
    #[test]
    fn common_attributes_resolve() {
        let id = user_attr("id");
        assert!(id.schema.is_none());
        assert!(id.attribute.case_exact);
        assert_eq!(id.attribute.returned, Returned::Always);
        assert!(user_attr("externalId").attribute.case_exact);
        let version = user_attr("meta.version");
        assert_eq!(version.leaf().mutability, Mutability::ReadOnly);
        let via_base_urn = user_attr("urn:ietf:params:scim:schemas:core:2.0:User:id");
        assert_eq!(via_base_urn.attribute.name, "id");
    }

    /// RFC 7644 §3.10 and RFC 7643 §3.3: URN-qualified extension attributes, errata C3.
    #[test]
    fn extension_attributes_resolve_with_and_without_urn() {
        let qualified =
            user_attr("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
        assert!(qualified.extension);
        assert_eq!(qualified.extension_key(), Some(urn::ENTERPRISE_USER));
        assert!(
            qualified.leaf().case_exact,
            "errata C3: manager.value is caseExact"
        );
        assert_eq!(
            qualified.canonical_path(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
        );
        let lower =
            user_attr("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:employeeNumber");
        assert_eq!(lower.attribute.name, "employeeNumber");
        let bare = user_attr("employeeNumber");
        assert!(bare.extension);
    }

    #[test]
    fn bare_extension_urn_resolves_to_the_extension() {
        let registry = SchemaRegistry::core();
        let user = registry.resource_type("User").unwrap();
        let resolved = registry
            .resolve_str(
                user,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            )
            .unwrap();
        assert!(matches!(resolved, Resolved::Extension(s) if s.id == urn::ENTERPRISE_USER));
    }

    #[test]
    fn unknown_parts_are_reported() {
        let registry = SchemaRegistry::core();
        let group = registry.resource_type("Group").unwrap();
        assert!(matches!(
            registry.resolve_str(group, "userName"),
            Err(ResolveError::UnknownAttribute { .. })
        ));
        assert!(matches!(
            registry.resolve_str(group, "members.nope"),
            Err(ResolveError::UnknownSubAttribute { .. })
        ));
        assert!(matches!(
            registry.resolve_str(
                group,
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
            ),
            Err(ResolveError::UnknownSchema { .. })
        ));
        let err = registry
            .resolve_str(group, "nope")
            .unwrap_err()
            .into_scim(crate::ScimType::InvalidFilter);
        assert_eq!(err.status, 400);
        assert!(err.detail.unwrap().contains("nope"));
    }

    #[test]
    fn custom_schemas_and_types_are_checked() {
        let mut registry = SchemaRegistry::core();
        registry
            .add_schema_json(
                r#"{"id": "urn:example:Device", "name": "Device",
                    "attributes": [{"name": "serial", "type": "string", "caseExact": true}]}"#,
            )
            .unwrap();
        registry
            .add_resource_type(ResourceType::new(
                "Device",
                "/Devices",
                "urn:example:Device",
            ))
            .unwrap();
        let device = registry.resource_type("Device").unwrap();
        assert!(registry.resolve_str(device, "SERIAL").is_ok());

        assert!(
            registry
                .add_schema_json(r#"{"id": "urn:example:Device"}"#)
                .is_err()
        );
        assert!(registry.add_schema_json("not json").is_err());
        let twice = r#"{"id": "urn:example:Bad", "attributes": [{"name": "a"}, {"name": "A"}]}"#;
        assert!(registry.add_schema_json(twice).is_err());
        let subs_on_string = r#"{"id": "urn:example:Bad2", "attributes": [{"name": "a",
            "subAttributes": [{"name": "b"}]}]}"#;
        assert!(registry.add_schema_json(subs_on_string).is_err());
        assert!(
            registry
                .add_resource_type(ResourceType::new("Thing", "/Things", "urn:example:Missing"))
                .is_err()
        );
    }
}
