//! [`Version`]: a resource version, written as a weak ETag (RFC 7644 §3.14, RFC 7232).

use std::fmt;

/// A resource version: an opaque token a store issues on every write. On the wire it is the
/// weak ETag `W/"<token>"`, in the `ETag` header and in `meta.version` (RFC 7643 §3.1).
///
/// Tags compare by their opaque token, ignoring the `W/` prefix (the weak comparison of
/// RFC 7232 §2.3.2; every SCIM example sends `If-Match: W/"..."`).
///
/// ```
/// use scimkit_provision::Version;
///
/// let v = Version::new("e180ee84f0671b1");
/// assert_eq!(v.etag(), r#"W/"e180ee84f0671b1""#);
/// assert_eq!(Version::from_etag(r#"W/"e180ee84f0671b1""#), Some(v.clone()));
/// assert_eq!(Version::from_etag(r#""e180ee84f0671b1""#), Some(v));
/// assert_eq!(Version::from_etag("no quotes"), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version(String);

impl Version {
    /// A version with this opaque token (no quotes; RFC 7232 `etagc` characters).
    pub fn new(token: impl Into<String>) -> Version {
        Version(token.into())
    }

    /// The opaque token.
    pub fn token(&self) -> &str {
        &self.0
    }

    /// The weak ETag `W/"<token>"`.
    pub fn etag(&self) -> String {
        format!("W/\"{}\"", self.0)
    }

    /// Parses one entity tag, weak (`W/"x"`) or strong (`"x"`); `None` if it is not one.
    pub fn from_etag(tag: &str) -> Option<Version> {
        let tag = tag.trim();
        let quoted = tag.strip_prefix("W/").unwrap_or(tag);
        let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains('"') {
            return None;
        }
        Some(Version(inner.to_owned()))
    }

    /// The version recorded in a stored resource's `meta.version`, if any.
    pub fn of(resource: &serde_json::Value) -> Option<Version> {
        resource
            .get("meta")?
            .get("version")?
            .as_str()
            .and_then(Version::from_etag)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.etag())
    }
}
