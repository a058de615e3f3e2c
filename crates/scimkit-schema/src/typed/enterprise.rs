//! The enterprise User extension (RFC 7643 §4.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// The enterprise `manager` (RFC 7643 §4.3): the manager's `id` and URI; `displayName` is
/// readOnly. (Entra's bare-string form is turned into this shape by
/// [`Compat::manager_as_string`](crate::Compat::manager_as_string).)
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manager {
    /// The manager's `id`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value: Field<String>,
    /// The manager's URI (`$ref`).
    #[serde(rename = "$ref", default, skip_serializing_if = "Field::is_absent")]
    pub reference: Field<String>,
    /// The manager's display name (readOnly).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub display_name: Field<String>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The enterprise User extension object (RFC 7643 §4.3), found under the key
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` of a User.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseUser {
    /// Numeric or alphanumeric employee identifier.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub employee_number: Field<String>,
    /// Cost center name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub cost_center: Field<String>,
    /// Organization name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub organization: Field<String>,
    /// Division name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub division: Field<String>,
    /// Department name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub department: Field<String>,
    /// The user's manager.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub manager: Field<Manager>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
