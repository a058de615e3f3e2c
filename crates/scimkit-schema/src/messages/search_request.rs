//! `SearchRequest` (RFC 7644 §3.4.3, RFC 9865 §3).

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};

use super::fields::{self, Fields};
use super::parse::{parse_message, schemas_of};
use crate::error::ScimError;
use crate::urn;

/// `sortOrder` (RFC 7644 §3.4.2.3), read case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SortOrder {
    /// `ascending`, the default when `sortBy` is given.
    #[default]
    Ascending,
    /// `descending`.
    Descending,
}

impl<'de> Deserialize<'de> for SortOrder {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        if text.eq_ignore_ascii_case("ascending") {
            Ok(SortOrder::Ascending)
        } else if text.eq_ignore_ascii_case("descending") {
            Ok(SortOrder::Descending)
        } else {
            Err(serde::de::Error::custom(format!(
                "sortOrder {text:?} is neither \"ascending\" nor \"descending\""
            )))
        }
    }
}

/// The body of `POST /.search` (RFC 7644 §3.4.3). `filter` and the attribute lists stay
/// text: parsing them is the filter crate's job. Attribute names are read
/// case-insensitively (RFC 7643 §2.1: `"Count"` is `count`); two spellings of one are
/// refused as a duplicate.
///
/// `startIndex` and `count` are kept as sent; RFC 7644 §3.4.2.4 says a `startIndex` below 1
/// means 1 and a negative `count` means 0 ([`start_index`](SearchRequest::start_index),
/// [`count`](SearchRequest::count) apply that).
///
/// ```
/// use scimkit_schema::SearchRequest;
///
/// let req = SearchRequest::from_json(br#"{
///   "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
///   "attributes": ["displayName", "userName"],
///   "filter": "displayName sw \"smith\"", "startIndex": 0, "count": 10}"#).unwrap();
/// assert_eq!(req.start_index(), 1);
/// assert_eq!(req.count(), Some(10));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]`, as sent (empty when missing, which
    /// `from_json` refuses).
    pub schemas: Vec<String>,
    /// Attributes to return (RFC 7644 §3.4.2.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// Attributes to leave out (RFC 7644 §3.4.2.5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_attributes: Option<Vec<String>>,
    /// The filter expression (RFC 7644 §3.4.2.2), unparsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Attribute path to sort by (RFC 7644 §3.4.2.3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// Sort order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<SortOrder>,
    /// 1-based index of the first result, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_index: Option<i64>,
    /// Maximum results per page, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// RFC 9865 §3: `""` for the first page, then a `nextCursor` / `previousCursor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

fn search_request_schemas() -> Vec<String> {
    schemas_of(urn::SEARCH_REQUEST)
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            schemas: search_request_schemas(),
            attributes: None,
            excluded_attributes: None,
            filter: None,
            sort_by: None,
            sort_order: None,
            start_index: None,
            count: None,
            cursor: None,
        }
    }
}

impl Fields for SearchRequest {
    type Out = SearchRequest;
    const NAMES: &'static [&'static str] = &[
        "schemas",
        "attributes",
        "excludedAttributes",
        "filter",
        "sortBy",
        "sortOrder",
        "startIndex",
        "count",
        "cursor",
    ];
    const WHAT: &'static str = "a SearchRequest object";

    fn empty() -> Self {
        SearchRequest {
            schemas: Vec::new(),
            ..SearchRequest::default()
        }
    }

    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error> {
        match field {
            0 => self.schemas = map.next_value()?,
            1 => self.attributes = map.next_value()?,
            2 => self.excluded_attributes = map.next_value()?,
            3 => self.filter = map.next_value()?,
            4 => self.sort_by = map.next_value()?,
            5 => self.sort_order = map.next_value()?,
            6 => self.start_index = map.next_value()?,
            7 => self.count = map.next_value()?,
            _ => self.cursor = map.next_value()?,
        }
        Ok(())
    }

    fn finish(self) -> Result<SearchRequest, String> {
        Ok(self)
    }
}

impl<'de> Deserialize<'de> for SearchRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fields::read::<D, SearchRequest>(deserializer)
    }
}

impl SearchRequest {
    /// Parses a `POST /.search` body.
    ///
    /// # Errors
    /// 400 `invalidSyntax` when the body is not a SearchRequest or its `schemas` does not list
    /// the SearchRequest URN.
    pub fn from_json(body: &[u8]) -> Result<SearchRequest, ScimError> {
        parse_message(body, urn::SEARCH_REQUEST, |m: &SearchRequest| &m.schemas)
    }

    /// `startIndex` with RFC 7644 §3.4.2.4 applied: absent or below 1 means 1.
    pub fn start_index(&self) -> u64 {
        self.start_index
            .map_or(1, |i| u64::try_from(i.max(1)).unwrap_or(1))
    }

    /// `count` with RFC 7644 §3.4.2.4 applied: negative means 0; `None` if not sent.
    pub fn count(&self) -> Option<u64> {
        self.count.map(|c| u64::try_from(c.max(0)).unwrap_or(0))
    }
}
