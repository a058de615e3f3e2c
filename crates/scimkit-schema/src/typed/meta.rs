//! `meta`, the common resource metadata (RFC 7643 §3.1).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Field;

/// Resource metadata (RFC 7643 §3.1): every sub-attribute is readOnly, set by the server.
/// Date-times stay text so they round-trip byte for byte; [`Meta::created_at`] and
/// [`Meta::last_modified_at`] parse them.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// The resource type name, e.g. `"User"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub resource_type: Field<String>,
    /// When the resource was added (xsd:dateTime).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub created: Field<String>,
    /// When the resource was last changed (xsd:dateTime).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub last_modified: Field<String>,
    /// The resource URI; equals the `Content-Location` header.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub location: Field<String>,
    /// The ETag, e.g. `W/"3694e05e9dff591"` (RFC 7644 §3.14).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub version: Field<String>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Meta {
    /// `created` parsed as an RFC 3339 date-time, if set and valid.
    pub fn created_at(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        parse_date_time(&self.created)
    }

    /// `lastModified` parsed as an RFC 3339 date-time, if set and valid.
    pub fn last_modified_at(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        parse_date_time(&self.last_modified)
    }
}

fn parse_date_time(field: &Field<String>) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(field.as_option()?).ok()
}
