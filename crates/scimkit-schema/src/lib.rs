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
//! - the SCIM `Error` message ([`ScimError`], [`ScimType`]), which is also the error type of
//!   every fallible operation in scimkit;
//! - well-known URNs ([`urn`]).
//!
//! # Example
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
mod error;
mod registry;
mod resource_type;
mod schema;
pub mod urn;

pub use attr_ref::{AttrRef, AttrRefError, is_attr_name};
pub use attribute::{AttributeDef, AttributeType, Mutability, Returned, Uniqueness};
pub use error::{ScimError, ScimType};
pub use registry::{ResolveError, Resolved, ResolvedAttribute, SchemaRegistry};
pub use resource_type::{ResourceType, SchemaExtension};
pub use schema::Schema;
