//! [`ServiceConfig`]: the base path and every request limit, in one place, with documented
//! defaults. `/ServiceProviderConfig` publishes exactly these values.

use scimkit_filter::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_TERMS, UnknownAttribute};

/// Default [`Limits::max_body_bytes`]: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default [`Limits::max_filter_len`]: 8 KiB (an Entra or Okta filter is well under 1 KiB).
pub const DEFAULT_MAX_FILTER_LEN: usize = 8 << 10;
/// Default [`Limits::default_page_size`].
pub const DEFAULT_PAGE_SIZE: u64 = 100;
/// Default [`Limits::max_page_size`].
pub const DEFAULT_MAX_PAGE_SIZE: u64 = 1000;
/// Default [`Limits::cursor_timeout_secs`]: one hour.
pub const DEFAULT_CURSOR_TIMEOUT_SECS: u64 = 3600;
/// Default [`Limits::bulk_max_operations`].
pub const DEFAULT_BULK_MAX_OPERATIONS: usize = 1000;
/// Default [`Limits::bulk_max_payload_bytes`]: 1 MiB, the RFC 7644 Table 8 example value.
pub const DEFAULT_BULK_MAX_PAYLOAD_BYTES: usize = 1 << 20;

/// Request limits. Exceeding one is a SCIM Error naming the limit, never a crash or a
/// silent truncation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes (default [`DEFAULT_MAX_BODY_BYTES`]): 413 beyond.
    pub max_body_bytes: usize,
    /// Longest `filter`, in bytes (default [`DEFAULT_MAX_FILTER_LEN`]): 400 `invalidFilter`.
    pub max_filter_len: usize,
    /// Deepest nesting of `( )`, `not ( )` and `[ ]` in a filter (default
    /// [`DEFAULT_MAX_DEPTH`] = 64): 400 `invalidFilter`.
    pub max_filter_depth: usize,
    /// Most attribute expressions in one filter (default [`DEFAULT_MAX_TERMS`] = 10,000):
    /// 400 `invalidFilter`.
    pub max_filter_terms: usize,
    /// Page size when a query gives no `count` (default [`DEFAULT_PAGE_SIZE`]).
    pub default_page_size: u64,
    /// Largest page whatever `count` says (default [`DEFAULT_MAX_PAGE_SIZE`]); published as
    /// `filter.maxResults` and `pagination.maxPageSize` (RFC 7643 §5, RFC 9865 §4). A larger
    /// `count` is served as this many, which RFC 7644 §3.4.2.4 allows ("MAY return fewer"),
    /// except in cursor paging, where it is 400 `invalidCount` (RFC 9865 §2.1).
    pub max_page_size: u64,
    /// How long a `nextCursor` / `previousCursor` stays valid, in seconds (default
    /// [`DEFAULT_CURSOR_TIMEOUT_SECS`]); published as `pagination.cursorTimeout` (RFC 9865
    /// §4). An older cursor is 400 `expiredCursor`.
    pub cursor_timeout_secs: u64,
    /// Most operations in one `/Bulk` request (default [`DEFAULT_BULK_MAX_OPERATIONS`]):
    /// 413 beyond (RFC 7644 §3.7.4).
    pub bulk_max_operations: usize,
    /// Largest `/Bulk` body, in bytes (default [`DEFAULT_BULK_MAX_PAYLOAD_BYTES`]): 413
    /// beyond (RFC 7644 §3.7.4). Never above `max_body_bytes` in effect.
    pub bulk_max_payload_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_filter_len: DEFAULT_MAX_FILTER_LEN,
            max_filter_depth: DEFAULT_MAX_DEPTH,
            max_filter_terms: DEFAULT_MAX_TERMS,
            default_page_size: DEFAULT_PAGE_SIZE,
            max_page_size: DEFAULT_MAX_PAGE_SIZE,
            cursor_timeout_secs: DEFAULT_CURSOR_TIMEOUT_SECS,
            bulk_max_operations: DEFAULT_BULK_MAX_OPERATIONS,
            bulk_max_payload_bytes: DEFAULT_BULK_MAX_PAYLOAD_BYTES,
        }
    }
}

/// How a [`ScimService`](crate::ScimService) is set up.
///
/// ```
/// use scimkit_provision::ServiceConfig;
///
/// let config = ServiceConfig::new("/scim/v2/");
/// assert_eq!(config.base_path, "/scim/v2");
/// assert_eq!(config.limits.max_page_size, 1000);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceConfig {
    /// The path prefix the SCIM endpoints live under, e.g. `/scim/v2` (no trailing slash;
    /// `""` for the root). Requests outside it get 404.
    pub base_path: String,
    /// The absolute base URL for `meta.location` and `Location`, e.g.
    /// `https://scim.example.com/scim/v2`. `None` (the default) derives it from each
    /// request: its absolute URI, else `http://` + `Host` + `base_path`, else the bare path.
    pub public_base_url: Option<String>,
    /// Whether `/ServiceProviderConfig`, `/Schemas` and `/ResourceTypes` answer without a
    /// token (default `true`: RFC 7643 §5 says the authentication schemes SHOULD be readable
    /// without authentication; the data is the same for every tenant).
    pub public_discovery: bool,
    /// What a filter on a single resource type does with an attribute the type does not
    /// define (default [`UnknownAttribute::Error`]: 400 `invalidFilter` naming it). Queries
    /// across all types always treat it as having no value (RFC 7644 §3.4.2.1).
    pub unknown_filter_attribute: UnknownAttribute,
    /// Whether deleting a User also removes it from the `members` of every Group of the
    /// tenant (default `true`), so no group keeps a dangling member.
    pub remove_deleted_members: bool,
    /// Whether a User's readOnly `groups` (RFC 7643 §4.1.2) is filled in on the way out
    /// from the Groups listing it in `members` (default `true`). A User's entity tag then
    /// covers its groups (see the crate docs). Cost: one store search (an index lookup in the
    /// provided stores) per User returned with `groups` or `meta`, and per conditional
    /// (`If-Match`) write to a User. With `false`, Users are served as stored.
    pub user_groups: bool,
    /// Request limits.
    pub limits: Limits,
    /// `documentationUri` published in `/ServiceProviderConfig`.
    pub documentation_uri: Option<String>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            base_path: String::new(),
            public_base_url: None,
            public_discovery: true,
            unknown_filter_attribute: UnknownAttribute::Error,
            remove_deleted_members: true,
            user_groups: true,
            limits: Limits::default(),
            documentation_uri: None,
        }
    }
}

impl ServiceConfig {
    /// The defaults with this base path (a trailing `/` is dropped, a leading one added).
    pub fn new(base_path: &str) -> ServiceConfig {
        let trimmed = base_path.trim().trim_end_matches('/');
        let base_path = if trimmed.is_empty() || trimmed.starts_with('/') {
            trimmed.to_owned()
        } else {
            format!("/{trimmed}")
        };
        ServiceConfig {
            base_path,
            ..ServiceConfig::default()
        }
    }
}
