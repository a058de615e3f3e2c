//! `name`, the User's name components (RFC 7643 §4.1.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// The components of a User's real name (RFC 7643 §4.1.1).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    /// The full name for display, e.g. `"Ms. Barbara J Jensen, III"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub formatted: Field<String>,
    /// Family (last) name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub family_name: Field<String>,
    /// Given (first) name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub given_name: Field<String>,
    /// Middle name(s).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub middle_name: Field<String>,
    /// Honorific prefix, e.g. `"Ms."`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub honorific_prefix: Field<String>,
    /// Honorific suffix, e.g. `"III"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub honorific_suffix: Field<String>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
