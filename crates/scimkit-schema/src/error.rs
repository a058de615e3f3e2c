//! The SCIM `Error` message (RFC 7644 §3.12) and its `scimType` keywords.

use std::fmt;

use serde::de::Deserializer;
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::urn;

/// The `scimType` keyword of an error (RFC 7644 §3.12 Table 9, RFC 9865 §2.1).
///
/// Serialized as the RFC's camelCase keyword (`"invalidFilter"`, ...). A keyword this crate
/// does not know (some servers send `invalidVersion`) is kept verbatim in [`ScimType::Other`]
/// rather than failing to parse.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ScimType {
    /// `invalidFilter`: filter syntax is invalid, or the attribute and operator combination is
    /// not supported (400).
    InvalidFilter,
    /// `tooMany`: the filter would return more results than the server will compute (400).
    TooMany,
    /// `uniqueness`: a value is already in use or reserved (409 on create, RFC 7644 §3.3).
    Uniqueness,
    /// `mutability`: the change conflicts with an attribute's mutability (400).
    Mutability,
    /// `invalidSyntax`: the body is not valid JSON or not shaped per the request schema (400).
    InvalidSyntax,
    /// `invalidPath`: a PATCH `path` is malformed (400).
    InvalidPath,
    /// `noTarget`: a PATCH `path` yields nothing to operate on (400).
    NoTarget,
    /// `invalidValue`: a required value is missing, or a value does not fit the operation,
    /// the attribute type or the schema (400).
    InvalidValue,
    /// `invalidVers`: the requested SCIM protocol version is not supported (400).
    InvalidVers,
    /// `sensitive`: the request carried sensitive personal data in the URI (403, RFC 7644 §7.5.2).
    Sensitive,
    /// `invalidCursor`: the cursor is malformed, forged or unknown (400, RFC 9865 §2.1).
    InvalidCursor,
    /// `expiredCursor`: the cursor has expired (400, RFC 9865 §2.1).
    ExpiredCursor,
    /// `invalidCount`: `count` is out of range or differs from the first page's (400, RFC 9865 §2.1).
    InvalidCount,
    /// Any keyword not defined by RFC 7644 or RFC 9865, kept as sent.
    Other(String),
}

impl ScimType {
    /// The keyword as it appears on the wire, e.g. `"noTarget"`.
    pub fn as_str(&self) -> &str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
            ScimType::InvalidCursor => "invalidCursor",
            ScimType::ExpiredCursor => "expiredCursor",
            ScimType::InvalidCount => "invalidCount",
            ScimType::Other(other) => other,
        }
    }

    /// Parses a keyword exactly as the RFCs spell it; anything else becomes [`ScimType::Other`].
    pub fn from_keyword(keyword: &str) -> ScimType {
        match keyword {
            "invalidFilter" => ScimType::InvalidFilter,
            "tooMany" => ScimType::TooMany,
            "uniqueness" => ScimType::Uniqueness,
            "mutability" => ScimType::Mutability,
            "invalidSyntax" => ScimType::InvalidSyntax,
            "invalidPath" => ScimType::InvalidPath,
            "noTarget" => ScimType::NoTarget,
            "invalidValue" => ScimType::InvalidValue,
            "invalidVers" => ScimType::InvalidVers,
            "sensitive" => ScimType::Sensitive,
            "invalidCursor" => ScimType::InvalidCursor,
            "expiredCursor" => ScimType::ExpiredCursor,
            "invalidCount" => ScimType::InvalidCount,
            other => ScimType::Other(other.to_owned()),
        }
    }

    /// The HTTP status the RFCs pair with this keyword: 409 for `uniqueness` (RFC 7644 §3.3),
    /// 403 for `sensitive` (RFC 7644 §7.5.2), 400 for everything else (Table 9).
    pub fn default_status(&self) -> u16 {
        match self {
            ScimType::Uniqueness => 409,
            ScimType::Sensitive => 403,
            _ => 400,
        }
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ScimType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScimType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let keyword = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(ScimType::from_keyword(&keyword))
    }
}

/// A SCIM error response body (RFC 7644 §3.12), also the error type of every fallible
/// operation in the scimkit crates.
///
/// Wire shape:
/// `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "status": "400",
///   "scimType": "invalidFilter", "detail": "..."}`.
/// `status` is always written as a JSON string (RFC 7644 §3.12) and read from a string, a
/// number or `{"code": ...}` (the bulk form, RFC 7644 §3.7); `schemas` is always written and not required when reading.
///
/// ```
/// use scimkit_schema::{ScimError, ScimType};
///
/// let err = ScimError::new(ScimType::NoTarget, "no email matches emails[type eq \"work\"]");
/// assert_eq!(err.status, 400);
/// let json = serde_json::to_value(&err).unwrap();
/// assert_eq!(json["status"], "400");
/// assert_eq!(json["scimType"], "noTarget");
///
/// let back: ScimError = serde_json::from_str(r#"{"status": 404, "detail": "gone"}"#).unwrap();
/// assert_eq!(back.status, 404);
/// assert_eq!(back.scim_type, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScimError {
    /// HTTP status code, e.g. `400`.
    pub status: u16,
    /// The `scimType` keyword, if any (RFC 7644 Table 9).
    pub scim_type: Option<ScimType>,
    /// Human-readable detail: what was wrong and where (attribute path, operation index, byte
    /// offset), never secrets.
    pub detail: Option<String>,
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(scim_type) = &self.scim_type {
            write!(f, " {scim_type}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl ScimError {
    /// An error with the given `scimType`, its default status ([`ScimType::default_status`])
    /// and a detail.
    pub fn new(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
        ScimError {
            status: scim_type.default_status(),
            scim_type: Some(scim_type),
            detail: Some(detail.into()),
        }
    }

    /// An error with only a status and a detail (no `scimType`), e.g. 404 or 412.
    pub fn with_status(status: u16, detail: impl Into<String>) -> ScimError {
        ScimError {
            status,
            scim_type: None,
            detail: Some(detail.into()),
        }
    }

    /// 400 `invalidValue` (RFC 7644 Table 9).
    pub fn invalid_value(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::InvalidValue, detail)
    }

    /// 400 `invalidSyntax` (RFC 7644 Table 9).
    pub fn invalid_syntax(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::InvalidSyntax, detail)
    }

    /// 400 `invalidFilter` (RFC 7644 Table 9).
    pub fn invalid_filter(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::InvalidFilter, detail)
    }

    /// 400 `invalidPath` (RFC 7644 Table 9).
    pub fn invalid_path(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::InvalidPath, detail)
    }

    /// 400 `noTarget` (RFC 7644 Table 9).
    pub fn no_target(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::NoTarget, detail)
    }

    /// 400 `mutability` (RFC 7644 Table 9).
    pub fn mutability(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::Mutability, detail)
    }

    /// 409 `uniqueness` (RFC 7644 §3.3).
    pub fn uniqueness(detail: impl Into<String>) -> ScimError {
        ScimError::new(ScimType::Uniqueness, detail)
    }

    /// 404 Not Found with no `scimType` (RFC 7644 §3.12).
    pub fn not_found(detail: impl Into<String>) -> ScimError {
        ScimError::with_status(404, detail)
    }

    /// Prefixes the detail with a location, e.g. `"Operations[2] (path \"emails\"): "`.
    pub fn context(mut self, prefix: impl fmt::Display) -> ScimError {
        self.detail = Some(match self.detail.take() {
            Some(detail) => format!("{prefix}: {detail}"),
            None => prefix.to_string(),
        });
        self
    }
}

impl Serialize for ScimError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 2 + usize::from(self.scim_type.is_some()) + usize::from(self.detail.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("schemas", &[urn::ERROR])?;
        map.serialize_entry("status", &self.status.to_string())?;
        if let Some(scim_type) = &self.scim_type {
            map.serialize_entry("scimType", scim_type)?;
        }
        if let Some(detail) = &self.detail {
            map.serialize_entry("detail", detail)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ScimError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(deserialize_with = "crate::status::deserialize")]
            status: u16,
            #[serde(rename = "scimType", default)]
            scim_type: Option<ScimType>,
            #[serde(default)]
            detail: Option<String>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(ScimError {
            status: wire.status,
            scim_type: wire.scim_type,
            detail: wire.detail,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7644 §3.12: the 409 example, transcribed.
    #[test]
    fn rfc7644_3_12_uniqueness_example_round_trips() {
        let body = json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "scimType": "mutability",
            "detail": "Attribute 'id' is readOnly",
            "status": "400"
        });
        let err: ScimError = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(err.status, 400);
        assert_eq!(err.scim_type, Some(ScimType::Mutability));
        assert_eq!(serde_json::to_value(&err).unwrap(), body);
    }

    #[test]
    fn status_reads_number_and_writes_string() {
        let err: ScimError = serde_json::from_str(r#"{"status": 412}"#).unwrap();
        assert_eq!(err.status, 412);
        assert_eq!(serde_json::to_value(&err).unwrap()["status"], json!("412"));
    }

    #[test]
    fn bad_status_is_an_error_not_a_panic() {
        assert!(serde_json::from_str::<ScimError>(r#"{"status": "abc"}"#).is_err());
        assert!(serde_json::from_str::<ScimError>(r#"{"status": 70000}"#).is_err());
        assert!(serde_json::from_str::<ScimError>(r#"{"status": -1}"#).is_err());
    }

    /// RFC 7644 §3.12 Table 9 and RFC 9865 §2.1: every keyword round-trips.
    #[test]
    fn every_keyword_round_trips() {
        let all = [
            ScimType::InvalidFilter,
            ScimType::TooMany,
            ScimType::Uniqueness,
            ScimType::Mutability,
            ScimType::InvalidSyntax,
            ScimType::InvalidPath,
            ScimType::NoTarget,
            ScimType::InvalidValue,
            ScimType::InvalidVers,
            ScimType::Sensitive,
            ScimType::InvalidCursor,
            ScimType::ExpiredCursor,
            ScimType::InvalidCount,
        ];
        for t in all {
            let s = serde_json::to_string(&t).unwrap();
            assert_eq!(serde_json::from_str::<ScimType>(&s).unwrap(), t);
            assert!(!matches!(
                ScimType::from_keyword(t.as_str()),
                ScimType::Other(_)
            ));
        }
        assert_eq!(
            ScimType::from_keyword("invalidVersion"),
            ScimType::Other("invalidVersion".into())
        );
    }

    #[test]
    fn statuses_follow_the_rfc() {
        assert_eq!(ScimError::uniqueness("x").status, 409);
        assert_eq!(ScimError::new(ScimType::Sensitive, "x").status, 403);
        assert_eq!(ScimError::no_target("x").status, 400);
    }
}
