//! Projection of a resource for a response: `attributes` / `excludedAttributes` combined with
//! each attribute's `returned` characteristic (RFC 7644 §3.4.2.5, §3.9; RFC 7643 §2.2, §7).

use serde_json::{Map, Value};

use crate::attr_ref::AttrRef;
use crate::attribute::{AttributeDef, Returned};
use crate::error::ScimError;
use crate::layout::{Layout, TopKey, find};
use crate::registry::{Resolved, SchemaRegistry};
use crate::resource_type::ResourceType;

/// Which attributes a response carries, resolved once per request against a resource type
/// and applied to each resource with [`Projection::apply`].
///
/// Rules (RFC 7644 §3.4.2.5, §3.9; RFC 7643 §7):
/// - `returned: never` attributes and sub-attributes (e.g. `password`) are always removed;
/// - `returned: always` attributes (e.g. `id`, `schemas`) are never removed;
/// - with neither list: `default` attributes stay, `request` ones are removed;
/// - `attributes=a,b.c`: only the named attributes (and `always` ones) stay; naming a
///   sub-attribute keeps its parent with only the named (and `always`) sub-attributes;
///   naming an extension URN keeps the whole extension object; `request` attributes appear
///   only when named;
/// - `excludedAttributes=a,b.c`: the default set minus the named attributes or
///   sub-attributes;
/// - attributes no schema defines count as `returned: default`, named by their key
///   (case-insensitively); names the resource type does not define are otherwise ignored
///   (RFC 7644 §3.4.2.1 treats them as having no value).
///
/// ```
/// use scimkit_schema::{Projection, SchemaRegistry};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let mut resource = json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1",
///     "userName": "bjensen", "password": "secret", "name": {"givenName": "B", "familyName": "J"},
///     "emails": [{"value": "b@x", "type": "work"}]
/// });
/// let projection = Projection::parse(&registry, user, Some("name.familyName,emails.value"), None).unwrap();
/// projection.apply(&registry, user, &mut resource).unwrap();
/// assert_eq!(resource, json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1",
///     "name": {"familyName": "J"}, "emails": [{"value": "b@x"}]
/// }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Projection {
    mode: Mode,
    selectors: Vec<Selector>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Default,
    Include,
    Exclude,
}

/// One resolved name of an `attributes` / `excludedAttributes` list.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Selector {
    /// The extension URN whose object holds the attribute, if any.
    extension: Option<String>,
    /// The attribute name; `None` when the whole extension object is named.
    attribute: Option<String>,
    /// The sub-attribute name, if named.
    sub_attribute: Option<String>,
}

/// What a list says about one attribute.
enum Named<'s> {
    Not,
    Whole,
    Subs(Vec<&'s str>),
}

impl Projection {
    /// Parses the `attributes` and `excludedAttributes` query parameters (comma-separated
    /// attribute paths, RFC 7644 §3.10). An empty or absent parameter means "not given".
    ///
    /// # Errors
    /// 400 `invalidValue` when both are given (RFC-silent; they are mutually exclusive) or a
    /// name is not an attribute path.
    pub fn parse(
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        attributes: Option<&str>,
        excluded_attributes: Option<&str>,
    ) -> Result<Projection, ScimError> {
        let split = |text: Option<&str>| -> Vec<String> {
            text.map(|t| {
                t.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
        };
        Projection::from_lists(
            registry,
            resource_type,
            &split(attributes),
            &split(excluded_attributes),
        )
    }

    /// Builds a projection from lists of names, as in a SearchRequest body (RFC 7644 §3.4.3).
    /// Empty lists mean "not given".
    ///
    /// # Errors
    /// As [`Projection::parse`].
    pub fn from_lists(
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        attributes: &[String],
        excluded_attributes: &[String],
    ) -> Result<Projection, ScimError> {
        let (mode, names) = match (attributes.is_empty(), excluded_attributes.is_empty()) {
            (true, true) => return Ok(Projection::default()),
            (false, true) => (Mode::Include, attributes),
            (true, false) => (Mode::Exclude, excluded_attributes),
            (false, false) => {
                return Err(ScimError::invalid_value(
                    "\"attributes\" and \"excludedAttributes\" are mutually exclusive (RFC 7644 §3.4.2.5)",
                ));
            }
        };
        let selectors = names
            .iter()
            .map(|name| selector(registry, resource_type, name))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Projection { mode, selectors })
    }

    /// Removes from `resource` (a canonical JSON object) what the response must not carry.
    ///
    /// # Errors
    /// 500 when `resource_type` uses a schema `registry` does not hold. A `resource` that is
    /// not an object is left unchanged.
    pub fn apply(
        &self,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        resource: &mut Value,
    ) -> Result<(), ScimError> {
        let layout = Layout::new(registry, resource_type)?;
        let Value::Object(object) = resource else {
            return Ok(());
        };
        object.retain(|key, value| match layout.top_key(key) {
            TopKey::Attribute(def) => self.keep(Some(def), None, &def.name, value),
            TopKey::Extension(schema) => {
                let whole = self.selectors.iter().any(|s| {
                    s.attribute.is_none() && s.extension.as_deref().is_some_and(|e| schema.is(e))
                });
                let Value::Object(inner) = value else {
                    return self.mode != Mode::Include || whole;
                };
                if whole && self.mode == Mode::Exclude {
                    return false;
                }
                let was_empty = inner.is_empty();
                inner.retain(|name, v| {
                    let def = find(&schema.attributes, name);
                    if whole && self.mode == Mode::Include {
                        let view = Projection::default();
                        return view.keep(def, Some(&schema.id), name, v);
                    }
                    self.keep(def, Some(&schema.id), name, v)
                });
                was_empty || !inner.is_empty()
            }
            TopKey::Other => self.keep(None, None, key, value),
        });
        Ok(())
    }

    /// Whether a (top-level or extension) attribute stays; trims its sub-attributes.
    fn keep(
        &self,
        def: Option<&AttributeDef>,
        extension: Option<&str>,
        name: &str,
        value: &mut Value,
    ) -> bool {
        let returned = def.map_or(Returned::Default, |d| d.returned);
        if returned == Returned::Never {
            return false;
        }
        let named = self.named(extension, name);
        let keep_sub = |sub: Option<&AttributeDef>, sub_name: &str, subs: Option<&[&str]>| {
            let sub_returned = sub.map_or(Returned::Default, |d| d.returned);
            let listed = subs.is_some_and(|s| s.iter().any(|n| n.eq_ignore_ascii_case(sub_name)));
            match sub_returned {
                Returned::Never => false,
                Returned::Always => true,
                Returned::Request => self.mode == Mode::Include && listed,
                Returned::Default => match (self.mode, subs) {
                    (Mode::Include, Some(_)) => listed,
                    (Mode::Exclude, Some(_)) => !listed,
                    _ => true,
                },
            }
        };
        let subs = match (&named, returned) {
            (Named::Subs(subs), _) => Some(subs.as_slice()),
            _ => None,
        };
        let stays = match (self.mode, returned) {
            (_, Returned::Always) => true,
            (Mode::Default, Returned::Request) => false,
            (Mode::Default, _) => true,
            (Mode::Include, _) => !matches!(named, Named::Not),
            (Mode::Exclude, Returned::Request) => false,
            (Mode::Exclude, _) => !matches!(named, Named::Whole),
        };
        if stays && let Some(def) = def.filter(|d| d.is_complex()) {
            let subs = if returned == Returned::Always && self.mode == Mode::Include {
                subs.filter(|_| false)
            } else {
                subs
            };
            retain_subs(def, value, |sub, sub_name| keep_sub(sub, sub_name, subs));
        }
        stays
    }

    fn named(&self, extension: Option<&str>, name: &str) -> Named<'_> {
        let mut subs = Vec::new();
        for s in &self.selectors {
            let same_container = match (&s.extension, extension) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            };
            if !same_container
                || !s
                    .attribute
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(name))
            {
                continue;
            }
            match &s.sub_attribute {
                None => return Named::Whole,
                Some(sub) => subs.push(sub.as_str()),
            }
        }
        if subs.is_empty() {
            Named::Not
        } else {
            Named::Subs(subs)
        }
    }
}

/// Keeps the sub-attributes of a complex value (each element of a multi-valued one) that
/// `keep` accepts.
fn retain_subs(
    def: &AttributeDef,
    value: &mut Value,
    keep: impl Fn(Option<&AttributeDef>, &str) -> bool,
) {
    let trim = |object: &mut Map<String, Value>| {
        object.retain(|name, _| keep(def.sub_attribute(name), name));
    };
    match value {
        Value::Object(object) => trim(object),
        Value::Array(items) => items.iter_mut().for_each(|item| {
            if let Value::Object(object) = item {
                trim(object);
            }
        }),
        _ => {}
    }
}

fn selector(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    name: &str,
) -> Result<Selector, ScimError> {
    let reference = AttrRef::parse(name).map_err(|e| ScimError::invalid_value(e.to_string()))?;
    Ok(match registry.resolve(resource_type, reference) {
        Ok(Resolved::Attribute(attr)) => Selector {
            extension: attr.extension_key().map(str::to_owned),
            attribute: Some(attr.attribute.name.clone()),
            sub_attribute: attr.sub_attribute.map(|s| s.name.clone()),
        },
        Ok(Resolved::Extension(schema)) => Selector {
            extension: Some(schema.id.clone()),
            attribute: None,
            sub_attribute: None,
        },
        Err(_) => Selector {
            extension: None,
            attribute: Some(reference.name.to_owned()),
            sub_attribute: reference.sub_attr.map(str::to_owned),
        },
    })
}
