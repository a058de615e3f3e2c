//! `/Bulk` (RFC 7644 §3.7): operations in order, `bulkId` references (forward and circular),
//! `failOnErrors`, and the `maxOperations` / `maxPayloadSize` limits (§3.7.4).
//!
//! Order of work: an operation runs as soon as every `bulkId:` it references is resolved,
//! so forward references work. When every pending operation waits for another (a cycle,
//! e.g. two groups that list each other as members, RFC 7644 §3.7.1), the first pending POST
//! runs without the unresolved references, and once the cycle is resolved they are added
//! back with a PATCH `add` (the RFC's own resolution of that example). A reference to a
//! `bulkId` that no POST of the request defines is 400 `invalidValue`; a reference to one
//! whose POST failed is 409.

use std::collections::{HashMap, HashSet};

use scimkit_schema::{
    BulkMethod, BulkOperation, BulkOperationResponse, BulkRequest, BulkResponse, PatchOp, ScimError,
};
use serde_json::{Map, Value, json};

use super::resources::{self, Preconditions};
use super::route::Route;
use super::view::{View, everything_but_meta};
use super::wire::{Reply, TagList};
use super::{Call, changes};
use crate::store::{PatchRequest, StoreError, Version};

const PREFIX: &str = "bulkId:";

/// Every `bulkId:x` referenced in a string of `value` (the `x`s).
fn refs_in(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => refs_in_str(s, out),
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        Value::Object(map) => map.values().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

fn refs_in_str(s: &str, out: &mut Vec<String>) {
    let mut rest = s;
    while let Some(at) = rest.find(PREFIX) {
        let tail = &rest[at + PREFIX.len()..];
        let end = tail.find(['/', '"', ' ', '?', '#']).unwrap_or(tail.len());
        if end > 0 {
            out.push(tail[..end].to_owned());
        }
        rest = &tail[end..];
    }
}

fn substitute_str(s: &str, resolved: &HashMap<String, String>) -> String {
    let mut out = s.to_owned();
    let mut refs = Vec::new();
    refs_in_str(s, &mut refs);
    for r in refs {
        if let Some(id) = resolved.get(&r) {
            out = out.replace(&format!("{PREFIX}{r}"), id);
        }
    }
    out
}

fn substitute(value: &mut Value, resolved: &HashMap<String, String>) {
    match value {
        Value::String(s) if s.contains(PREFIX) => *s = substitute_str(s, resolved),
        Value::Array(items) => items.iter_mut().for_each(|v| substitute(v, resolved)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute(v, resolved)),
        _ => {}
    }
}

fn operation_refs(op: &BulkOperation) -> Vec<String> {
    let mut out = Vec::new();
    refs_in_str(&op.path, &mut out);
    if let Some(data) = &op.data {
        refs_in(data, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

/// Values removed from a POST to break a reference cycle, to add back later.
struct Deferred {
    /// Index of the POST operation.
    op: usize,
    /// `None` for a top-level attribute, else the extension URN.
    extension: Option<String>,
    attribute: String,
    /// The removed value: an array of elements, or a single value.
    value: Value,
}

/// Removes the values of `data` that reference an unresolved bulkId.
fn strip_unresolved(op: usize, data: &mut Value, unresolved: &HashSet<String>) -> Vec<Deferred> {
    let mut out = Vec::new();
    let has_unresolved = |v: &Value| {
        let mut refs = Vec::new();
        refs_in(v, &mut refs);
        refs.iter().any(|r| unresolved.contains(r))
    };
    let strip =
        |object: &mut Map<String, Value>, extension: Option<String>, out: &mut Vec<Deferred>| {
            let keys: Vec<String> = object.keys().cloned().collect();
            for key in keys {
                let Some(value) = object.get_mut(&key) else {
                    continue;
                };
                match value {
                    Value::Array(items) => {
                        let (bad, good): (Vec<Value>, Vec<Value>) =
                            std::mem::take(items).into_iter().partition(&has_unresolved);
                        *items = good;
                        if !bad.is_empty() {
                            out.push(Deferred {
                                op,
                                extension: extension.clone(),
                                attribute: key,
                                value: Value::Array(bad),
                            });
                        }
                    }
                    other if has_unresolved(other) => {
                        let removed = object.remove(&key).unwrap_or(Value::Null);
                        out.push(Deferred {
                            op,
                            extension: extension.clone(),
                            attribute: key,
                            value: removed,
                        });
                    }
                    _ => {}
                }
            }
        };
    if let Value::Object(object) = data {
        let extensions: Vec<String> = object
            .iter()
            .filter(|(k, v)| k.to_ascii_lowercase().starts_with("urn:") && v.is_object())
            .map(|(k, _)| k.clone())
            .collect();
        for ext in extensions {
            if let Some(Value::Object(inner)) = object.get_mut(&ext) {
                strip(inner, Some(ext.clone()), &mut out);
            }
        }
        strip(object, None, &mut out);
    }
    out
}

fn error_response(op: &BulkOperation, err: &ScimError) -> BulkOperationResponse {
    BulkOperationResponse {
        method: op.method,
        bulk_id: op.bulk_id.clone(),
        version: None,
        location: None,
        status: err.status,
        response: serde_json::to_value(err).ok(),
    }
}

pub(crate) async fn handle(call: &Call<'_>, body: &[u8]) -> Result<Reply, ScimError> {
    let limits = &call.inner.config.limits;
    let max_payload = limits.bulk_max_payload_bytes.min(limits.max_body_bytes);
    if body.len() > max_payload {
        return Err(ScimError::with_status(
            413,
            format!(
                "the BulkRequest is {} bytes; maxPayloadSize is {max_payload} bytes (RFC 7644 §3.7.4)",
                body.len()
            ),
        ));
    }
    let request = BulkRequest::from_json(body)?;
    if request.operations.len() > limits.bulk_max_operations {
        return Err(ScimError::with_status(
            413,
            format!(
                "the BulkRequest has {} operations; maxOperations is {} (RFC 7644 §3.7.4)",
                request.operations.len(),
                limits.bulk_max_operations
            ),
        ));
    }
    let ops = &request.operations;
    let mut defined: HashSet<String> = HashSet::new();
    for op in ops {
        if let Some(bulk_id) = &op.bulk_id
            && !defined.insert(bulk_id.clone())
        {
            return Err(ScimError::invalid_value(format!(
                "bulkId {bulk_id:?} is used by more than one operation (RFC 7644 §3.7)"
            )));
        }
    }
    let defined_by_post: HashSet<&str> = ops
        .iter()
        .filter(|o| o.method == BulkMethod::Post)
        .filter_map(|o| o.bulk_id.as_deref())
        .collect();

    let mut resolved: HashMap<String, String> = HashMap::new();
    let mut failed: HashSet<String> = HashSet::new();
    let mut results: Vec<Option<BulkOperationResponse>> = vec![None; ops.len()];
    let mut pending: Vec<usize> = (0..ops.len()).collect();
    let mut deferred: Vec<Deferred> = Vec::new();
    let mut errors = 0u32;
    let stop_after = request.fail_on_errors.filter(|n| *n > 0);
    let stopped = |errors: u32| stop_after.is_some_and(|n| errors >= n);

    'outer: while !pending.is_empty() {
        let mut progress = false;
        let mut still = Vec::new();
        for &i in &pending {
            if stopped(errors) {
                break 'outer;
            }
            let op = &ops[i];
            let refs = operation_refs(op);
            let outcome = if let Some(r) =
                refs.iter().find(|r| !defined_by_post.contains(r.as_str()))
            {
                Some(Err(ScimError::invalid_value(format!(
                    "bulkId:{r} is not defined by a POST of this request (RFC 7644 §3.7.2)"
                ))))
            } else if let Some(r) = refs.iter().find(|r| failed.contains(*r)) {
                Some(Err(ScimError::with_status(
                    409,
                    format!(
                        "bulkId:{r} could not be resolved: its operation failed (RFC 7644 §3.7.1)"
                    ),
                )))
            } else if refs.iter().all(|r| resolved.contains_key(r)) {
                Some(run(call, op, op.data.clone(), &resolved).await)
            } else {
                None
            };
            match outcome {
                None => still.push(i),
                Some(result) => {
                    progress = true;
                    results[i] = Some(record(op, result, &mut resolved, &mut failed, &mut errors));
                }
            }
        }
        pending = still;
        if pending.is_empty() || progress {
            continue;
        }
        // Every pending operation waits for another: break the cycle at the first POST.
        let Some(pos) = pending
            .iter()
            .position(|&i| ops[i].method == BulkMethod::Post)
        else {
            for &i in &pending {
                let err = ScimError::with_status(
                    409,
                    "circular bulkId references could not be resolved (RFC 7644 §3.7.1)",
                );
                results[i] = Some(error_response(&ops[i], &err));
            }
            break;
        };
        let i = pending.remove(pos);
        let op = &ops[i];
        let unresolved: HashSet<String> = operation_refs(op)
            .into_iter()
            .filter(|r| !resolved.contains_key(r))
            .collect();
        let mut data = op.data.clone().unwrap_or(Value::Null);
        deferred.extend(strip_unresolved(i, &mut data, &unresolved));
        let result = run(call, op, Some(data), &resolved).await;
        results[i] = Some(record(op, result, &mut resolved, &mut failed, &mut errors));
    }

    for item in deferred {
        let Some(Some(done)) = results.get(item.op) else {
            continue;
        };
        if done.status >= 300 {
            continue;
        }
        let op = &ops[item.op];
        let id = op.bulk_id.as_ref().and_then(|b| resolved.get(b)).cloned();
        let (Some(id), Ok(Route::Type(rt))) = (id, Route::parse(call.registry(), "", &op.path))
        else {
            continue;
        };
        let mut value = item.value;
        substitute(&mut value, &resolved);
        if let Err(err) = add_back(call, rt, &id, item.extension, item.attribute, value).await
            && let Some(Some(slot)) = results.get_mut(item.op)
        {
            *slot = error_response(op, &err);
        }
    }

    let operations = results.into_iter().flatten().collect();
    let response = BulkResponse::new(operations);
    Ok(Reply::json(
        200,
        serde_json::to_value(response).unwrap_or(Value::Null),
    ))
}

fn record(
    op: &BulkOperation,
    result: Result<(Reply, Option<String>), ScimError>,
    resolved: &mut HashMap<String, String>,
    failed: &mut HashSet<String>,
    errors: &mut u32,
) -> BulkOperationResponse {
    match result {
        Ok((reply, id)) => {
            if let (Some(bulk_id), Some(id)) = (&op.bulk_id, id) {
                resolved.insert(bulk_id.clone(), id);
            }
            BulkOperationResponse {
                method: op.method,
                bulk_id: op.bulk_id.clone(),
                version: reply.version.map(|v| v.etag()),
                location: reply.location,
                status: reply.status,
                response: None,
            }
        }
        Err(err) => {
            *errors += 1;
            if let Some(bulk_id) = &op.bulk_id {
                failed.insert(bulk_id.clone());
            }
            error_response(op, &err)
        }
    }
}

/// Runs one operation with `bulkId:` references replaced; returns the reply and, for a POST,
/// the new resource's id.
async fn run(
    call: &Call<'_>,
    op: &BulkOperation,
    data: Option<Value>,
    resolved: &HashMap<String, String>,
) -> Result<(Reply, Option<String>), ScimError> {
    let path = substitute_str(&op.path, resolved);
    let mut data = data;
    if let Some(data) = &mut data {
        substitute(data, resolved);
    }
    let route = Route::parse(call.registry(), "", &path).map_err(|_| {
        ScimError::invalid_value(format!(
            "bulk path {path:?} names no resource endpoint (RFC 7644 §3.7)"
        ))
    })?;
    let pre = Preconditions {
        if_match: match &op.version {
            Some(tag) => Some(TagList::Tags(vec![Version::from_etag(tag).ok_or_else(
                || ScimError::invalid_value(format!("bulk version {tag:?} is not an entity tag")),
            )?])),
            None => None,
        },
        if_none_match: None,
    };
    let projection = View::default();
    let need_data = || {
        data.clone().ok_or_else(|| {
            ScimError::invalid_syntax(format!(
                "bulk {:?} operation needs \"data\" (RFC 7644 §3.7)",
                op.method
            ))
        })
    };
    let with_location = |mut reply: Reply, rt: &scimkit_schema::ResourceType, id: &str| {
        reply.location = Some(call.location(rt, id));
        reply
    };
    match (op.method, route) {
        (BulkMethod::Post, Route::Type(rt)) => {
            let reply = resources::create_value(call, rt, need_data()?, &projection).await?;
            let id = reply
                .body
                .as_ref()
                .and_then(|b| b.get("id"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            Ok((reply, id))
        }
        (BulkMethod::Put, Route::Resource(rt, id)) => {
            let reply = resources::replace(call, rt, &id, need_data()?, &pre, &projection).await?;
            Ok((with_location(reply, rt, &id), None))
        }
        (BulkMethod::Patch, Route::Resource(rt, id)) => {
            let data = need_data()?;
            let patch: PatchOp = match data {
                Value::Array(_) => serde_json::from_value(json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": data
                })),
                other => serde_json::from_value(other),
            }
            .map_err(|e| {
                ScimError::invalid_syntax(format!("bulk PATCH data is not a PatchOp: {e}"))
            })?;
            // A successful bulk operation answers status, location and version only (RFC
            // 7644 §3.7.3): the store need not load more than `meta`.
            let mut bodiless = View::default();
            bodiless.hint = everything_but_meta(call.registry(), rt);
            let reply = resources::patch_value(call, rt, &id, &patch, &pre, &bodiless).await?;
            Ok((with_location(reply, rt, &id), None))
        }
        (BulkMethod::Delete, Route::Resource(rt, id)) => {
            let reply = resources::delete(call, rt, &id, &pre).await?;
            Ok((with_location(reply, rt, &id), None))
        }
        (method, _) => Err(ScimError::invalid_value(format!(
            "bulk {method:?} is not allowed on path {path:?} (RFC 7644 §3.7: POST to a type endpoint, others to a resource)"
        ))),
    }
}

/// Adds back values removed to break a cycle, now that their references are resolved.
async fn add_back(
    call: &Call<'_>,
    rt: &scimkit_schema::ResourceType,
    id: &str,
    extension: Option<String>,
    attribute: String,
    value: Value,
) -> Result<(), ScimError> {
    let path = match &extension {
        Some(urn) => format!("{urn}:{attribute}"),
        None => attribute.clone(),
    };
    let patch: PatchOp = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": path, "value": value.clone()}]
    }))
    .map_err(|e| ScimError::with_status(500, e.to_string()))?;
    let apply = |resource: &mut Value| -> Result<bool, ScimError> {
        let Some(object) = resource.as_object_mut() else {
            return Ok(false);
        };
        let container = match &extension {
            Some(urn) => match object.entry(urn.clone()).or_insert_with(|| json!({})) {
                Value::Object(inner) => inner,
                _ => return Ok(false),
            },
            None => object,
        };
        match (&value, container.get_mut(&attribute)) {
            (Value::Array(new), Some(Value::Array(items))) => {
                let before = items.len();
                for item in new {
                    if !items.contains(item) {
                        items.push(item.clone());
                    }
                }
                Ok(items.len() != before)
            }
            _ => {
                container.insert(attribute.clone(), value.clone());
                Ok(true)
            }
        }
    };
    let request = PatchRequest::new(&patch, &apply);
    match call.inner.store.patch(call.ctx, rt, id, &request).await {
        Ok(outcome) => {
            if let (true, Some(before)) = (outcome.changed, &outcome.before) {
                for event in changes::updated(call.ctx, &rt.name, id, before, &outcome.resource) {
                    call.inner.events.record(event);
                }
            }
            Ok(())
        }
        Err(StoreError::NotFound) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_and_substituted() {
        let mut refs = Vec::new();
        refs_in(
            &json!({"members": [{"value": "bulkId:qwerty"}], "path": "/Groups/bulkId:ytrewq"}),
            &mut refs,
        );
        refs.sort();
        assert_eq!(refs, ["qwerty", "ytrewq"]);
        let resolved = HashMap::from([("qwerty".to_owned(), "92b7".to_owned())]);
        let mut data = json!({"members": [{"value": "bulkId:qwerty"}]});
        substitute(&mut data, &resolved);
        assert_eq!(data, json!({"members": [{"value": "92b7"}]}));
        assert_eq!(
            substitute_str("/Users/bulkId:qwerty", &resolved),
            "/Users/92b7"
        );
    }

    #[test]
    fn stripping_keeps_resolved_values() {
        let unresolved = HashSet::from(["b".to_owned()]);
        let mut data = json!({"displayName": "G", "members": [{"value": "bulkId:b"}, {"value": "x"}],
            "urn:x:Ext": {"manager": {"value": "bulkId:b"}}});
        let deferred = strip_unresolved(0, &mut data, &unresolved);
        assert_eq!(
            data,
            json!({"displayName": "G", "members": [{"value": "x"}], "urn:x:Ext": {}})
        );
        assert_eq!(deferred.len(), 2);
    }
}
