//! The typed Group resource (RFC 7643 §4.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Field, Member, Meta};

/// A Group (RFC 7643 §4.2). Convert from and to the generic resource with
/// [`Group::from_value`] and [`Group::to_value`]; unknown attributes and extension objects
/// are kept in `extra`.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The schema URIs (RFC 7643 §3).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub schemas: Field<Vec<String>>,
    /// Server-issued identifier (readOnly, RFC 7643 §3.1).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub id: Field<String>,
    /// The provisioning client's identifier (RFC 7643 §3.1).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub external_id: Field<String>,
    /// Resource metadata (readOnly, RFC 7643 §3.1).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub meta: Field<Meta>,
    /// Human-readable name (REQUIRED, errata C1).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub display_name: Field<String>,
    /// The members: Users or Groups.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub members: Field<Vec<Member>>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
