//! RFC 7644 protocol messages (and RFC 9865 additions): `ListResponse`, `SearchRequest`,
//! `PatchOp`, `BulkRequest` / `BulkResponse` and the `ServiceProviderConfig` resource. The
//! `Error` message is [`ScimError`](crate::ScimError).
//!
//! Every message carries its `schemas` as sent ([`Vec<String>`]); constructors fill in the
//! message URN, and `from_json` functions check it is there.

mod bulk;
mod fields;
mod list_response;
mod parse;
mod patch_op;
mod search_request;
mod service_provider_config;

pub use bulk::{BulkMethod, BulkOperation, BulkOperationResponse, BulkRequest, BulkResponse};
pub use list_response::ListResponse;
pub use patch_op::{PatchOp, PatchOpKind, PatchOperation};
pub use search_request::{SearchRequest, SortOrder};
pub use service_provider_config::{
    AuthenticationScheme, BulkConfig, FilterConfig, Pagination, PaginationMethod,
    ServiceProviderConfig, Supported,
};
