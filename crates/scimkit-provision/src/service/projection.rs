//! `attributes` / `excludedAttributes` and the `returned` characteristic (RFC 7644 §3.4.2.5,
//! §3.9; RFC 7643 §2.2, §7).

use scimkit_filter::{AttrPath, FilterOptions};
use scimkit_schema::{
    AttributeDef, Resolved, ResourceType, Returned, SchemaRegistry, ScimError,
};
use serde_json::{Map, Value};

use crate::store::ReadHint;

/// One named attribute: a top-level key (attribute name, or extension URN), the attribute
/// inside an extension, and an optional sub-attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    /// `None` for base-schema and common attributes; the URN for extension attributes.
    extension: Option<String>,
    /// The attribute's canonical name; `None` names the whole extension.
    attribute: Option<String>,
    sub: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Default,
    Include(Vec<Target>),
    Exclude(Vec<Target>),
}

/// Which attributes a response carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Projection {
    mode: Mode,
}

impl Projection {
    /// From the raw parameter values (query or SearchRequest, lists already joined by `,`).
    ///
    /// # Errors
    /// 400 `invalidValue` when both are given (RFC-silent; they are mutually exclusive,
    /// RFC 7644 §3.4.2.5) or a path does not parse. Names the type does not define are
    /// ignored.
    pub(crate) fn parse(
        attributes: Option<&str>,
        excluded: Option<&str>,
        registry: &SchemaRegistry,
        resource_type: Option<&ResourceType>,
    ) -> Result<Projection, ScimError> {
        let attributes = attributes.filter(|a| !a.trim().is_empty());
        let excluded = excluded.filter(|a| !a.trim().is_empty());
        let mode = match (attributes, excluded) {
            (Some(_), Some(_)) => {
                return Err(ScimError::invalid_value(
                    "attributes and excludedAttributes are mutually exclusive (RFC 7644 §3.4.2.5)",
                ));
            }
            (Some(list), None) => Mode::Include(targets(list, registry, resource_type)?),
            (None, Some(list)) => Mode::Exclude(targets(list, registry, resource_type)?),
            (None, None) => Mode::Default,
        };
        Ok(Projection { mode })
    }

    /// Whether `attributes` was given (PATCH must then answer 200, RFC 7644 §3.5.2).
    pub(crate) fn is_include(&self) -> bool {
        matches!(self.mode, Mode::Include(_))
    }

    /// The top-level keys the store need not load: whole attributes named in
    /// `excludedAttributes` (never `id`, `schemas`, `meta`).
    pub(crate) fn hint(&self) -> ReadHint {
        let Mode::Exclude(targets) = &self.mode else {
            return ReadHint::default();
        };
        let omit = targets
            .iter()
            .filter(|t| t.extension.is_none() && t.sub.is_none())
            .filter_map(|t| t.attribute.clone())
            .filter(|a| !matches!(a.as_str(), "id" | "schemas" | "meta"))
            .collect();
        ReadHint { omit }
    }

    /// Applies the projection to a stored resource of `resource_type`.
    pub(crate) fn apply(
        &self,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        resource: &mut Value,
    ) {
        let Value::Object(object) = resource else {
            return;
        };
        let base = registry.base_schema(resource_type);
        let keys: Vec<String> = object.keys().cloned().collect();
        for key in keys {
            if key == "schemas" || key == "id" {
                continue;
            }
            if let Some(ext) = resource_type
                .schema_extensions
                .iter()
                .find(|e| e.schema.eq_ignore_ascii_case(&key))
            {
                let schema = registry.schema(&ext.schema);
                let keep = match object.get_mut(&key) {
                    Some(Value::Object(inner)) => {
                        let whole_named = self.names_extension(&ext.schema);
                        let names: Vec<String> = inner.keys().cloned().collect();
                        for name in names {
                            let def = schema.and_then(|s| s.attribute(&name));
                            let value = inner.get_mut(&name);
                            let keep = value.is_some_and(|v| {
                                self.keep(def, Some(&ext.schema), &name, whole_named, v)
                            });
                            if !keep {
                                inner.remove(&name);
                            }
                        }
                        !inner.is_empty()
                    }
                    _ => false,
                };
                if !keep {
                    object.remove(&key);
                }
                continue;
            }
            let def = base
                .and_then(|s| s.attribute(&key))
                .or_else(|| {
                    SchemaRegistry::common_attributes()
                        .iter()
                        .find(|d| d.name.eq_ignore_ascii_case(&key))
                });
            let keep = object
                .get_mut(&key)
                .is_some_and(|v| self.keep(def, None, &key, false, v));
            if !keep {
                object.remove(&key);
            }
        }
    }

    fn names_extension(&self, urn: &str) -> bool {
        match &self.mode {
            Mode::Include(targets) => targets.iter().any(|t| {
                t.attribute.is_none() && t.extension.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(urn))
            }),
            _ => false,
        }
    }

    fn targets_of<'s>(
        targets: &'s [Target],
        extension: Option<&'s str>,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Target> + 's {
        targets.iter().filter(move |t| {
            let same_ext = match (&t.extension, extension) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            };
            same_ext && t.attribute.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// Whether attribute `name` stays, trimming its sub-attributes in place.
    fn keep(
        &self,
        def: Option<&AttributeDef>,
        extension: Option<&str>,
        name: &str,
        whole_extension_named: bool,
        value: &mut Value,
    ) -> bool {
        let returned = def.map_or(Returned::Default, |d| d.returned);
        match returned {
            Returned::Never => return false,
            Returned::Always => {
                drop_never_subs(def, value);
                return true;
            }
            _ => {}
        }
        match &self.mode {
            Mode::Default => {
                drop_never_subs(def, value);
                returned != Returned::Request
            }
            Mode::Include(targets) => {
                if whole_extension_named {
                    drop_never_subs(def, value);
                    return returned != Returned::Request;
                }
                let named: Vec<&Target> = Self::targets_of(targets, extension, name).collect();
                if named.is_empty() {
                    return false;
                }
                if named.iter().any(|t| t.sub.is_none()) {
                    drop_never_subs(def, value);
                    return true;
                }
                let subs: Vec<&str> = named.iter().filter_map(|t| t.sub.as_deref()).collect();
                retain_subs(def, value, |sub, sub_def| {
                    sub_def.is_some_and(|d| d.returned == Returned::Always)
                        || subs.iter().any(|s| s.eq_ignore_ascii_case(sub))
                });
                has_value(value)
            }
            Mode::Exclude(targets) => {
                if returned == Returned::Request {
                    return false;
                }
                let named: Vec<&Target> = Self::targets_of(targets, extension, name).collect();
                if named.iter().any(|t| t.sub.is_none()) {
                    return false;
                }
                let subs: Vec<&str> = named.iter().filter_map(|t| t.sub.as_deref()).collect();
                retain_subs(def, value, |sub, sub_def| {
                    sub_def.is_some_and(|d| d.returned == Returned::Always)
                        || !subs.iter().any(|s| s.eq_ignore_ascii_case(sub))
                });
                has_value(value)
            }
        }
    }
}

fn has_value(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Object(o) => !o.is_empty(),
        Value::Array(items) => items.iter().any(has_value),
        _ => true,
    }
}

/// Keeps the sub-attributes for which `keep` holds (in every element of a multi-valued
/// attribute), never those with `returned: never`.
fn retain_subs(
    def: Option<&AttributeDef>,
    value: &mut Value,
    keep: impl Fn(&str, Option<&AttributeDef>) -> bool,
) {
    let trim = |object: &mut Map<String, Value>| {
        object.retain(|k, _| {
            let sub_def = def.and_then(|d| d.sub_attribute(k));
            sub_def.is_none_or(|d| d.returned != Returned::Never) && keep(k, sub_def)
        });
    };
    match value {
        Value::Object(object) => trim(object),
        Value::Array(items) => {
            for item in items.iter_mut() {
                if let Value::Object(object) = item {
                    trim(object);
                }
            }
            items.retain(has_value);
        }
        _ => {}
    }
}

fn drop_never_subs(def: Option<&AttributeDef>, value: &mut Value) {
    if def.is_some_and(|d| d.sub_attributes.iter().any(|s| s.returned == Returned::Never)) {
        retain_subs(def, value, |_, _| true);
    }
}

fn targets(
    list: &str,
    registry: &SchemaRegistry,
    resource_type: Option<&ResourceType>,
) -> Result<Vec<Target>, ScimError> {
    let paths = FilterOptions::lenient()
        .parse_attr_path_list(list)
        .map_err(|e| ScimError::from(e).context("attributes/excludedAttributes"))?;
    let types: Vec<&ResourceType> = match resource_type {
        Some(rt) => vec![rt],
        None => registry.resource_types().iter().collect(),
    };
    let mut out = Vec::new();
    for path in &paths {
        for rt in &types {
            if let Some(target) = resolve(path, registry, rt)
                && !out.contains(&target)
            {
                out.push(target);
            }
        }
    }
    Ok(out)
}

fn resolve(path: &AttrPath, registry: &SchemaRegistry, rt: &ResourceType) -> Option<Target> {
    match registry.resolve(rt, path.attr_ref()).ok()? {
        Resolved::Extension(schema) => Some(Target {
            extension: Some(schema.id.clone()),
            attribute: None,
            sub: None,
        }),
        Resolved::Attribute(attr) => Some(Target {
            extension: attr.extension_key().map(str::to_owned),
            attribute: Some(attr.attribute.name.clone()),
            sub: attr.sub_attribute.map(|s| s.name.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project(attributes: Option<&str>, excluded: Option<&str>, mut user: Value) -> Value {
        let registry = SchemaRegistry::core();
        let rt = registry.resource_type("User").unwrap();
        Projection::parse(attributes, excluded, &registry, Some(rt))
            .unwrap()
            .apply(&registry, rt, &mut user);
        user
    }

    fn bjensen() -> Value {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "2819c223", "userName": "bjensen", "password": "t1meMa$heen",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@example.com", "type": "work"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984", "department": "Tour"},
            "meta": {"resourceType": "User", "version": "W/\"1\""},
            "x-unknown": 1
        })
    }

    /// RFC 7644 §3.9: `attributes=userName` returns the always-returned attributes and
    /// `userName`.
    #[test]
    fn attributes_keep_always_and_named() {
        let out = project(Some("userName"), None, bjensen());
        assert_eq!(
            out,
            json!({"schemas": bjensen()["schemas"], "id": "2819c223", "userName": "bjensen"})
        );
        let out = project(Some("name.familyName,EMPLOYEENUMBER"), None, bjensen());
        assert_eq!(out["name"], json!({"familyName": "Jensen"}));
        assert_eq!(
            out["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            json!({"employeeNumber": "701984"})
        );
        let out = project(
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            None,
            bjensen(),
        );
        assert_eq!(
            out["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
            "Tour"
        );
    }

    /// RFC 7643 §4.1.1: password is `returned: never`; RFC 7644 §3.4.2.5 exclusion.
    #[test]
    fn default_and_excluded() {
        let out = project(None, None, bjensen());
        assert!(out.get("password").is_none());
        assert_eq!(out["x-unknown"], 1, "attributes no schema defines are returned by default");
        let out = project(Some("password,userName"), None, bjensen());
        assert!(out.get("password").is_none(), "never means never");
        let out = project(None, Some("emails,name.givenName,id,meta"), bjensen());
        assert!(out.get("emails").is_none());
        assert!(out.get("meta").is_none());
        assert_eq!(out["id"], "2819c223", "id is returned always");
        assert_eq!(out["name"], json!({"familyName": "Jensen"}));
    }

    #[test]
    fn both_parameters_are_refused_and_hint_lists_whole_attributes() {
        let registry = SchemaRegistry::core();
        let groups = registry.resource_type("Group").unwrap();
        assert!(Projection::parse(Some("a"), Some("b"), &registry, Some(groups)).is_err());
        assert!(Projection::parse(Some("a,,b"), None, &registry, Some(groups)).is_err());
        let p = Projection::parse(None, Some("members,meta"), &registry, Some(groups)).unwrap();
        assert_eq!(p.hint().omit, ["members"]);
    }
}
