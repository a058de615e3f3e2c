//! Helpers shared by the integration tests: fixtures, the registry, one-line apply.
#![allow(dead_code)]

use scimkit_patch::{Outcome, PatchOptions, Preset, apply};
use scimkit_schema::{PatchOp, SchemaRegistry, ScimError};
use serde_json::Value;

/// Reads `tests/fixtures/<name>` as JSON.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The core registry.
pub fn registry() -> SchemaRegistry {
    SchemaRegistry::core()
}

/// A PatchOp from its JSON body, parsed as a service would (`PatchOp::from_json`), or with
/// serde when the body has no operations (which `from_json` refuses).
pub fn patch(body: &Value) -> PatchOp {
    let bytes = serde_json::to_vec(body).unwrap();
    PatchOp::from_json(&bytes).unwrap_or_else(|_| serde_json::from_value(body.clone()).unwrap())
}

/// Applies `body` to `resource` (a `resource_type` resource) under `preset`.
pub fn run(
    resource: &mut Value,
    resource_type: &str,
    body: &Value,
    preset: Preset,
) -> Result<Outcome, ScimError> {
    run_with(resource, resource_type, body, &PatchOptions::preset(preset))
}

/// Applies `body` with explicit options.
pub fn run_with(
    resource: &mut Value,
    resource_type: &str,
    body: &Value,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    let registry = registry();
    let rt = registry.resource_type(resource_type).unwrap().clone();
    apply(resource, &patch(body), &registry, &rt, options)
}

/// Replaces every `${name}` placeholder in the strings of `value`.
pub fn substitute(value: &Value, vars: &[(&str, &str)]) -> Value {
    match value {
        Value::String(s) => {
            let mut out = s.clone();
            for (name, with) in vars {
                out = out.replace(&format!("${{{name}}}"), with);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The `members[].value`s of a group, in order.
pub fn member_ids(group: &Value) -> Vec<String> {
    group
        .get("members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|v| v["value"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
