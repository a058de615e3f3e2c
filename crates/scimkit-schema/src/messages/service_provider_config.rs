//! `ServiceProviderConfig` (RFC 7643 §5, RFC 9865 §4).

use serde::{Deserialize, Serialize};

use super::parse::schemas_of;
use crate::typed::Meta;
use crate::urn;

/// `{"supported": bool}`, the shape of `patch`, `changePassword`, `sort` and `etag`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Supported {
    /// Whether the feature is supported.
    pub supported: bool,
}

/// `bulk` (RFC 7643 §5): support and the limits of RFC 7644 §3.7.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkConfig {
    /// Whether `/Bulk` is supported.
    pub supported: bool,
    /// Maximum operations per BulkRequest.
    #[serde(default)]
    pub max_operations: u64,
    /// Maximum BulkRequest body size, in bytes.
    #[serde(default)]
    pub max_payload_size: u64,
}

/// `filter` (RFC 7643 §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterConfig {
    /// Whether filtering is supported.
    pub supported: bool,
    /// Maximum number of resources returned in one response.
    #[serde(default)]
    pub max_results: u64,
}

/// One entry of `authenticationSchemes` (RFC 7643 §5, §8.5).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationScheme {
    /// `oauth`, `oauth2`, `oauthbearertoken`, `httpbasic` or `httpdigest`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Common name, e.g. `"OAuth Bearer Token"`.
    pub name: String,
    /// Description.
    pub description: String,
    /// URL of the scheme's specification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_uri: Option<String>,
    /// URL of the scheme's documentation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_uri: Option<String>,
    /// Whether this is the preferred scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// RFC 9865 §4 `defaultPaginationMethod`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaginationMethod {
    /// Cursor paging (RFC 9865).
    Cursor,
    /// Index paging (`startIndex`, RFC 7644 §3.4.2.4).
    Index,
}

/// RFC 9865 §4 `pagination`: which paging methods the server offers and their limits.
/// Missing optional values mean "not published", never "no limit".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// Cursor paging supported.
    pub cursor: bool,
    /// Index paging supported.
    pub index: bool,
    /// The method used when a request names neither `cursor` nor `startIndex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_pagination_method: Option<PaginationMethod>,
    /// Page size when `count` is absent (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_page_size: Option<u64>,
    /// Cap on the page size whatever `count` says (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u64>,
    /// Minimum cursor lifetime, in seconds (> 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor_timeout: Option<u64>,
}

/// The `/ServiceProviderConfig` resource (RFC 7643 §5; `pagination` from RFC 9865 §4).
///
/// ```
/// use scimkit_schema::{ServiceProviderConfig, Pagination, PaginationMethod};
///
/// let mut config = ServiceProviderConfig::default();
/// config.patch.supported = true;
/// config.pagination = Some(Pagination { cursor: true, index: true,
///     default_pagination_method: Some(PaginationMethod::Index), max_page_size: Some(200),
///     ..Pagination::default() });
/// let json = serde_json::to_value(&config).unwrap();
/// assert_eq!(json["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
/// assert_eq!(json["pagination"]["defaultPaginationMethod"], "index");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceProviderConfig {
    /// `["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]`.
    #[serde(default = "service_provider_config_schemas")]
    pub schemas: Vec<String>,
    /// Human-readable help URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documentation_uri: Option<String>,
    /// PATCH support (RFC 7644 §3.5.2).
    #[serde(default)]
    pub patch: Supported,
    /// Bulk support and limits (RFC 7644 §3.7).
    #[serde(default)]
    pub bulk: BulkConfig,
    /// Filter support and result limit (RFC 7644 §3.4.2.2).
    #[serde(default)]
    pub filter: FilterConfig,
    /// Password change support.
    #[serde(default)]
    pub change_password: Supported,
    /// Sorting support (RFC 7644 §3.4.2.3).
    #[serde(default)]
    pub sort: Supported,
    /// ETag support (RFC 7644 §3.14).
    #[serde(default)]
    pub etag: Supported,
    /// Supported authentication schemes.
    #[serde(default)]
    pub authentication_schemes: Vec<AuthenticationScheme>,
    /// RFC 9865 §4 paging capabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

fn service_provider_config_schemas() -> Vec<String> {
    schemas_of(urn::SERVICE_PROVIDER_CONFIG)
}

impl Default for ServiceProviderConfig {
    /// Nothing optional supported, no authentication schemes listed.
    fn default() -> Self {
        ServiceProviderConfig {
            schemas: service_provider_config_schemas(),
            documentation_uri: None,
            patch: Supported::default(),
            bulk: BulkConfig::default(),
            filter: FilterConfig::default(),
            change_password: Supported::default(),
            sort: Supported::default(),
            etag: Supported::default(),
            authentication_schemes: Vec::new(),
            pagination: None,
            meta: None,
        }
    }
}
