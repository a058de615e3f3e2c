//! The PATCH engines under comparison, behind one signature: from the PatchOp request body as
//! bytes (as a service receives it) and the stored User (a `serde_json::Value` object) to the
//! resource the engine would store, or its error. And the judge: the result each request's
//! sender intends ([`PatchRequest::expected`], written from RFC 7644 §3.5.2 and the IdPs'
//! documented behaviour in `benches/data/patch-corpus.json`).

use scim_server::providers::helpers::patch::ScimPatchOperations;
use scim_server::providers::{InMemoryStorage, StandardResourceProvider};
use scimkit_benches::PatchRequest;
use scimkit_patch::{PatchOptions, Preset};
use scimkit_schema::{PatchOp, SchemaRegistry};
use serde_json::Value;

/// The scimkit-patch preset for a corpus request's sender (`rfc` requests: `strict`).
pub fn preset(idp: &str) -> Preset {
    match idp {
        "rfc" => Preset::Strict,
        idp => idp.parse().expect("the corpus names known presets"),
    }
}

/// scimkit-patch, as `scimkit-provision` runs it: `PatchOp::from_json` on the body, then
/// `apply` to a copy of the stored user with the sender's preset (which also validates the
/// result against the core User schema).
pub struct Scimkit {
    registry: SchemaRegistry,
}

impl Default for Scimkit {
    fn default() -> Self {
        Scimkit {
            registry: SchemaRegistry::core(),
        }
    }
}

impl Scimkit {
    /// Applies the PatchOp `body` to a copy of `user` as `request`'s sender's preset says.
    pub fn patch(
        &self,
        user: &Value,
        request: &PatchRequest,
        body: &[u8],
    ) -> Result<Value, String> {
        let users = self.registry.resource_type("User").expect("core User");
        let options = PatchOptions::preset(preset(&request.idp));
        let patch = PatchOp::from_json(body).map_err(|e| e.to_string())?;
        let mut out = user.clone();
        scimkit_patch::apply(&mut out, &patch, &self.registry, users, &options)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// scim-server 0.5.3's PATCH, as `ScimServer::patch_resource` and
/// `StandardResourceProvider::patch_resource` run it between loading and storing the
/// resource, minus the storage round trip and the async runtime: the body read as JSON; the
/// `Operations` array checked present and non-empty; each operation through
/// `ScimPatchOperations::apply_patch_operation` (the crate's public PATCH engine, which the
/// provider implements); then `Resource::from_json("User", ..)` and `to_json()`, which give
/// the JSON the provider stores.
pub struct ScimServer {
    provider: StandardResourceProvider<InMemoryStorage>,
}

impl Default for ScimServer {
    fn default() -> Self {
        ScimServer {
            provider: StandardResourceProvider::new(InMemoryStorage::new()),
        }
    }
}

impl ScimServer {
    /// Applies the PatchOp `body` to a copy of `user`.
    pub fn patch(&self, user: &Value, body: &[u8]) -> Result<Value, String> {
        let request: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
        let operations = request
            .get("Operations")
            .and_then(Value::as_array)
            .filter(|ops| !ops.is_empty())
            .ok_or("PATCH request must contain a non-empty Operations array")?;
        let mut out = user.clone();
        for op in operations {
            self.provider
                .apply_patch_operation(&mut out, op)
                .map_err(|e| e.to_string())?;
        }
        scim_server::Resource::from_json("User".to_owned(), out)
            .and_then(|r| r.to_json())
            .map_err(|e| e.to_string())
    }
}

/// `value` without object members that are `null`, at any depth: RFC 7643 §2.5 makes `null`
/// and an absent attribute the same thing (scim-server writes unassigned sub-attributes of
/// `emails`, `phoneNumbers` and `addresses` as `null`), so results are compared this way.
pub fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// How an engine's answer to one request compares with what the sender intends.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The intended resource (`null` members aside, see [`without_nulls`]).
    Intended,
    /// An error: the intended change is not made.
    Refused(String),
    /// A stored resource other than the intended one: each differing attribute (extension
    /// attributes as `urn:...:attr`) with what the engine stored and what was intended.
    Wrong(Vec<Difference>),
}

/// One attribute where a result differs from the intended resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// `name`, or `urn:...:name` inside an extension object.
    pub attribute: String,
    /// What the engine stored, as compact JSON (`absent` when missing).
    pub got: String,
    /// What the sender intends, likewise.
    pub intended: String,
}

/// Judges `result` against `request`'s intended resource on `user`.
pub fn judge(user: &Value, request: &PatchRequest, result: &Result<Value, String>) -> Verdict {
    match result {
        Err(e) => Verdict::Refused(e.lines().next().unwrap_or_default().to_owned()),
        Ok(got) => {
            let (got, intended) = (without_nulls(got), without_nulls(&request.expected(user)));
            let differences: Vec<Difference> = differing_attributes(&got, &intended)
                .into_iter()
                .map(|attribute| Difference {
                    got: attribute_json(&got, &attribute),
                    intended: attribute_json(&intended, &attribute),
                    attribute,
                })
                .collect();
            if differences.is_empty() {
                Verdict::Intended
            } else {
                Verdict::Wrong(differences)
            }
        }
    }
}

/// The top-level attributes (and extension attributes, as `urn:...:attr`) whose values differ
/// between two resources, in order of first appearance.
pub fn differing_attributes(a: &Value, b: &Value) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return vec!["(not objects)".to_owned()];
    };
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    let mut out = Vec::new();
    for key in keys {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) if key.starts_with("urn:") => {
                out.extend(
                    differing_attributes(x, y)
                        .into_iter()
                        .map(|sub| format!("{key}:{sub}")),
                );
            }
            _ => out.push(key.clone()),
        }
    }
    out
}

/// An attribute as compact JSON (`absent` when missing); `urn:...:attr` looks inside the
/// extension object when there is no top-level member of that name.
fn attribute_json(resource: &Value, key: &str) -> String {
    let value = match key.rsplit_once(':') {
        Some((urn, attr)) if key.starts_with("urn:") && resource.get(key).is_none() => {
            resource.get(urn).and_then(|e| e.get(attr))
        }
        _ => resource.get(key),
    };
    value.map_or("absent".to_owned(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scimkit_benches::{enterprise_user, patch_corpus};
    use serde_json::json;

    fn user() -> Value {
        let mut user = enterprise_user(1);
        user["meta"]["version"] = json!("1");
        user
    }

    /// The judge on scimkit-patch itself: every corpus request gives the intended resource
    /// (the main workspace's `tests/patch_corpus.rs` checks the same without the peers).
    #[test]
    fn scimkit_gives_every_intended_resource() {
        let scimkit = Scimkit::default();
        for r in patch_corpus() {
            let result = scimkit.patch(&user(), &r, &r.bytes);
            assert_eq!(judge(&user(), &r, &result), Verdict::Intended, "{}", r.name);
        }
    }

    /// scim-server's stored form of an unpatched user is the user (`null` members aside), so
    /// its differences come from its PATCH, not from its serialisation.
    #[test]
    fn scim_server_round_trip_is_faithful_up_to_nulls() {
        let stored = scim_server::Resource::from_json("User".to_owned(), user())
            .and_then(|r| r.to_json())
            .unwrap();
        assert_ne!(stored, user());
        assert_eq!(without_nulls(&stored), user());
    }

    /// The judge sees a wiped attribute, a stray key and an error for what they are.
    #[test]
    fn judge_reports_refusals_and_differences() {
        let r = &patch_corpus()[0]; // disable: active false
        assert_eq!(
            judge(&user(), r, &Ok(r.expected(&user()))),
            Verdict::Intended
        );
        assert_eq!(
            judge(&user(), r, &Err("boom\nmore".to_owned())),
            Verdict::Refused("boom".to_owned())
        );
        let mut got = r.expected(&user());
        got["active"] = json!("False");
        got["urn:ietf:params:scim:schemas:extension:enterprise:2"] = json!({"0:User": 1});
        let Verdict::Wrong(d) = judge(&user(), r, &Ok(got)) else {
            panic!("must be wrong")
        };
        assert_eq!(d[0].attribute, "active");
        assert_eq!(
            (d[0].got.as_str(), d[0].intended.as_str()),
            ("\"False\"", "false")
        );
        assert_eq!(d[1].got, r#"{"0:User":1}"#);
        assert_eq!(d[1].intended, "absent");
    }
}
