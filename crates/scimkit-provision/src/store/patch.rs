//! PATCH through a store: the request handed to [`Store::patch`](super::Store::patch) and
//! the default get → apply → replace implementation with bounded retries.

use scimkit_schema::{PatchOp, ResourceType, ScimError};
use serde_json::Value;

use super::{ReadHint, Store, StoreError, Version};
use crate::tenant::RequestContext;

/// Applies a PATCH to a resource in memory: the PATCH engine with the tenant's preset, then
/// validation of the result and the tenant's policy. Provided by the service; called once per
/// attempt, each time on a fresh copy of the stored resource.
pub trait ApplyPatch: Send + Sync {
    /// Changes `resource` in place; `Ok(true)` when anything changed, `Ok(false)` for a
    /// PATCH that changes nothing (RFC 7644 §3.5.2.1: no new `lastModified` then).
    ///
    /// # Errors
    /// The SCIM Error the PATCH deserves (`invalidPath`, `noTarget`, `mutability`, ...);
    /// the resource is then not stored.
    fn apply(&self, resource: &mut Value) -> Result<bool, ScimError>;
}

impl<F> ApplyPatch for F
where
    F: Fn(&mut Value) -> Result<bool, ScimError> + Send + Sync,
{
    fn apply(&self, resource: &mut Value) -> Result<bool, ScimError> {
        self(resource)
    }
}

/// Default number of attempts of [`patch_by_replace`] when concurrent writers keep winning.
pub const DEFAULT_PATCH_ATTEMPTS: u32 = 16;

/// A PATCH to carry out (RFC 7644 §3.5.2).
pub struct PatchRequest<'a> {
    /// The PatchOp message as parsed; a store with native support reads it (e.g. to add
    /// group members as rows) and leaves the rest to [`apply`](Self::apply).
    pub patch: &'a PatchOp,
    /// The version the client required with `If-Match`; a mismatch is final (412). Without
    /// it, a conflict with a concurrent writer is retried.
    pub expected: Option<&'a Version>,
    /// Applies the whole PATCH to a resource.
    pub apply: &'a dyn ApplyPatch,
    /// How many times to try when concurrent writers win the race (at least 1).
    pub max_attempts: u32,
    /// Top-level attributes the caller will not return from
    /// [`PatchOutcome::resource`], e.g. `members` for
    /// `PATCH /Groups/{id}?excludedAttributes=members` (RFC 7644 §3.5.2 lets the response
    /// follow `attributes` / `excludedAttributes`, §3.9) or every attribute when the
    /// tenant answers PATCH with 204 No Content. Default: empty (the whole resource).
    ///
    /// The hint only shapes what is *returned*. A store MAY leave the named attributes out
    /// of `resource` (a SQL store then skips loading a big group's member rows); it MUST
    /// still return `id`, `schemas` and `meta` with the new `meta.version` (the response's
    /// `ETag` comes from it) and every attribute not named, as stored. It never changes
    /// what is applied, validated or stored. When a store returns
    /// [`PatchOutcome::before`], `resource` must be complete (the hint ignored): the
    /// service derives change events from that pair. [`patch_by_replace`] always ignores
    /// the hint; a store that changes attributes natively (returning
    /// [`PatchOutcome::membership`] and no `before`) is where it pays.
    pub hint: ReadHint,
}

impl<'a> PatchRequest<'a> {
    /// A request with no `If-Match`, [`DEFAULT_PATCH_ATTEMPTS`] attempts and an empty
    /// [`hint`](Self::hint) (the whole resource is returned).
    pub fn new(patch: &'a PatchOp, apply: &'a dyn ApplyPatch) -> PatchRequest<'a> {
        PatchRequest {
            patch,
            expected: None,
            apply,
            max_attempts: DEFAULT_PATCH_ATTEMPTS,
            hint: ReadHint::default(),
        }
    }

    /// Sets the [`hint`](Self::hint) (builder style).
    pub fn with_hint(mut self, hint: ReadHint) -> PatchRequest<'a> {
        self.hint = hint;
        self
    }
}

/// Members added and removed by a PATCH that a store applied natively (ids of the member
/// resources).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MembershipDelta {
    /// Member ids that were added (not already members).
    pub added: Vec<String>,
    /// Member ids that were removed (that were members).
    pub removed: Vec<String>,
}

/// What a PATCH did.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchOutcome {
    /// The resource after the PATCH, as stored, possibly without the attributes
    /// [`PatchRequest::hint`] names (never without `id`, `schemas` or `meta`; complete
    /// whenever [`before`](Self::before) is given).
    pub resource: Value,
    /// Whether anything changed (no new version otherwise).
    pub changed: bool,
    /// The resource before the PATCH, when the store had it at hand (the default path
    /// always does); the service derives change events from it.
    pub before: Option<Value>,
    /// Membership changes a native implementation made without loading the resource.
    pub membership: Option<MembershipDelta>,
}

/// The default [`Store::patch`](super::Store::patch): read the resource, apply the PATCH to a
/// copy, and write it back only if its version is still the one read. It has the whole
/// resource at hand and returns it with `before`, so it ignores `request.hint`. When a concurrent
/// writer got in between and the client sent no `If-Match`, start over from a fresh read, up
/// to `request.max_attempts` times, so concurrent PATCHes to one group lose no member.
///
/// # Errors
/// [`StoreError::NotFound`]; [`StoreError::VersionMismatch`] when `request.expected` is not
/// the current version; [`StoreError::Invalid`] for what `request.apply` refused, or a 409
/// when every attempt lost the race; errors of [`Store::replace`](super::Store::replace).
pub async fn patch_by_replace<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    resource_type: &ResourceType,
    id: &str,
    request: &PatchRequest<'_>,
) -> Result<PatchOutcome, StoreError> {
    let full = ReadHint::default();
    let attempts = request.max_attempts.max(1);
    for attempt in 1..=attempts {
        let current = store.get(ctx, resource_type, id, &full).await?;
        let version = Version::of(&current);
        if let Some(expected) = request.expected
            && version.as_ref() != Some(expected)
        {
            return Err(StoreError::VersionMismatch {
                current: version.unwrap_or_else(|| Version::new("")),
            });
        }
        let mut next = current.clone();
        if !request.apply.apply(&mut next)? {
            return Ok(PatchOutcome {
                resource: current.clone(),
                changed: false,
                before: Some(current),
                membership: None,
            });
        }
        match store
            .replace(ctx, resource_type, id, next, version.as_ref())
            .await
        {
            Ok(stored) => {
                return Ok(PatchOutcome {
                    resource: stored,
                    changed: true,
                    before: Some(current),
                    membership: None,
                });
            }
            Err(StoreError::VersionMismatch { .. })
                if request.expected.is_none() && attempt < attempts =>
            {
                continue;
            }
            Err(StoreError::VersionMismatch { .. }) if request.expected.is_none() => break,
            Err(err) => return Err(err),
        }
    }
    Err(StoreError::Invalid(ScimError::with_status(
        409,
        format!(
            "the resource kept changing under concurrent writes; gave up after {attempts} \
             attempts, retry the request"
        ),
    )))
}
