//! `BulkRequest` and `BulkResponse` (RFC 7644 §3.7).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::parse::{parse_message, schemas_of};
use crate::error::ScimError;
use crate::urn;

/// The HTTP method of a bulk operation (RFC 7644 §3.7), read case-insensitively, written
/// uppercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum BulkMethod {
    /// `POST`: create.
    Post,
    /// `PUT`: replace.
    Put,
    /// `PATCH`: modify.
    Patch,
    /// `DELETE`: delete.
    Delete,
}

impl<'de> Deserialize<'de> for BulkMethod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let method = [
            (BulkMethod::Post, "POST"),
            (BulkMethod::Put, "PUT"),
            (BulkMethod::Patch, "PATCH"),
            (BulkMethod::Delete, "DELETE"),
        ]
        .into_iter()
        .find(|(_, name)| name.eq_ignore_ascii_case(&text));
        method.map(|(m, _)| m).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "bulk method {text:?} is not POST, PUT, PATCH or DELETE (RFC 7644 §3.7)"
            ))
        })
    }
}

/// One operation of a [`BulkRequest`] (RFC 7644 §3.7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkOperation {
    /// The method.
    pub method: BulkMethod,
    /// Client-chosen id, REQUIRED for POST; others refer to it as `"bulkId:<id>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_id: Option<String>,
    /// ETag the resource must have (acts as `If-Match`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Path relative to the service root, e.g. `/Users` or `/Users/{id}`.
    pub path: String,
    /// The body: a resource for POST and PUT, a full PatchOp message for PATCH (EID 5050).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// A `POST /Bulk` body (RFC 7644 §3.7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]`, as sent (empty when missing, which
    /// `from_json` refuses).
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Number of errors after which the server stops; absent means "process everything".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_errors: Option<u32>,
    /// The operations (capital O on the wire).
    #[serde(rename = "Operations")]
    pub operations: Vec<BulkOperation>,
}

fn bulk_request_schemas() -> Vec<String> {
    schemas_of(urn::BULK_REQUEST)
}

impl BulkRequest {
    /// A BulkRequest message holding `operations`.
    pub fn new(operations: Vec<BulkOperation>) -> BulkRequest {
        BulkRequest {
            schemas: bulk_request_schemas(),
            fail_on_errors: None,
            operations,
        }
    }

    /// Parses a `POST /Bulk` body.
    ///
    /// # Errors
    /// 400 `invalidSyntax` when the body is not a BulkRequest or its `schemas` does not list
    /// the BulkRequest URN.
    pub fn from_json(body: &[u8]) -> Result<BulkRequest, ScimError> {
        parse_message(body, urn::BULK_REQUEST, |m: &BulkRequest| &m.schemas)
    }
}

/// The result of one bulk operation (RFC 7644 §3.7).
///
/// `status` is written as a string (`"201"`) and read from a string, a number or
/// `{"code": ...}` (the RFC's prose and examples disagree; we accept all three).
///
/// ```
/// use scimkit_schema::BulkOperationResponse;
///
/// for body in [r#"{"method": "POST", "status": "201"}"#, r#"{"method": "POST", "status": 201}"#,
///              r#"{"method": "POST", "status": {"code": "201"}}"#] {
///     let op: BulkOperationResponse = serde_json::from_str(body).unwrap();
///     assert_eq!(op.status, 201);
///     assert_eq!(serde_json::to_value(&op).unwrap()["status"], "201");
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkOperationResponse {
    /// The method of the operation.
    pub method: BulkMethod,
    /// The request's `bulkId`, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bulk_id: Option<String>,
    /// The resource's version after the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The resource URL; REQUIRED except for a failed POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// HTTP status of the operation.
    #[serde(
        serialize_with = "crate::status::serialize",
        deserialize_with = "crate::status::deserialize"
    )]
    pub status: u16,
    /// Response body; a SCIM Error for non-2xx statuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

/// The body answering a BulkRequest (RFC 7644 §3.7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkResponse {
    /// `["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]`.
    #[serde(default = "bulk_response_schemas")]
    pub schemas: Vec<String>,
    /// One result per processed operation (capital O on the wire).
    #[serde(rename = "Operations")]
    pub operations: Vec<BulkOperationResponse>,
}

fn bulk_response_schemas() -> Vec<String> {
    schemas_of(urn::BULK_RESPONSE)
}

impl BulkResponse {
    /// A BulkResponse message holding `operations`.
    pub fn new(operations: Vec<BulkOperationResponse>) -> BulkResponse {
        BulkResponse {
            schemas: bulk_response_schemas(),
            operations,
        }
    }
}
