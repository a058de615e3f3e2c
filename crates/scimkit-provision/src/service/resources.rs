//! Single-resource operations: create (RFC 7644 §3.3), get (§3.4.1), replace (§3.5.1),
//! modify (§3.5.2), delete (§3.6), with ETags (§3.14).

use http::Method;
use http::header;
use scimkit_schema::{
    Mutability, Operation, PatchOp, ResourceType, SchemaRegistry, ScimError, canonicalize, validate,
};
use serde_json::Value;

use super::route::Route;
use super::served::{self, Served};
use super::view::{View, everything_but_meta};
use super::wire::{Reply, TagList};
use super::{Call, changes, method_not_allowed};
use crate::store::{PatchRequest, ReadHint, StoreError, Version};
use crate::tenant::PatchResponse;

/// Conditional-request headers (RFC 7644 §3.14), from HTTP or from a bulk `version`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Preconditions {
    pub(crate) if_match: Option<TagList>,
    pub(crate) if_none_match: Option<TagList>,
}

impl Preconditions {
    pub(crate) fn from_headers(headers: &http::HeaderMap) -> Result<Preconditions, ScimError> {
        Ok(Preconditions {
            if_match: TagList::from_header(headers, header::IF_MATCH)?,
            if_none_match: TagList::from_header(headers, header::IF_NONE_MATCH)?,
        })
    }

    /// `If-Match` must hold for the current version, else 412.
    fn check_match(&self, current: Option<&Version>) -> Result<(), ScimError> {
        match &self.if_match {
            Some(tags) if !tags.matches(current) => Err(StoreError::VersionMismatch {
                current: current.cloned().unwrap_or_else(|| Version::new("")),
            }
            .into()),
            _ => Ok(()),
        }
    }
}

/// The stored version a write must find, from `If-Match` (RFC 7644 §3.14): none without the
/// header or with `*` (the store still answers 404 for a missing resource); the tag itself
/// when there is one and the type serves stored tags (the store answers 412 when it is not
/// current); else (several tags, or a User, whose served tag covers its derived `groups`,
/// see [`served`](super::served)) the current stored version if the current served tag is
/// one of them, else 412.
async fn expected_version(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    pre: &Preconditions,
) -> Result<Option<Version>, ScimError> {
    match &pre.if_match {
        None | Some(TagList::Any) => Ok(None),
        Some(TagList::Tags(tags)) if tags.len() == 1 && !served::derives(call, rt) => {
            Ok(tags.first().cloned())
        }
        Some(_) => {
            let current = call
                .inner
                .store
                .get(call.ctx, rt, id, &ReadHint::default())
                .await?;
            let served = Served::load(call, rt, &current).await?;
            pre.check_match(served.version.as_ref())?;
            Ok(Version::of(&current))
        }
    }
}

/// How many times a PUT without `If-Match` is retried when a concurrent writer wins.
const REPLACE_ATTEMPTS: u32 = 16;

pub(crate) async fn dispatch(
    call: &Call<'_>,
    method: &Method,
    rt: &ResourceType,
    id: &str,
    body: &[u8],
) -> Result<Reply, ScimError> {
    let pre = Preconditions::from_headers(call.headers)?;
    let view = view(call, rt)?;
    match *method {
        Method::GET => get(call, rt, id, &pre, &view).await,
        Method::PUT => replace(call, rt, id, parse_body(body)?, &pre, &view).await,
        Method::PATCH => patch(call, rt, id, body, &pre, &view).await,
        Method::DELETE => delete(call, rt, id, &pre).await,
        _ => Ok(method_not_allowed(
            method,
            &Route::Resource(rt, id.to_owned()),
        )),
    }
}

pub(crate) fn view(call: &Call<'_>, rt: &ResourceType) -> Result<View, ScimError> {
    View::parse(
        call.registry(),
        rt,
        call.query.get("attributes"),
        call.query.get("excludedAttributes"),
    )
}

/// Parses a request body as JSON.
///
/// # Errors
/// 400 `invalidSyntax` naming line and column.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, ScimError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ScimError::invalid_syntax(
            "the request body is empty; a JSON object is required",
        ));
    }
    scimkit_schema::parse_json_body(body, "the request body")
}

/// The stored resource as the client sees it: `meta.location` added, what `served` derived
/// (a User's `groups`, the served tag in `meta.version`), projected.
pub(crate) fn render(
    call: &Call<'_>,
    rt: &ResourceType,
    mut resource: Value,
    served: Served,
    view: &View,
) -> Result<Value, ScimError> {
    if let Some(id) = resource
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned)
        && let Some(meta) = resource.get_mut("meta").and_then(Value::as_object_mut)
    {
        meta.insert("location".into(), Value::String(call.location(rt, &id)));
    }
    served.apply(&mut resource);
    view.projection.apply(call.registry(), rt, &mut resource)?;
    Ok(resource)
}

async fn reply_resource(
    call: &Call<'_>,
    rt: &ResourceType,
    status: u16,
    resource: Value,
    view: &View,
) -> Result<Reply, ScimError> {
    let served = Served::load(call, rt, &resource).await?;
    reply_served(call, rt, status, resource, served, view)
}

/// A reply with one resource and its served tag in `ETag` (RFC 7644 §3.14); `Location` for
/// a 201.
fn reply_served(
    call: &Call<'_>,
    rt: &ResourceType,
    status: u16,
    resource: Value,
    served: Served,
    view: &View,
) -> Result<Reply, ScimError> {
    let version = served.version.clone();
    let id = resource
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut reply = Reply::json(status, render(call, rt, resource, served, view)?);
    reply.version = version;
    if status == 201 {
        reply.location = id.map(|id| call.location(rt, &id));
    }
    Ok(reply)
}

/// Runs the tenant's and the host's policies.
pub(crate) fn check_policies(
    call: &Call<'_>,
    rt: &ResourceType,
    resource: &Value,
) -> Result<(), ScimError> {
    for policy in &call.inner.policies {
        policy.check(call.ctx, rt, resource)?;
    }
    Ok(())
}

/// Removes writeOnly attributes (e.g. `password`): scimkit never stores them (RFC 7643 §9.2
/// forbids keeping passwords in the clear; policies saw them before this).
pub(crate) fn strip_write_only(registry: &SchemaRegistry, rt: &ResourceType, resource: &mut Value) {
    let Some(object) = resource.as_object_mut() else {
        return;
    };
    if let Some(base) = registry.base_schema(rt) {
        for def in base
            .attributes
            .iter()
            .filter(|d| d.mutability == Mutability::WriteOnly)
        {
            object.remove(&def.name);
        }
    }
    for schema in registry.extension_schemas(rt) {
        if let Some(Value::Object(inner)) = object.get_mut(&schema.id) {
            for def in schema
                .attributes
                .iter()
                .filter(|d| d.mutability == Mutability::WriteOnly)
            {
                inner.remove(&def.name);
            }
        }
    }
}

/// Canonicalises and validates a request resource with the tenant's compatibility preset.
pub(crate) fn prepare(
    call: &Call<'_>,
    rt: &ResourceType,
    mut resource: Value,
    operation: Operation<'_>,
) -> Result<Value, ScimError> {
    let compat = call.ctx.tenant.patch_options().compat;
    canonicalize(call.registry(), rt, &mut resource, &compat)?;
    validate(call.registry(), rt, &mut resource, operation, &compat)?;
    refuse_unregistered_extensions(rt, &resource)?;
    Ok(resource)
}

/// Data under an extension URN the resource type does not register cannot be validated,
/// filtered or projected, so it is refused rather than kept unqueryable (RFC 7643 §3 allows
/// only the type's base schema and extensions). An unknown URN in `schemas` without data
/// (Entra's group create) is still tolerated by the lenient presets.
///
/// # Errors
/// 400 `invalidValue` naming the URN.
fn refuse_unregistered_extensions(rt: &ResourceType, resource: &Value) -> Result<(), ScimError> {
    let Some(object) = resource.as_object() else {
        return Ok(());
    };
    for (key, value) in object {
        let is_urn = key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
        if is_urn && value.is_object() && !rt.uses_schema(key) {
            return Err(ScimError::invalid_value(format!(
                "extension {key:?} is not a schema of resource type {:?}; the service provider \
                 must register it before clients send its data (RFC 7643 §3)",
                rt.name
            )));
        }
    }
    Ok(())
}

fn record(call: &Call<'_>, events: Vec<crate::events::Event>) {
    for event in events {
        call.inner.events.record(event);
    }
}

pub(crate) async fn create(
    call: &Call<'_>,
    rt: &ResourceType,
    body: &[u8],
) -> Result<Reply, ScimError> {
    let view = view(call, rt)?;
    create_value(call, rt, parse_body(body)?, &view).await
}

pub(crate) async fn create_value(
    call: &Call<'_>,
    rt: &ResourceType,
    body: Value,
    view: &View,
) -> Result<Reply, ScimError> {
    let mut resource = prepare(call, rt, body, Operation::Create)?;
    check_policies(call, rt, &resource)?;
    strip_write_only(call.registry(), rt, &mut resource);
    let stored = call.inner.store.create(call.ctx, rt, resource).await?;
    if let Some(id) = stored.get("id").and_then(Value::as_str) {
        record(call, changes::created(call.ctx, &rt.name, id));
    }
    reply_resource(call, rt, 201, stored, view).await
}

pub(crate) async fn get(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    pre: &Preconditions,
    view: &View,
) -> Result<Reply, ScimError> {
    let hint = view.hint.clone();
    let resource = call.inner.store.get(call.ctx, rt, id, &hint).await?;
    let served = Served::load(call, rt, &resource).await?;
    if let Some(tags) = &pre.if_none_match
        && tags.matches(served.version.as_ref())
    {
        let mut reply = Reply::empty(304);
        reply.version = served.version;
        return Ok(reply);
    }
    pre.check_match(served.version.as_ref())?;
    reply_served(call, rt, 200, resource, served, view)
}

/// Immutable attributes a PUT body leaves out keep their stored value (RFC 7644 §3.5.1:
/// "if no value is provided, the existing value is retained" is how we read the immutable
/// rule; `validate` already refused changed values).
fn keep_immutable(registry: &SchemaRegistry, rt: &ResourceType, new: &mut Value, current: &Value) {
    let (Some(new), Some(current)) = (new.as_object_mut(), current.as_object()) else {
        return;
    };
    let absent = |v: Option<&Value>| v.is_none_or(Value::is_null);
    if let Some(base) = registry.base_schema(rt) {
        for def in base
            .attributes
            .iter()
            .filter(|d| d.mutability == Mutability::Immutable)
        {
            if absent(new.get(&def.name))
                && let Some(old) = current.get(&def.name)
            {
                new.insert(def.name.clone(), old.clone());
            }
        }
    }
    for schema in registry.extension_schemas(rt) {
        for def in schema
            .attributes
            .iter()
            .filter(|d| d.mutability == Mutability::Immutable)
        {
            let old = current.get(&schema.id).and_then(|e| e.get(&def.name));
            let missing = absent(new.get(&schema.id).and_then(|e| e.get(&def.name)));
            if let (Some(old), true) = (old, missing)
                && let Value::Object(ext) = new
                    .entry(schema.id.clone())
                    .or_insert_with(|| Value::Object(Default::default()))
            {
                ext.insert(def.name.clone(), old.clone());
            }
        }
    }
}

pub(crate) async fn replace(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    body: Value,
    pre: &Preconditions,
    view: &View,
) -> Result<Reply, ScimError> {
    let store = &call.inner.store;
    let full = ReadHint::default();
    for attempt in 1..=REPLACE_ATTEMPTS {
        let current = store.get(call.ctx, rt, id, &full).await?;
        let version = Version::of(&current);
        if pre.if_match.is_some() {
            let served = Served::load(call, rt, &current).await?;
            pre.check_match(served.version.as_ref())?;
        }
        let mut resource = prepare(
            call,
            rt,
            body.clone(),
            Operation::Replace { current: &current },
        )?;
        keep_immutable(call.registry(), rt, &mut resource, &current);
        check_policies(call, rt, &resource)?;
        strip_write_only(call.registry(), rt, &mut resource);
        match store
            .replace(call.ctx, rt, id, resource, version.as_ref())
            .await
        {
            Ok(stored) => {
                record(
                    call,
                    changes::updated(call.ctx, &rt.name, id, &current, &stored),
                );
                return reply_resource(call, rt, 200, stored, view).await;
            }
            Err(StoreError::VersionMismatch { .. })
                if pre.if_match.is_none() && attempt < REPLACE_ATTEMPTS =>
            {
                continue;
            }
            Err(err) => return Err(err.into()),
        }
    }
    Err(ScimError::with_status(
        409,
        "the resource kept changing under concurrent writes; retry the request",
    ))
}

pub(crate) async fn delete(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    pre: &Preconditions,
) -> Result<Reply, ScimError> {
    let store = &call.inner.store;
    let expected = expected_version(call, rt, id, pre).await?;
    store.delete(call.ctx, rt, id, expected.as_ref()).await?;
    record(call, changes::deleted(call.ctx, &rt.name, id));
    if rt.name == "User" && call.inner.config.remove_deleted_members {
        remove_from_groups(call, id).await?;
    }
    Ok(Reply::empty(204))
}

/// Removes a deleted user from every group's `members` (one PATCH per group, so a native
/// store does it as a row delete).
async fn remove_from_groups(call: &Call<'_>, id: &str) -> Result<(), ScimError> {
    let Some(groups) = call.registry().resource_type("Group") else {
        return Ok(());
    };
    let filter_text = format!("members[value eq {}]", Value::String(id.to_owned()));
    let listing = served::groups_listing(call, groups, id).await?;
    let patch: PatchOp = serde_json::from_value(serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "remove", "path": filter_text}]
    }))
    .map_err(|e| ScimError::with_status(500, e.to_string()))?;
    let apply = |group: &mut Value| -> Result<bool, ScimError> {
        let Some(members) = group.get_mut("members").and_then(Value::as_array_mut) else {
            return Ok(false);
        };
        let before = members.len();
        members.retain(|m| m.get("value").and_then(Value::as_str) != Some(id));
        let (after, empty) = (members.len(), members.is_empty());
        if empty && let Some(object) = group.as_object_mut() {
            // RFC 7643 §2.5: an empty multi-valued attribute is unassigned.
            object.remove("members");
        }
        Ok(after != before)
    };
    for group in listing {
        let Some(gid) = group.get("id").and_then(Value::as_str) else {
            continue;
        };
        let request = crate::store::PatchRequest::new(&patch, &apply);
        match call
            .inner
            .store
            .patch(call.ctx, groups, gid, &request)
            .await
        {
            Ok(outcome) if outcome.changed => record(
                call,
                changes::membership(
                    call.ctx,
                    &groups.name,
                    gid,
                    crate::store::MembershipDelta {
                        added: Vec::new(),
                        removed: vec![id.to_owned()],
                    },
                ),
            ),
            Ok(_) | Err(StoreError::NotFound) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

pub(crate) async fn patch(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    body: &[u8],
    pre: &Preconditions,
    view: &View,
) -> Result<Reply, ScimError> {
    let options = call.ctx.tenant.patch_options();
    let patch = if options.empty_operations_noop {
        // PatchOp::from_json refuses an empty Operations list; the preset accepts it.
        let value = parse_body(body)?;
        serde_json::from_value::<PatchOp>(value)
            .map_err(|e| ScimError::invalid_syntax(format!("not a valid PatchOp message: {e}")))
            .and_then(|p| {
                let listed = p
                    .schemas
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(scimkit_schema::urn::PATCH_OP));
                if listed {
                    Ok(p)
                } else {
                    Err(ScimError::invalid_syntax(format!(
                        "\"schemas\" must contain {:?} (RFC 7644 §3.5.2)",
                        scimkit_schema::urn::PATCH_OP
                    )))
                }
            })?
    } else {
        PatchOp::from_json(body)?
    };
    patch_value(call, rt, id, &patch, pre, view).await
}

/// PATCH (RFC 7644 §3.5.2) through [`Store::patch`](crate::Store::patch): the engine with
/// the tenant's preset, then the policies, on each attempt. The request's
/// [`hint`](PatchRequest::hint) names what the reply will not show (all but `meta` for a
/// 204), so a store may skip loading it.
pub(crate) async fn patch_value(
    call: &Call<'_>,
    rt: &ResourceType,
    id: &str,
    patch: &PatchOp,
    pre: &Preconditions,
    view: &View,
) -> Result<Reply, ScimError> {
    let options = call.ctx.tenant.patch_options();
    let registry = call.registry();
    let store = &call.inner.store;
    let expected = expected_version(call, rt, id, pre).await?;
    let apply = |resource: &mut Value| -> Result<bool, ScimError> {
        let outcome = scimkit_patch::apply(resource, patch, registry, rt, &options)?;
        if !outcome.changed() {
            return Ok(false);
        }
        check_policies(call, rt, resource)?;
        strip_write_only(registry, rt, resource);
        Ok(true)
    };
    // RFC 7644 §3.5.2: 204 unless `attributes` was asked for; then only `meta.version`
    // (the ETag) is needed. Otherwise the reply follows the projection (§3.9), so the store
    // need not load what `excludedAttributes` drops (a big group's `members`).
    let no_content = call.ctx.tenant.patch_response == PatchResponse::NoContent && !view.include;
    let hint = if no_content {
        everything_but_meta(registry, rt)
    } else {
        view.hint.clone()
    };
    let mut request = PatchRequest::new(patch, &apply).with_hint(hint);
    request.expected = expected.as_ref();
    let outcome = store.patch(call.ctx, rt, id, &request).await?;
    if outcome.changed {
        if let Some(before) = &outcome.before {
            record(
                call,
                changes::updated(call.ctx, &rt.name, id, before, &outcome.resource),
            );
        } else if let Some(delta) = outcome.membership.clone() {
            record(call, changes::membership(call.ctx, &rt.name, id, delta));
        }
    }
    if no_content {
        let mut reply = Reply::empty(204);
        reply.version = Served::load(call, rt, &outcome.resource).await?.version;
        return Ok(reply);
    }
    reply_resource(call, rt, 200, outcome.resource, view).await
}
