//! References to other resources: User `groups` and Group `members` (RFC 7643 §4.1.2, §4.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// A reference to another resource by `value` (its `id`) and `$ref` (its URI): the shape of
/// User `groups` (readOnly, RFC 7643 §4.1.2) and Group `members` (RFC 7643 §4.2).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// The referenced resource's `id`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value: Field<String>,
    /// The referenced resource's URI (`$ref`).
    #[serde(rename = "$ref", default, skip_serializing_if = "Field::is_absent")]
    pub reference: Field<String>,
    /// Human-readable name of the referenced resource.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub display: Field<String>,
    /// `"direct"` / `"indirect"` for groups, `"User"` / `"Group"` for members.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A User's `groups` value (readOnly; change membership through the Group, RFC 7643 §4.1.2).
pub type GroupMembership = ResourceRef;
/// A Group's `members` value (RFC 7643 §4.2).
pub type Member = ResourceRef;
