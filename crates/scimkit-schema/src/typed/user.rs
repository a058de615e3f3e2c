//! The typed User resource (RFC 7643 §4.1) with the enterprise extension (§4.3).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    Address, Email, EnterpriseUser, Entitlement, Field, GroupMembership, Im, Meta, Name,
    PhoneNumber, Photo, Role, X509Certificate,
};

/// A User (RFC 7643 §4.1) with the enterprise extension (RFC 7643 §4.3) typed; any other
/// extension object and unknown attribute is kept in `extra`. Convert from and to the
/// generic resource with [`User::from_value`] and [`User::to_value`]: the round trip is
/// lossless (absent, `null` and set stay apart, see [`Field`]).
///
/// Field names are matched exactly, so give it a canonical resource
/// ([`canonicalize`](crate::canonicalize)); other spellings land in `extra`.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
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
    /// Unique identifier for the User (REQUIRED).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub user_name: Field<String>,
    /// The components of the User's real name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub name: Field<Name>,
    /// Name for display.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub display_name: Field<String>,
    /// Casual name.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub nick_name: Field<String>,
    /// URL of the User's online profile.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub profile_url: Field<String>,
    /// Title, e.g. `"Vice President"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub title: Field<String>,
    /// Relationship to the organization, e.g. `"Employee"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub user_type: Field<String>,
    /// Preferred language, e.g. `"en-US"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub preferred_language: Field<String>,
    /// Default location for localization, e.g. `"en-US"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub locale: Field<String>,
    /// Time zone, e.g. `"America/Los_Angeles"`.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub timezone: Field<String>,
    /// Administrative status.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub active: Field<bool>,
    /// Cleartext password on input; never returned (writeOnly).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub password: Field<String>,
    /// Email addresses.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub emails: Field<Vec<Email>>,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub phone_numbers: Field<Vec<PhoneNumber>>,
    /// Instant messaging addresses.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub ims: Field<Vec<Im>>,
    /// Photo URLs.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub photos: Field<Vec<Photo>>,
    /// Physical mailing addresses.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub addresses: Field<Vec<Address>>,
    /// Groups the User belongs to (readOnly).
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub groups: Field<Vec<GroupMembership>>,
    /// Entitlements.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub entitlements: Field<Vec<Entitlement>>,
    /// Roles.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub roles: Field<Vec<Role>>,
    /// X.509 certificates.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub x509_certificates: Field<Vec<X509Certificate>>,
    /// The enterprise extension object (RFC 7643 §4.3).
    #[serde(
        rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        default,
        skip_serializing_if = "Field::is_absent"
    )]
    pub enterprise: Field<EnterpriseUser>,
    /// Attributes this struct does not name, kept as sent (never dropped).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
