//! `BulkRequest` and `BulkResponse` (RFC 7644 §3.7).

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::fields::{self, Fields, ListOf};
use super::parse::{parse_message, schemas_of};
use crate::error::ScimError;
use crate::json_text::UniqueValue;
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

/// One operation of a [`BulkRequest`] (RFC 7644 §3.7). Attribute names are read
/// case-insensitively (RFC 7643 §2.1: `"bulkid"` is `bulkId`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkOperation {
    /// The method.
    pub method: BulkMethod,
    /// Client-chosen id, REQUIRED for POST; others refer to it as `"bulkId:<id>"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bulk_id: Option<String>,
    /// ETag the resource must have (acts as `If-Match`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Path relative to the service root, e.g. `/Users` or `/Users/{id}`.
    pub path: String,
    /// The body: a resource for POST and PUT, a full PatchOp message for PATCH (EID 5050).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// A bulk operation as read, before its required attributes are known to be there.
struct WireBulkOperation {
    method: Option<BulkMethod>,
    bulk_id: Option<String>,
    version: Option<String>,
    path: Option<String>,
    data: Option<Value>,
}

impl Fields for WireBulkOperation {
    type Out = BulkOperation;
    const NAMES: &'static [&'static str] = &["method", "bulkId", "version", "path", "data"];
    const WHAT: &'static str = "a bulk operation object";

    fn empty() -> Self {
        WireBulkOperation {
            method: None,
            bulk_id: None,
            version: None,
            path: None,
            data: None,
        }
    }

    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error> {
        match field {
            0 => self.method = Some(map.next_value()?),
            1 => self.bulk_id = map.next_value()?,
            2 => self.version = map.next_value()?,
            3 => self.path = Some(map.next_value()?),
            _ => self.data = map.next_value::<Option<UniqueValue>>()?.map(|v| v.0),
        }
        Ok(())
    }

    fn finish(self) -> Result<BulkOperation, String> {
        Ok(BulkOperation {
            method: self.method.ok_or_else(|| fields::missing("method"))?,
            bulk_id: self.bulk_id,
            version: self.version,
            path: self.path.ok_or_else(|| fields::missing("path"))?,
            data: self.data,
        })
    }
}

impl<'de> Deserialize<'de> for BulkOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fields::read::<D, WireBulkOperation>(deserializer)
    }
}

/// A `POST /Bulk` body (RFC 7644 §3.7). Attribute names are read case-insensitively
/// (RFC 7643 §2.1: `"operations"` is `Operations`); two spellings of one are refused as a
/// duplicate.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkRequest {
    /// `["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]`, as sent (empty when missing, which
    /// `from_json` refuses).
    pub schemas: Vec<String>,
    /// Number of errors after which the server stops; absent means "process everything".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_on_errors: Option<u32>,
    /// The operations (capital O on the wire).
    #[serde(rename = "Operations")]
    pub operations: Vec<BulkOperation>,
}

/// A BulkRequest as read, before `Operations` is known to be there.
struct WireBulkRequest {
    schemas: Vec<String>,
    fail_on_errors: Option<u32>,
    operations: Option<Vec<BulkOperation>>,
}

impl Fields for WireBulkRequest {
    type Out = BulkRequest;
    const NAMES: &'static [&'static str] = &["schemas", "failOnErrors", "Operations"];
    const WHAT: &'static str = "a BulkRequest object";

    fn empty() -> Self {
        WireBulkRequest {
            schemas: Vec::new(),
            fail_on_errors: None,
            operations: None,
        }
    }

    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error> {
        match field {
            0 => self.schemas = map.next_value()?,
            1 => self.fail_on_errors = map.next_value()?,
            _ => {
                self.operations =
                    Some(map.next_value_seed(ListOf::<WireBulkOperation>::new("Operations"))?);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<BulkRequest, String> {
        Ok(BulkRequest {
            schemas: self.schemas,
            fail_on_errors: self.fail_on_errors,
            operations: self
                .operations
                .ok_or_else(|| fields::missing("Operations"))?,
        })
    }
}

impl<'de> Deserialize<'de> for BulkRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fields::read::<D, WireBulkRequest>(deserializer)
    }
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
