//! PATCH (RFC 7644 §3.5.2) in one write transaction.

use scimkit_provision::{PatchOutcome, PatchRequest, RequestContext, StoreError};
use scimkit_schema::ResourceType;

use crate::error::backend;
use crate::store::SqliteStore;

impl SqliteStore {
    /// Reads the resource, applies the PATCH and writes the result back, all inside one
    /// `BEGIN IMMEDIATE` transaction: no other writer can get in between, so the version
    /// check cannot fail after the read and no retry is ever needed.
    pub(crate) async fn patch_impl(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        request: &PatchRequest<'_>,
    ) -> Result<PatchOutcome, StoreError> {
        let layout = self.layout(resource_type);
        let mut tx = self.begin_write().await?;
        let row = Self::find(&mut tx, ctx, resource_type, id).await?;
        row.check(request.expected)?;
        let current = Self::with_members(&mut tx, &layout, row.pk, row.body.clone()).await?;
        let mut next = current.clone();
        if !request.apply.apply(&mut next)? {
            return Ok(PatchOutcome {
                resource: current.clone(),
                changed: false,
                before: Some(current),
                membership: None,
            });
        }
        let stored = self
            .write_existing(&mut tx, ctx, resource_type, &row, id, next)
            .await?;
        tx.commit().await.map_err(backend)?;
        Ok(PatchOutcome {
            resource: stored,
            changed: true,
            before: Some(current),
            membership: None,
        })
    }
}
