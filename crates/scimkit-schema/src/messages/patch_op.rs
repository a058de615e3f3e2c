//! `PatchOp` (RFC 7644 §3.5.2).

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::fields::{self, Fields, ListOf};
use super::parse::{parse_message, schemas_of};
use crate::error::ScimError;
use crate::json_text::UniqueValue;
use crate::urn;

/// A PATCH operation's `op` (RFC 7644 §3.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOpKind {
    /// `add` (RFC 7644 §3.5.2.1).
    Add,
    /// `remove` (RFC 7644 §3.5.2.2).
    Remove,
    /// `replace` (RFC 7644 §3.5.2.3).
    Replace,
}

impl PatchOpKind {
    /// The RFC spelling: `"add"`, `"remove"`, `"replace"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Remove => "remove",
            PatchOpKind::Replace => "replace",
        }
    }

    /// Parses an op name ASCII case-insensitively (`add`, `Add`, `ADD` are one op).
    pub fn parse(name: &str) -> Option<PatchOpKind> {
        [PatchOpKind::Add, PatchOpKind::Remove, PatchOpKind::Replace]
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(name))
    }
}

/// One PATCH operation (RFC 7644 §3.5.2).
///
/// `op` is read case-insensitively (Entra sends `"Replace"`); `op_sent` keeps any other
/// spelling as the client sent it, so a strict PATCH preset can refuse `"Add"`
/// ([`op_is_rfc_spelling`](Self::op_is_rfc_spelling)) and error details can quote the request
/// ([`op_as_sent`](Self::op_as_sent)). `path` stays text: parsing it is the filter crate's
/// job. `value` keeps an explicit `null` apart from an absent value (`Some(Value::Null)` vs
/// `None`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatchOperation {
    /// The operation.
    pub op: PatchOpKind,
    /// The `op` text as sent when it is not the RFC's lowercase spelling (`Some("Replace")`);
    /// `None` for `"add"`, `"remove"`, `"replace"` and for operations built in code. Not
    /// serialized: this crate always writes the RFC spelling.
    #[serde(skip)]
    pub op_sent: Option<String>,
    /// The attribute path (RFC 7644 §3.5.2 Figure 7), unparsed; optional for add and replace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value; required for add, absent for remove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

impl PatchOperation {
    /// An operation in the RFC spelling.
    pub fn new(op: PatchOpKind, path: Option<String>, value: Option<Value>) -> PatchOperation {
        PatchOperation {
            op,
            op_sent: None,
            path,
            value,
        }
    }

    /// Whether `op` was sent exactly as `"add"`, `"remove"` or `"replace"` (RFC 7644
    /// §3.5.2).
    pub fn op_is_rfc_spelling(&self) -> bool {
        self.op_sent
            .as_deref()
            .is_none_or(|sent| sent == self.op.as_str())
    }

    /// The `op` as the client spelled it (`"Replace"`), for error details that quote the
    /// request; the RFC spelling when it was sent that way or built in code.
    ///
    /// ```
    /// use scimkit_schema::PatchOp;
    ///
    /// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    ///   "Operations": [{"op": "Replace", "path": "active", "value": false}, {"op": "add", "value": {}}]}"#).unwrap();
    /// assert_eq!(patch.operations[0].op_as_sent(), "Replace");
    /// assert_eq!(patch.operations[1].op_as_sent(), "add");
    /// ```
    pub fn op_as_sent(&self) -> &str {
        self.op_sent.as_deref().unwrap_or(self.op.as_str())
    }
}

/// An operation as read, attribute names in any case (RFC 7643 §2.1): `"Op"` is `op`.
struct WireOperation {
    op: Option<String>,
    path: Option<String>,
    /// A present `value` is `Some`, even when it is JSON `null`.
    value: Option<Value>,
}

impl Fields for WireOperation {
    type Out = PatchOperation;
    const NAMES: &'static [&'static str] = &["op", "path", "value"];
    const WHAT: &'static str = "a PATCH operation object";

    fn empty() -> Self {
        WireOperation {
            op: None,
            path: None,
            value: None,
        }
    }

    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error> {
        match field {
            0 => self.op = Some(map.next_value()?),
            1 => self.path = map.next_value()?,
            _ => self.value = Some(map.next_value::<UniqueValue>()?.0),
        }
        Ok(())
    }

    fn finish(self) -> Result<PatchOperation, String> {
        let Some(sent) = self.op else {
            return Err(format!("{} (RFC 7644 §3.5.2)", fields::missing("op")));
        };
        let op = PatchOpKind::parse(&sent).ok_or_else(|| {
            format!("op {sent:?} is not \"add\", \"remove\" or \"replace\" (RFC 7644 §3.5.2)")
        })?;
        Ok(PatchOperation {
            op,
            op_sent: (sent != op.as_str()).then_some(sent),
            path: self.path,
            value: self.value,
        })
    }
}

impl<'de> Deserialize<'de> for PatchOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fields::read::<D, WireOperation>(deserializer)
    }
}

/// A PATCH request body (RFC 7644 §3.5.2):
/// `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [...]}`.
///
/// ```
/// use scimkit_schema::{PatchOp, PatchOpKind};
///
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///   "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#).unwrap();
/// let op = &patch.operations[0];
/// assert_eq!(op.op, PatchOpKind::Replace);
/// assert!(!op.op_is_rfc_spelling());
/// assert_eq!(op.path.as_deref(), Some("active"));
/// ```
///
/// Attribute names are read case-insensitively (RFC 7643 §2.1), in the message and in each
/// operation: `"operations"` is `Operations`, `"Path"` is `path`. Two spellings of one in
/// one object are refused as a duplicate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatchOp {
    /// `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`, as sent (empty when missing, which
    /// `from_json` refuses).
    pub schemas: Vec<String>,
    /// The operations, applied in order (capital O on the wire).
    #[serde(rename = "Operations")]
    pub operations: Vec<PatchOperation>,
}

/// A PatchOp as read, before `Operations` is known to be there.
struct WirePatchOp {
    schemas: Vec<String>,
    operations: Option<Vec<PatchOperation>>,
}

impl Fields for WirePatchOp {
    type Out = PatchOp;
    const NAMES: &'static [&'static str] = &["schemas", "Operations"];
    const WHAT: &'static str = "a PatchOp object";

    fn empty() -> Self {
        WirePatchOp {
            schemas: Vec::new(),
            operations: None,
        }
    }

    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error> {
        match field {
            0 => self.schemas = map.next_value()?,
            _ => {
                self.operations =
                    Some(map.next_value_seed(ListOf::<WireOperation>::new("Operations"))?);
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<PatchOp, String> {
        Ok(PatchOp {
            schemas: self.schemas,
            operations: self
                .operations
                .ok_or_else(|| fields::missing("Operations"))?,
        })
    }
}

impl<'de> Deserialize<'de> for PatchOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fields::read::<D, WirePatchOp>(deserializer)
    }
}

fn patch_op_schemas() -> Vec<String> {
    schemas_of(urn::PATCH_OP)
}

impl PatchOp {
    /// A PatchOp message holding `operations`.
    pub fn new(operations: Vec<PatchOperation>) -> PatchOp {
        PatchOp {
            schemas: patch_op_schemas(),
            operations,
        }
    }

    /// Parses a PATCH body.
    ///
    /// # Errors
    /// 400 `invalidSyntax` when the body is not a PatchOp (bad JSON, missing `Operations`, an
    /// unknown `op`), when `schemas` does not list the PatchOp URN, or when `Operations` is
    /// empty (RFC 7644 §3.5.2: "one or more"). The detail says which.
    pub fn from_json(body: &[u8]) -> Result<PatchOp, ScimError> {
        let patch = parse_message(body, urn::PATCH_OP, |m: &PatchOp| &m.schemas)?;
        if patch.operations.is_empty() {
            return Err(ScimError::invalid_syntax(
                "\"Operations\" must hold at least one operation (RFC 7644 §3.5.2)",
            ));
        }
        Ok(patch)
    }
}
