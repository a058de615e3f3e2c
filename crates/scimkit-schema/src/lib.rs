//! SCIM 2.0 resources, schemas and messages (RFC 7643, RFC 7644, RFC 9865).
//!
//! This crate is the shared understanding of SCIM data that the other scimkit crates stand
//! on. It holds:
//!
//! - the [`SchemaRegistry`]: the RFC 7643 §8.7 core schemas (errata applied) and resource
//!   types, custom schemas loaded from Schema JSON, and case-insensitive, URN-aware
//!   attribute resolution ([`SchemaRegistry::resolve`]) that returns each attribute's
//!   characteristics ([`AttributeDef`]: type, multiValued, caseExact, mutability, returned,
//!   uniqueness, canonicalValues, referenceTypes);
//! - schema-driven functions over the generic resource (a `serde_json::Value` object):
//!   [`canonicalize`] (schema spelling for every name, extension attributes into their
//!   extension object), [`validate`] per [`Operation`] (types, required, mutability,
//!   `primary`, `schemas`), [`ingest`] (parse + canonicalise + validate a request body) and
//!   [`Projection`] (`attributes` / `excludedAttributes` with `returned`);
//! - [`parse_json`]: a request body into a `serde_json::Value`, refusing an object that names
//!   one member twice (RFC 8259 §4) where `serde_json` would keep the last silently;
//! - the IdP compatibility options ([`Compat`]: string booleans, `manager` as a string, extra
//!   schema URIs, unknown attributes) and [`coerce_value`], which the PATCH engine reuses;
//! - protocol messages: [`ListResponse`], [`SearchRequest`], [`PatchOp`], [`BulkRequest`],
//!   [`BulkResponse`], [`ServiceProviderConfig`], [`ResourceType`], [`Schema`]; the request
//!   messages read their attribute names case-insensitively, as resources do (RFC 7643
//!   §2.1: `"operations"` is `Operations`, `"Count"` is `count`), and refuse one attribute
//!   sent in two spellings;
//! - typed [`User`], [`Group`], [`EnterpriseUser`] and their complex attributes, with
//!   lossless conversion to and from the generic resource ([`Field`] keeps absent, `null`
//!   and set apart);
//! - the SCIM `Error` message ([`ScimError`], [`ScimType`]), which is also the error type of
//!   every fallible operation in scimkit;
//! - well-known URNs ([`urn`]).
//!
//! # Example: a request body from parse to response
//!
//! ```
//! use scimkit_schema::{ingest, Compat, Operation, Projection, SchemaRegistry, User, ScimType};
//!
//! let registry = SchemaRegistry::core();
//! let user_type = registry.resource_type("User").expect("built in");
//!
//! // What Microsoft Entra ID may POST: odd spellings, a string boolean, a flat extension key.
//! let body = br#"{
//!   "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
//!               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
//!   "UserName": "ada@example.com", "active": "True", "password": "s3cret",
//!   "emails": [{"value": "ada@example.com", "type": "work", "primary": true}],
//!   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "u-boss"
//! }"#;
//!
//! // RFC-strict: the string boolean is refused with 400 invalidValue, naming the attribute.
//! let err = ingest(&registry, user_type, body, Operation::Create, &Compat::strict()).unwrap_err();
//! assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
//! assert!(err.detail.as_deref().unwrap().contains("active"));
//!
//! // With the IdP coercions: canonical names, coerced values, extension in its object.
//! let mut stored = ingest(&registry, user_type, body, Operation::Create, &Compat::lenient())?;
//! assert_eq!(stored["userName"], "ada@example.com");
//! assert_eq!(stored["active"], true);
//! assert_eq!(stored["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"], "u-boss");
//!
//! // A typed view, losslessly.
//! let user = User::from_value(stored.clone())?;
//! assert_eq!(user.enterprise.as_option().unwrap().manager.as_option().unwrap().value.as_option().unwrap(), "u-boss");
//! assert_eq!(user.to_value(), stored);
//!
//! // The response: `?excludedAttributes=emails`; `password` (returned: never) never leaves.
//! let projection = Projection::parse(&registry, user_type, None, Some("emails"))?;
//! projection.apply(&registry, user_type, &mut stored)?;
//! assert!(stored.get("password").is_none() && stored.get("emails").is_none());
//! # Ok::<(), scimkit_schema::ScimError>(())
//! ```
//!
//! # Example: attribute resolution
//!
//! ```
//! use scimkit_schema::{AttrRef, Resolved, SchemaRegistry, ScimType, Mutability};
//!
//! let registry = SchemaRegistry::core();
//! let user = registry.resource_type("User").expect("built in");
//!
//! // Names are case-insensitive and may carry a schema URN (RFC 7644 §3.10).
//! let path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:MANAGER.value";
//! match registry.resolve(user, AttrRef::parse(path)?)? {
//!     Resolved::Attribute(attr) => {
//!         assert_eq!(attr.canonical_path(),
//!             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
//!         assert!(attr.leaf().case_exact);
//!         assert_eq!(attr.leaf().mutability, Mutability::ReadWrite);
//!     }
//!     Resolved::Extension(_) => unreachable!(),
//! }
//!
//! // Unknown names are errors the caller turns into the right scimType.
//! let err = registry.resolve_str(user, "nickname.first").unwrap_err();
//! assert_eq!(err.into_scim(ScimType::InvalidFilter).status, 400);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod attr_ref;
mod attribute;
mod canonical;
mod coerce;
mod compat;
mod discovery;
mod error;
mod ingest;
mod json_text;
mod layout;
mod location;
mod messages;
mod projection;
mod registry;
mod resource_type;
mod schema;
mod status;
mod typed;
pub mod urn;
mod validate;
mod value_type;

pub use attr_ref::{AttrRef, AttrRefError, is_attr_name};
pub use attribute::{AttributeDef, AttributeType, Mutability, Returned, Uniqueness};
pub use canonical::{canonicalize, canonicalize_value};
pub use coerce::coerce_value;
pub use compat::{Compat, UnknownAttributes};
pub use error::{ScimError, ScimType};
pub use ingest::ingest;
pub use json_text::{parse_json, parse_json_body};
pub use messages::{
    AuthenticationScheme, BulkConfig, BulkMethod, BulkOperation, BulkOperationResponse,
    BulkRequest, BulkResponse, FilterConfig, ListResponse, Pagination, PaginationMethod, PatchOp,
    PatchOpKind, PatchOperation, SearchRequest, ServiceProviderConfig, SortOrder, Supported,
};
pub use projection::Projection;
pub use registry::{ResolveError, Resolved, ResolvedAttribute, SchemaRegistry};
pub use resource_type::{ResourceType, SchemaExtension};
pub use schema::Schema;
pub use typed::{
    Address, Email, EnterpriseUser, Entitlement, Field, Group, GroupMembership, Im, Manager,
    Member, Meta, MultiValue, Name, PhoneNumber, Photo, ResourceRef, Role, User, X509Certificate,
};
pub use validate::{Operation, validate, validate_value};
