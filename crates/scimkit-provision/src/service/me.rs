//! `/Me` (RFC 7644 §3.11): an alias for the resource of the authenticated subject.

use http::Method;
use scimkit_schema::ScimError;

use super::wire::Reply;
use super::{Call, resources};
use crate::store::BoxFuture;
use crate::tenant::RequestContext;

/// The resource `/Me` stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeTarget {
    /// Its resource type's name, e.g. `User`.
    pub resource_type: String,
    /// Its id.
    pub id: String,
}

/// Maps the authenticated subject to its resource. Without one, `/Me` answers 501 Not
/// Implemented, which RFC 7644 §3.11 recommends for servers that do not support it.
pub trait MeResolver: Send + Sync {
    /// The resource of the request's subject ([`RequestContext::subject`]), or `None` when
    /// it has none (404).
    fn resolve<'a>(&'a self, ctx: &'a RequestContext) -> BoxFuture<'a, Option<MeTarget>>;
}

/// Processes the request directly on the aliased resource, with `Location` set to its
/// permanent URL (RFC 7644 §3.11, option 3). POST to `/Me` is not supported (501).
pub(crate) async fn handle(
    call: &Call<'_>,
    method: &Method,
    rest: &[String],
    body: &[u8],
) -> Result<Reply, ScimError> {
    let not_implemented =
        || ScimError::with_status(501, "/Me is not supported by this service (RFC 7644 §3.11)");
    let resolver = call.inner.me.as_ref().ok_or_else(not_implemented)?;
    if !rest.is_empty() {
        return Err(ScimError::not_found("no endpoint below /Me"));
    }
    if *method == Method::POST {
        return Err(ScimError::with_status(
            501,
            "creating a resource through POST /Me is not supported (RFC 7644 §3.11)",
        ));
    }
    let target = resolver.resolve(call.ctx).await.ok_or_else(|| {
        ScimError::not_found("the authenticated subject has no resource (RFC 7644 §3.11)")
    })?;
    let rt = call
        .registry()
        .resource_type(&target.resource_type)
        .ok_or_else(|| {
            ScimError::not_found(format!("no resource type {:?}", target.resource_type))
        })?;
    let mut reply = resources::dispatch(call, method, rt, &target.id, body).await?;
    if reply.status < 300 {
        reply.location = Some(call.location(rt, &target.id));
    }
    Ok(reply)
}
