//! `addresses` values (RFC 7643 §4.1.2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// A physical mailing address (RFC 7643 §4.1.2 `addresses`).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// The full address for display.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub formatted: Field<String>,
    /// Street, house number, etc.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub street_address: Field<String>,
    /// City or locality.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub locality: Field<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub region: Field<String>,
    /// Zip or postal code.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub postal_code: Field<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `"US"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub country: Field<String>,
    /// The label: `"work"`, `"home"` or `"other"`.
    #[serde(rename = "type", default, skip_serializing_if = "Field::is_absent")]
    pub kind: Field<String>,
    /// Whether this is the preferred address.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub primary: Field<bool>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
