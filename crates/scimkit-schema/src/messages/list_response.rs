//! `ListResponse` (RFC 7644 §3.4.2, RFC 9865 §2).

use serde::{Deserialize, Serialize};

use super::parse::schemas_of;
use crate::urn;

/// A page of query results (RFC 7644 §3.4.2), generic over the resource representation:
/// `ListResponse<serde_json::Value>` for projected resources, `ListResponse<User>` for typed
/// ones.
///
/// `Resources` (capital R) is always written, `[]` when empty. `totalResults` is REQUIRED
/// by RFC 7644 but may be omitted by cursor-paging servers (RFC 9865 §2), hence `Option`.
///
/// ```
/// use scimkit_schema::ListResponse;
/// use serde_json::json;
///
/// let page = ListResponse::new(vec![json!({"id": "1"})], 7).paged(1, 1);
/// assert_eq!(serde_json::to_value(&page).unwrap(), json!({
///     "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
///     "totalResults": 7, "startIndex": 1, "itemsPerPage": 1,
///     "Resources": [{"id": "1"}]
/// }));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    /// `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`.
    #[serde(default = "list_response_schemas")]
    pub schemas: Vec<String>,
    /// Total number of matching resources, possibly more than this page holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_results: Option<u64>,
    /// 1-based index of the first result of this page (REQUIRED when paged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    /// Number of resources in this page (REQUIRED when paged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_page: Option<u64>,
    /// RFC 9865 §2: opaque cursor of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// RFC 9865 §2: opaque cursor of the previous page; never on the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_cursor: Option<String>,
    /// The resources of this page.
    #[serde(rename = "Resources", default = "Vec::new")]
    pub resources: Vec<T>,
}

fn list_response_schemas() -> Vec<String> {
    schemas_of(urn::LIST_RESPONSE)
}

impl<T> ListResponse<T> {
    /// A response holding `resources` out of `total_results` matches.
    pub fn new(resources: Vec<T>, total_results: u64) -> ListResponse<T> {
        ListResponse {
            schemas: list_response_schemas(),
            total_results: Some(total_results),
            start_index: None,
            items_per_page: None,
            next_cursor: None,
            previous_cursor: None,
            resources,
        }
    }

    /// Sets `startIndex` and `itemsPerPage` (index paging, RFC 7644 §3.4.2.4).
    pub fn paged(mut self, start_index: u64, items_per_page: u64) -> ListResponse<T> {
        self.start_index = Some(start_index);
        self.items_per_page = Some(items_per_page);
        self
    }
}
