//! [`Outcome`]: what a PATCH changed, per top-level attribute, cheap enough for a service to
//! decide whether to bump `meta.version` and which events to emit.

use serde_json::Value;

/// What [`apply`](crate::apply) changed.
///
/// A PATCH whose operations change nothing (adding a member that is already there, replacing
/// `displayName` with its current value) gives an `Outcome` with [`changed`](Self::changed)
/// false: the caller must then not bump `meta.lastModified` or `meta.version`
/// (RFC 7644 §3.5.2.1: "SHALL NOT change the modify timestamp").
///
/// Changes are listed per top-level attribute, named by its canonical path (`active`,
/// `name`, `members`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`),
/// in the order the request first changed them. For multi-valued attributes the values added
/// and removed are listed (net of each other: adding then removing a member in one request
/// lists neither), so a service can emit "members added" / "members removed" events without
/// diffing 100,000-member groups itself.
///
/// ```
/// use scimkit_patch::{apply, PatchOptions};
/// use scimkit_schema::{PatchOp, SchemaRegistry};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let mut user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///                       "id": "u1", "userName": "ada", "active": true});
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///     "Operations": [{"op": "replace", "value": {"active": false}}]}"#).unwrap();
/// let outcome = apply(&mut user, &patch, &registry, users, &PatchOptions::default()).unwrap();
/// assert!(outcome.changed());
/// assert!(outcome.attribute_changed("ACTIVE"));
/// assert_eq!(outcome.changed_attributes().collect::<Vec<_>>(), ["active"]);
///
/// // The same request again changes nothing.
/// let again = apply(&mut user, &patch, &registry, users, &PatchOptions::default()).unwrap();
/// assert!(!again.changed());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    pub(crate) changes: Vec<AttributeChange>,
}

/// How one top-level attribute changed.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributeChange {
    /// The attribute's canonical path: `displayName`, `members`, or for extension attributes
    /// `urn:...:enterprise:2.0:User:manager`. `schemas` appears when the request added or
    /// dropped an extension URN.
    pub attribute: String,
    /// Multi-valued attributes: the values added, as stored.
    pub added: Vec<Value>,
    /// Multi-valued attributes: the values removed, as they were stored.
    pub removed: Vec<Value>,
}

impl Outcome {
    /// Whether the resource differs from before the request (and so needs a new
    /// `meta.lastModified` and `meta.version`).
    pub fn changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The changed top-level attributes, canonical paths, in the order first changed.
    pub fn changed_attributes(&self) -> impl Iterator<Item = &str> {
        self.changes.iter().map(|c| c.attribute.as_str())
    }

    /// Every change, in the order first changed.
    pub fn changes(&self) -> &[AttributeChange] {
        &self.changes
    }

    /// The change of one attribute, named by its canonical path (ASCII case-insensitive), if
    /// it changed.
    pub fn change(&self, attribute: &str) -> Option<&AttributeChange> {
        self.changes
            .iter()
            .find(|c| c.attribute.eq_ignore_ascii_case(attribute))
    }

    /// Whether `attribute` (canonical path, ASCII case-insensitive) changed.
    pub fn attribute_changed(&self, attribute: &str) -> bool {
        self.change(attribute).is_some()
    }
}
