//! Finding an attribute's values in a resource's JSON.
//!
//! Resources stored by scimkit are canonical (keys in the schema's spelling, extension
//! attributes under the extension URN key, RFC 7643 §3.3), so a lookup first tries the exact
//! key resolved at compile time (one hash lookup). When that key is missing it falls back to an
//! ASCII case-insensitive scan of the object's keys, so non-canonical input (`"USERNAME"`,
//! `"Emails"`) still evaluates correctly (RFC 7643 §2.1: names are case-insensitive). The scan
//! only runs on a miss and rejects most keys on their length.

use serde_json::Value;

/// Where a compiled path's values live: `[extension object ->] attribute [-> sub-attribute]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Path {
    /// The key of the extension object (the extension's URN), for extension attributes.
    pub(crate) extension: Option<Box<str>>,
    /// The attribute's canonical name.
    pub(crate) attr: Box<str>,
    /// The sub-attribute's canonical name.
    pub(crate) sub: Option<Box<str>>,
}

/// `object[key]`, exactly or else ASCII case-insensitively; `None` if `value` is not an object.
pub(crate) fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let map = value.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.len() == key.len() && k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Calls `f` on each value of a JSON value: the elements of an array, else the value itself.
/// Returns true as soon as `f` does.
pub(crate) fn any_flat(value: &Value, f: &mut impl FnMut(&Value) -> bool) -> bool {
    match value {
        Value::Array(items) => items.iter().any(&mut *f),
        other => f(other),
    }
}

impl Path {
    /// The attribute-level value (before the sub-attribute), if any.
    pub(crate) fn attribute<'v>(&self, resource: &'v Value) -> Option<&'v Value> {
        let base = match &self.extension {
            Some(key) => get(resource, key)?,
            None => resource,
        };
        get(base, &self.attr)
    }

    /// Whether `f` holds for some value the path reaches in `resource` (RFC 7644 §3.4.2.2: a
    /// multi-valued attribute matches when any of its values does).
    pub(crate) fn any_value(&self, resource: &Value, mut f: impl FnMut(&Value) -> bool) -> bool {
        let Some(top) = self.attribute(resource) else {
            return false;
        };
        match &self.sub {
            None => any_flat(top, &mut f),
            Some(sub) => any_flat(top, &mut |element| {
                get(element, sub).is_some_and(|v| any_flat(v, &mut f))
            }),
        }
    }
}

/// RFC 7644 §3.4.2.2 Table 3 `pr` with RFC 7643 §2.5: a value is present unless it is `null`,
/// `""`, `[]`, an object none of whose sub-attributes is present (`{}`, `{"value": null}`), or
/// an array of such values. Not recursive beyond the two levels SCIM data has (RFC 7643
/// §2.3.8), so arbitrarily deep JSON costs no stack.
pub(crate) fn is_present(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(is_present_value),
        other => is_present_value(other),
    }
}

fn is_present_value(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.values().any(is_present_shallow),
        other => is_present_shallow(other),
    }
}

fn is_present_shallow(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_key_then_case_insensitive_fallback() {
        let v = json!({"userName": "a", "EMAILS": [{"Value": "x"}]});
        assert_eq!(get(&v, "userName"), Some(&json!("a")));
        assert_eq!(get(&v, "username"), Some(&json!("a")));
        let path = Path {
            extension: None,
            attr: "emails".into(),
            sub: Some("value".into()),
        };
        assert!(path.any_value(&v, |v| v == "x"));
        assert_eq!(get(&json!("not an object"), "a"), None);
    }

    /// RFC 7644 §3.4.2.2 `pr`, RFC 7643 §2.5 (null and [] are unassigned).
    #[test]
    fn presence() {
        for absent in [
            json!(null),
            json!(""),
            json!([]),
            json!({}),
            json!([null, ""]),
            json!({"value": null, "type": ""}),
            json!([{}, {"value": null}]),
        ] {
            assert!(!is_present(&absent), "{absent}");
        }
        for present in [
            json!(false),
            json!(0),
            json!("x"),
            json!([1]),
            json!({"a": "x"}),
            json!([{}, {"value": "x"}]),
        ] {
            assert!(is_present(&present), "{present}");
        }
    }
}
