//! Canonicalisation: every attribute name in a resource rewritten to its schema's spelling
//! (RFC 7643 §2.1 names are case-insensitive), URN-qualified and dotted keys moved to where
//! the attribute lives (RFC 7643 §3.3, RFC 7644 §3.10), and the [`Compat`] coercions applied.

use serde_json::{Map, Value};

use crate::attr_ref::AttrRef;
use crate::attribute::AttributeDef;
use crate::coerce::coerce_shallow;
use crate::compat::Compat;
use crate::error::ScimError;
use crate::layout::{Layout, TopKey, find, resource_object};
use crate::location::Loc;
use crate::registry::{Resolved, ResolvedAttribute, SchemaRegistry};
use crate::resource_type::ResourceType;

/// Rewrites `resource` (a JSON object) in place so that every key has its schema's spelling.
///
/// - top-level attributes, common attributes (`id`, `externalId`, `meta`, `schemas`),
///   sub-attributes (also inside each element of a multi-valued attribute) and extension
///   object keys get the schema's spelling: `USERNAME` → `userName`,
///   `urn:ietf:params:scim:schemas:extension:enterprise:2.0:user` → the extension's URN;
///   `schemas` entries naming a registered schema get its spelling too;
/// - a URN-qualified key (`urn:...:enterprise:2.0:User:department`,
///   `urn:...:core:2.0:User:userName`) or a dotted key (`name.givenName`,
///   `urn:...:User:manager.value`) is moved to where the attribute lives: into the extension
///   object (created if absent) or the complex attribute (merged with its other
///   sub-attributes);
/// - the coercions `compat` enables are applied ([`coerce_value`](crate::coerce_value));
/// - a `schemas` key inside an extension object is dropped ([`Schema::ignores_key`](crate::Schema::ignores_key)):
///   `schemas` belongs to the resource, and the copy some clients repeat inside the
///   extension (scim2-models) is not data;
/// - unknown attributes are kept as sent, or refused if `compat.unknown_attributes` is
///   [`UnknownAttributes::Reject`](crate::UnknownAttributes::Reject); a key that can never
///   be an attribute name (`""`, `"a b"`, `"emails[type eq \"work\"].value"`: not an
///   `ATTRNAME`, RFC 7643 §2.1, nor at the top level an attribute path, RFC 7644 §3.10) is
///   refused whatever the policy.
///
/// Values are not type-checked here; run [`validate`](crate::validate) next (or
/// [`ingest`](crate::ingest), which does both). Idempotent: canonicalising a canonical
/// resource changes nothing.
///
/// # Errors
/// 400 `invalidSyntax` when `resource` is not an object, when one attribute is given twice
/// under different spellings (e.g. `userName` and `USERNAME`, or `name` holding `givenName`
/// and a key `name.givenName`), when an extension key holds something other than an object
/// or `null`, when a dotted key names a sub-attribute of a multi-valued attribute, when a key
/// can never be an attribute name, or when an unknown attribute is refused. The `detail`
/// names the attribute or key.
///
/// ```
/// use scimkit_schema::{canonicalize, Compat, SchemaRegistry};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let mut resource = json!({
///     "Schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "USERNAME": "bjensen",
///     "name.givenName": "Barbara",
///     "emails": [{"Value": "b@example.com", "Primary": "True"}],
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Tour Operations",
///     "x-custom": 1
/// });
/// canonicalize(&registry, user, &mut resource, &Compat::lenient()).unwrap();
/// assert_eq!(resource, json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "userName": "bjensen",
///     "name": {"givenName": "Barbara"},
///     "emails": [{"value": "b@example.com", "primary": true}],
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Tour Operations"},
///     "x-custom": 1
/// }));
/// ```
pub fn canonicalize(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    resource: &mut Value,
    compat: &Compat,
) -> Result<(), ScimError> {
    let layout = Layout::new(registry, resource_type)?;
    let object = resource_object(resource)?;
    canonicalize_top(registry, &layout, object, compat)
}

fn canonicalize_top(
    registry: &SchemaRegistry,
    layout: &Layout<'_>,
    object: &mut Map<String, Value>,
    compat: &Compat,
) -> Result<(), ScimError> {
    let mut renames: Vec<(String, &str)> = Vec::new();
    let mut moves: Vec<String> = Vec::new();
    for (key, value) in object.iter_mut() {
        match layout.top_key(key) {
            TopKey::Attribute(def) => {
                if *key != def.name {
                    renames.push((key.clone(), &def.name));
                }
                if def.name == "schemas" {
                    canonicalize_schema_uris(registry, value);
                } else {
                    canonicalize_in(def, value, compat, &Loc::Attr(&Loc::Root, &def.name))?;
                }
            }
            TopKey::Extension(schema) => {
                if *key != schema.id {
                    renames.push((key.clone(), &schema.id));
                }
                let loc = Loc::Extension(&schema.id);
                match value {
                    Value::Object(inner) => {
                        inner.retain(|key, _| !schema.ignores_key(key));
                        canonicalize_members(
                            inner,
                            |name| find(&schema.attributes, name),
                            compat,
                            &loc,
                        )?
                    }
                    Value::Null => {}
                    _ => {
                        return Err(ScimError::invalid_syntax(format!(
                            "extension {:?} must be a JSON object (RFC 7643 §3.3)",
                            schema.id
                        )));
                    }
                }
            }
            TopKey::Other => {
                let moved = (key.contains('.') || key.contains(':'))
                    && AttrRef::parse(key)
                        .ok()
                        .and_then(|r| registry.resolve(layout.resource_type, r).ok())
                        .is_some_and(|r| matches!(r, Resolved::Attribute(_)));
                if moved {
                    moves.push(key.clone());
                } else {
                    compat.unknown_key(&Loc::Root, key)?;
                }
            }
        }
    }
    for (from, to) in renames {
        rename(object, &from, to, &Loc::Root)?;
    }
    for key in moves {
        let Some(mut value) = object.shift_remove(&key) else {
            continue;
        };
        let reference =
            AttrRef::parse(&key).map_err(|e| ScimError::invalid_syntax(e.to_string()))?;
        let Ok(Resolved::Attribute(target)) = registry.resolve(layout.resource_type, reference)
        else {
            continue;
        };
        canonicalize_in(
            target.leaf(),
            &mut value,
            compat,
            &Loc::Attr(&Loc::Root, &key),
        )?;
        place(object, &target, &key, value)?;
    }
    Ok(())
}

/// Puts a value given under a URN-qualified or dotted key where the attribute lives.
fn place(
    object: &mut Map<String, Value>,
    target: &ResolvedAttribute<'_>,
    key: &str,
    value: Value,
) -> Result<(), ScimError> {
    let container = match target.extension_key() {
        Some(urn) => object_member(object, urn, key)?,
        None => object,
    };
    let (slot, name) = match target.sub_attribute {
        None => (container, &target.attribute.name),
        Some(sub) => {
            if target.attribute.multi_valued {
                return Err(ScimError::invalid_syntax(format!(
                    "{key:?} names a sub-attribute of the multi-valued attribute {:?}; \
                     give the whole array instead (RFC 7644 §3.10)",
                    target.attribute.name
                )));
            }
            (
                object_member(container, &target.attribute.name, key)?,
                &sub.name,
            )
        }
    };
    if slot.contains_key(name.as_str()) {
        return Err(ScimError::invalid_syntax(format!(
            "attribute {} is given twice (also as {key:?})",
            target.canonical_path()
        )));
    }
    slot.insert(name.clone(), value);
    Ok(())
}

/// The object under `name` in `object`, created if absent, for the value of `key`.
fn object_member<'m>(
    object: &'m mut Map<String, Value>,
    name: &str,
    key: &str,
) -> Result<&'m mut Map<String, Value>, ScimError> {
    match object
        .entry(name.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
    {
        Value::Object(inner) => Ok(inner),
        other => Err(ScimError::invalid_syntax(format!(
            "{key:?} cannot be merged into {name:?}, which holds {} rather than an object",
            if other.is_null() { "null" } else { "a value" }
        ))),
    }
}

/// Canonicalises one attribute's value, as [`canonicalize`] does for each value of a
/// resource: the [`Compat`] coercions ([`coerce_value`](crate::coerce_value)), then the
/// sub-attribute names of complex values (each element of a multi-valued one) rewritten to
/// the schema's spelling; unknown sub-attributes kept or refused per `compat`. For the PATCH
/// engine, once an operation's `path` resolved to `def`; `path` names the attribute in error
/// details.
///
/// # Errors
/// 400 `invalidSyntax` when a sub-attribute is given twice under different spellings or an
/// unknown one is refused.
///
/// ```
/// use scimkit_schema::{canonicalize_value, Compat, SchemaRegistry, Resolved};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let Ok(Resolved::Attribute(emails)) = registry.resolve_str(user, "emails") else { panic!() };
/// let mut value = json!([{"Value": "a@x", "PRIMARY": "True"}]);
/// canonicalize_value(emails.leaf(), &mut value, &Compat::lenient(), "emails").unwrap();
/// assert_eq!(value, json!([{"value": "a@x", "primary": true}]));
/// ```
pub fn canonicalize_value(
    def: &AttributeDef,
    value: &mut Value,
    compat: &Compat,
    path: &str,
) -> Result<(), ScimError> {
    canonicalize_in(def, value, compat, &Loc::Attr(&Loc::Root, path))
}

/// [`canonicalize_value`] at a location.
fn canonicalize_in(
    def: &AttributeDef,
    value: &mut Value,
    compat: &Compat,
    loc: &Loc<'_>,
) -> Result<(), ScimError> {
    coerce_shallow(def, value, compat);
    if !def.is_complex() {
        return Ok(());
    }
    match value {
        Value::Object(object) => {
            canonicalize_members(object, |name| def.sub_attribute(name), compat, loc)
        }
        Value::Array(items) if def.multi_valued => {
            for (index, item) in items.iter_mut().enumerate() {
                if let Value::Object(object) = item {
                    canonicalize_members(
                        object,
                        |name| def.sub_attribute(name),
                        compat,
                        &Loc::Index(loc, index),
                    )?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Renames the members of an object (an extension object or a complex value) to their
/// definitions' spelling and canonicalises their values.
fn canonicalize_members<'d>(
    object: &mut Map<String, Value>,
    lookup: impl Fn(&str) -> Option<&'d AttributeDef>,
    compat: &Compat,
    loc: &Loc<'_>,
) -> Result<(), ScimError> {
    let mut renames: Vec<(String, &str)> = Vec::new();
    for (key, value) in object.iter_mut() {
        match lookup(key) {
            Some(def) => {
                if *key != def.name {
                    renames.push((key.clone(), &def.name));
                }
                canonicalize_in(def, value, compat, &Loc::Attr(loc, &def.name))?;
            }
            None => compat.unknown_key(loc, key)?,
        }
    }
    for (from, to) in renames {
        rename(object, &from, to, loc)?;
    }
    Ok(())
}

fn rename(
    object: &mut Map<String, Value>,
    from: &str,
    to: &str,
    loc: &Loc<'_>,
) -> Result<(), ScimError> {
    if object.contains_key(to) {
        return Err(ScimError::invalid_syntax(format!(
            "attribute {} is given twice (as {to:?} and {from:?}); names are case-insensitive \
             (RFC 7643 §2.1)",
            Loc::Attr(loc, to)
        )));
    }
    // Keep the key's position: renaming must not reorder what the client sent.
    if let Some(index) = object.keys().position(|key| key == from)
        && let Some(value) = object.shift_remove(from)
    {
        object.shift_insert(index, to.to_owned(), value);
    }
    Ok(())
}

fn canonicalize_schema_uris(registry: &SchemaRegistry, value: &mut Value) {
    if let Value::Array(items) = value {
        for item in items {
            if let Value::String(uri) = item
                && let Some(schema) = registry.schema(uri)
                && schema.id != *uri
            {
                uri.clone_from(&schema.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urn;
    use serde_json::json;

    fn run(resource: &mut Value, compat: &Compat) -> Result<(), ScimError> {
        let registry = SchemaRegistry::core();
        let user = registry.resource_type("User").unwrap().clone();
        canonicalize(&registry, &user, resource, compat)
    }

    /// RFC 7643 §2.1: names are case-insensitive; the schema's spelling wins.
    #[test]
    fn rfc7643_2_1_keys_get_schema_spelling_at_every_level() {
        let mut r = json!({
            "SCHEMAS": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"],
            "username": "a", "NAME": {"GIVENNAME": "A"},
            "Emails": [{"VALUE": "a@x", "Type": "work"}],
            "META": {"RESOURCETYPE": "User"}, "ID": "1",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"EMPLOYEENUMBER": "7", "Manager": {"VALUE": "m"}}
        });
        run(&mut r, &Compat::rfc()).unwrap();
        assert_eq!(
            r,
            json!({
                "schemas": [urn::USER],
                "userName": "a", "name": {"givenName": "A"},
                "emails": [{"value": "a@x", "type": "work"}],
                "meta": {"resourceType": "User"}, "id": "1",
                urn::ENTERPRISE_USER: {"employeeNumber": "7", "manager": {"value": "m"}}
            })
        );
    }

    /// RFC 7643 §3.3 and RFC 7644 §3.10: URN-qualified keys move into the extension object.
    #[test]
    fn rfc7643_3_3_qualified_keys_move_into_the_extension() {
        let mut r = json!({
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"costCenter": "1"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "R",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": "m",
            "urn:ietf:params:scim:schemas:core:2.0:User:userName": "a",
            "name.familyName": "F", "name": {"givenName": "G"}
        });
        run(&mut r, &Compat::rfc()).unwrap();
        assert_eq!(
            r,
            json!({
                urn::ENTERPRISE_USER: {"costCenter": "1", "department": "R", "manager": {"value": "m"}},
                "userName": "a",
                "name": {"givenName": "G", "familyName": "F"}
            })
        );
    }

    #[test]
    fn the_same_attribute_twice_is_invalid_syntax() {
        for mut r in [
            json!({"userName": "a", "USERNAME": "b"}),
            json!({"name": {"givenName": "a"}, "name.givenName": "b"}),
            json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "a"},
                   "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:Department": "b"}),
            json!({"emails": [{"value": "a", "VALUE": "b"}]}),
        ] {
            let err = run(&mut r, &Compat::rfc()).unwrap_err();
            assert_eq!(err.scim_type, Some(crate::ScimType::InvalidSyntax), "{r}");
            assert!(err.detail.unwrap().contains("twice"));
        }
    }

    /// Unknown attributes survive by default and are refused in strict mode, named.
    #[test]
    fn unknown_attributes_kept_or_rejected() {
        let mut r = json!({"userName": "a", "nickname2": 1, "name": {"nick": 2},
                           "urn:example:unknown:Ext": {"a": 1}});
        let kept = r.clone();
        run(&mut r, &Compat::rfc()).unwrap();
        assert_eq!(r, kept);
        let err = run(&mut r, &Compat::strict()).unwrap_err();
        assert_eq!(err.scim_type, Some(crate::ScimType::InvalidSyntax));
        assert!(err.detail.unwrap().contains("nickname2"));
        let mut sub = json!({"name": {"nick": 2}});
        let err = run(&mut sub, &Compat::strict()).unwrap_err();
        assert!(err.detail.unwrap().contains("name.nick"));
    }

    /// A dotted key into a multi-valued attribute has no element to go to.
    #[test]
    fn dotted_key_into_multi_valued_is_refused() {
        let mut r = json!({"emails.value": "a@x"});
        assert!(run(&mut r, &Compat::rfc()).is_err());
    }

    #[test]
    fn extension_must_be_an_object() {
        let mut r = json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"});
        assert!(run(&mut r, &Compat::rfc()).is_err());
        let mut null = json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": null});
        run(&mut null, &Compat::rfc()).unwrap();
    }

    /// Renaming keeps each key where the client put it.
    #[test]
    fn renamed_keys_keep_their_position() {
        let mut r = json!({"schemas": [urn::USER], "USERNAME": "a", "active": true, "Title": "t"});
        run(&mut r, &Compat::rfc()).unwrap();
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["schemas", "userName", "active", "title"]);
    }

    #[test]
    fn canonicalisation_is_idempotent_and_needs_an_object() {
        let mut r = json!({"USERNAME": "a", "emails": [{"Primary": "true"}]});
        run(&mut r, &Compat::lenient()).unwrap();
        let once = r.clone();
        run(&mut r, &Compat::lenient()).unwrap();
        assert_eq!(r, once);
        assert!(run(&mut json!([1]), &Compat::rfc()).is_err());
    }
}
