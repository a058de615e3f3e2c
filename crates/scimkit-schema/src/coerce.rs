//! The IdP coercions of [`Compat`], applied to one attribute's value (RFC 7643 §2.3.2, §4.3).

use serde_json::{Map, Value};

use crate::attribute::{AttributeDef, AttributeType};
use crate::compat::Compat;

/// Applies the coercions that `compat` enables to a value given for `def`, in place.
///
/// - `string_booleans`: for a `boolean` attribute, `"true"` / `"false"` in any ASCII case
///   become JSON booleans (in every element if multi-valued);
/// - `manager_as_string`: for a single-valued complex attribute named `manager` with a
///   `value` sub-attribute (the enterprise extension's, RFC 7643 §4.3), a bare string `s`
///   becomes `{"value": s}` and `""` becomes `null`;
/// - inside complex values (and each element of a multi-valued complex attribute) the
///   sub-attributes are coerced the same way, found by name case-insensitively.
///
/// Values that fit no coercion are left alone: type errors are reported by validation, never
/// guessed away. This is the function the PATCH engine applies to an operation's `value` once
/// it has resolved the operation's `path` to `def`.
///
/// ```
/// use scimkit_schema::{coerce_value, Compat, SchemaRegistry, Resolved};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let Ok(Resolved::Attribute(active)) = registry.resolve_str(user, "active") else { panic!() };
///
/// let mut value = json!("False");
/// coerce_value(active.leaf(), &mut value, &Compat::lenient());
/// assert_eq!(value, json!(false));
///
/// let mut strict = json!("False");
/// coerce_value(active.leaf(), &mut strict, &Compat::strict());
/// assert_eq!(strict, json!("False")); // left for validation to refuse
/// ```
pub fn coerce_value(def: &AttributeDef, value: &mut Value, compat: &Compat) {
    coerce_shallow(def, value, compat);
    if !def.is_complex() {
        return;
    }
    let visit = |object: &mut Map<String, Value>| {
        for (key, sub_value) in object.iter_mut() {
            if let Some(sub) = def.sub_attribute(key) {
                coerce_value(sub, sub_value, compat);
            }
        }
    };
    match value {
        Value::Object(object) => visit(object),
        Value::Array(items) if def.multi_valued => items.iter_mut().for_each(|item| {
            if let Value::Object(object) = item {
                visit(object);
            }
        }),
        _ => {}
    }
}

/// The coercions that apply to `value` itself (not to its sub-attributes): string booleans
/// for `boolean` attributes and the bare-string `manager`.
pub(crate) fn coerce_shallow(def: &AttributeDef, value: &mut Value, compat: &Compat) {
    match def.kind {
        AttributeType::Boolean if compat.string_booleans => match value {
            Value::Array(items) if def.multi_valued => {
                items.iter_mut().for_each(coerce_string_boolean);
            }
            _ => coerce_string_boolean(value),
        },
        AttributeType::Complex if compat.manager_as_string && is_manager(def) => {
            if let Value::String(id) = value {
                *value = if id.is_empty() {
                    Value::Null
                } else {
                    let mut object = Map::with_capacity(1);
                    object.insert("value".to_owned(), Value::String(std::mem::take(id)));
                    Value::Object(object)
                };
            }
        }
        _ => {}
    }
}

fn coerce_string_boolean(value: &mut Value) {
    if let Value::String(text) = value {
        if text.eq_ignore_ascii_case("true") {
            *value = Value::Bool(true);
        } else if text.eq_ignore_ascii_case("false") {
            *value = Value::Bool(false);
        }
    }
}

/// The enterprise `manager` shape: single-valued complex, named `manager`, with `value`.
fn is_manager(def: &AttributeDef) -> bool {
    !def.multi_valued
        && def.name.eq_ignore_ascii_case("manager")
        && def.sub_attribute("value").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Resolved, SchemaRegistry};
    use serde_json::json;

    fn def(path: &str) -> AttributeDef {
        let registry = SchemaRegistry::core();
        let user = registry.resource_type("User").unwrap();
        match registry.resolve_str(user, path).unwrap() {
            Resolved::Attribute(attr) => attr.leaf().clone(),
            Resolved::Extension(_) => unreachable!(),
        }
    }

    /// RFC 7643 §2.3.2 with `string_booleans`: Entra's capitalised strings become booleans.
    #[test]
    fn rfc7643_2_3_2_string_booleans_any_case() {
        let active = def("active");
        for (text, expected) in [
            ("True", true),
            ("false", false),
            ("FALSE", false),
            ("true", true),
        ] {
            let mut value = json!(text);
            coerce_value(&active, &mut value, &Compat::lenient());
            assert_eq!(value, json!(expected), "{text}");
        }
    }

    /// RFC 7643 §2.3.2: only `true` / `false` strings, and only for boolean attributes.
    #[test]
    fn rfc7643_2_3_2_string_booleans_only_for_booleans() {
        let mut garbage = json!("nope");
        coerce_value(&def("active"), &mut garbage, &Compat::lenient());
        assert_eq!(garbage, json!("nope"));
        let mut title = json!("true");
        coerce_value(&def("title"), &mut title, &Compat::lenient());
        assert_eq!(
            title,
            json!("true"),
            "a string attribute keeps the string \"true\""
        );
        let mut off = json!("True");
        coerce_value(&def("active"), &mut off, &Compat::rfc());
        assert_eq!(off, json!("True"));
    }

    /// RFC 7643 §2.4: `primary` is a boolean sub-attribute; coerced inside each element.
    #[test]
    fn string_booleans_inside_multi_valued_complex() {
        let mut emails =
            json!([{"value": "a@x", "PRIMARY": "True"}, {"value": "b@x", "primary": "false"}]);
        coerce_value(&def("emails"), &mut emails, &Compat::lenient());
        assert_eq!(
            emails,
            json!([{"value": "a@x", "PRIMARY": true}, {"value": "b@x", "primary": false}])
        );
    }

    /// RFC 7643 §4.3 with `manager_as_string`: a bare id becomes `{"value": id}`, `""` clears.
    #[test]
    fn rfc7643_4_3_manager_as_bare_string() {
        let manager = def("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager");
        let mut value = json!("u9");
        coerce_value(&manager, &mut value, &Compat::lenient());
        assert_eq!(value, json!({"value": "u9"}));
        let mut empty = json!("");
        coerce_value(&manager, &mut empty, &Compat::lenient());
        assert_eq!(empty, Value::Null);
        let mut strict = json!("u9");
        coerce_value(&manager, &mut strict, &Compat::strict());
        assert_eq!(strict, json!("u9"));
        let mut name = json!("u9");
        coerce_value(&def("name"), &mut name, &Compat::lenient());
        assert_eq!(name, json!("u9"), "only manager is wrapped");
    }
}
