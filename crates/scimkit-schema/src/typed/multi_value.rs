//! The generic multi-valued complex shape (RFC 7643 §2.4) and the User attributes that use it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// One value of a multi-valued attribute with the default sub-attributes of RFC 7643 §2.4:
/// `value`, `display`, `type`, `primary`. Used by `emails`, `phoneNumbers`, `ims`, `photos`,
/// `entitlements`, `roles` and `x509Certificates` (RFC 7643 §4.1.2), see the aliases.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultiValue {
    /// The value: an address, number, handle, URL or base64 certificate.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub value: Field<String>,
    /// Human-readable label.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub display: Field<String>,
    /// The label, e.g. `"work"`, `"home"`, `"mobile"`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// Whether this is the preferred value; at most one is `true`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub primary: Field<bool>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An `emails` value (RFC 7643 §4.1.2).
pub type Email = MultiValue;
/// A `phoneNumbers` value (RFC 7643 §4.1.2).
pub type PhoneNumber = MultiValue;
/// An `ims` value (RFC 7643 §4.1.2).
pub type Im = MultiValue;
/// A `photos` value; `value` is a URL (RFC 7643 §4.1.2).
pub type Photo = MultiValue;
/// An `entitlements` value (RFC 7643 §4.1.2).
pub type Entitlement = MultiValue;
/// A `roles` value (RFC 7643 §4.1.2).
pub type Role = MultiValue;
/// An `x509Certificates` value; `value` is base64 DER (RFC 7643 §4.1.2).
pub type X509Certificate = MultiValue;
