//! When two values of a multi-valued attribute are "the same value" (RFC 7644 §3.5.2.1: an
//! `add` of a value already present changes nothing), and a hashable key for it so that
//! membership checks on 100,000-member groups cost one pass, not one pass per added member.
//!
//! The rule (RFC-silent, our choice, documented in the crate docs):
//! - a complex value with a `value` sub-attribute is identified by that `value` alone,
//!   compared per the sub-attribute's `caseExact` (RFC 7643 §2.4 makes `value` the
//!   identity; `display`, `$ref`, `type` may differ between IdPs and the stored copy);
//! - any other complex value (e.g. `addresses`) by the whole object, ignoring `null` members;
//! - a simple value by itself, strings per the attribute's `caseExact`.

use std::hash::{Hash, Hasher};

use scimkit_schema::AttributeDef;
use serde_json::Value;

/// How the values of one multi-valued attribute are compared.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Identity {
    /// Complex with a `value` sub-attribute.
    by_value: bool,
    /// Whether string comparison is case-sensitive.
    case_exact: bool,
}

impl Identity {
    pub(crate) fn of(def: &AttributeDef) -> Identity {
        if def.is_complex() {
            match def.sub_attribute("value") {
                Some(value) => Identity {
                    by_value: true,
                    case_exact: value.case_exact,
                },
                None => Identity {
                    by_value: false,
                    case_exact: true,
                },
            }
        } else {
            Identity {
                by_value: false,
                case_exact: def.case_exact,
            }
        }
    }

    /// The key of one element, borrowing from it; `None` for a complex element without a
    /// string `value` when the attribute is identified by `value`.
    pub(crate) fn key<'v>(&self, element: &'v Value) -> Option<Key<'v>> {
        if self.by_value {
            // Small objects: a scan of the entries beats hashing the key "value".
            let value = match element {
                Value::Object(o) if o.len() <= 8 => o
                    .iter()
                    .find(|(k, _)| k.as_str() == "value")
                    .map(|(_, v)| v),
                other => other.get("value"),
            };
            return match value {
                Some(Value::String(s)) => Some(Key::Text(s, self.case_exact)),
                Some(other @ (Value::Number(_) | Value::Bool(_))) => Some(Key::Json(other)),
                _ => None,
            };
        }
        Some(match element {
            Value::String(s) => Key::Text(s, self.case_exact),
            other => Key::Json(other),
        })
    }
}

/// A cheap pre-check for "is this key one of a few wanted keys": a 4,096-bit set of
/// fingerprints (length and the last two bytes, ASCII case-folded). A stored value that misses
/// it is certainly not wanted, so scanning 100,000 stored values hashes only the few that hit.
pub(crate) struct Prefilter {
    bits: Vec<u64>,
}

impl Prefilter {
    pub(crate) fn new<'k>(keys: impl Iterator<Item = &'k Key<'k>>) -> Prefilter {
        let mut bits = vec![0u64; 64];
        for key in keys {
            match key.fingerprint() {
                Some(f) => bits[f / 64] |= 1 << (f % 64),
                None => {
                    return Prefilter {
                        bits: vec![u64::MAX; 64],
                    };
                }
            }
        }
        Prefilter { bits }
    }

    /// False only if `key` is certainly none of the wanted keys.
    pub(crate) fn may_contain(&self, key: &Key<'_>) -> bool {
        match key.fingerprint() {
            Some(f) => self.bits[f / 64] & (1 << (f % 64)) != 0,
            None => true,
        }
    }
}

/// A borrowed identity key: hashing and equality follow [`Identity`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key<'v> {
    /// A string and whether it is case-exact.
    Text(&'v str, bool),
    /// Any other JSON value, compared structurally without `null` object members.
    Json(&'v Value),
}

impl Key<'_> {
    /// A number in `0..4096` equal for equal ASCII keys; `None` when that cannot be promised
    /// (non-ASCII text, JSON values).
    fn fingerprint(&self) -> Option<usize> {
        match self {
            Key::Text(s, _) if s.is_ascii() => {
                let b = s.as_bytes();
                let last = b.last().map_or(0, u8::to_ascii_lowercase) as usize;
                let prev = b
                    .len()
                    .checked_sub(2)
                    .map_or(0, |i| b[i].to_ascii_lowercase()) as usize;
                Some((b.len() * 131 + last * 31 + prev) % 4096)
            }
            _ => None,
        }
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Key::Text(a, exact), Key::Text(b, _)) => {
                if *exact {
                    a == b
                } else if a.is_ascii() && b.is_ascii() {
                    a.eq_ignore_ascii_case(b)
                } else {
                    a.to_lowercase() == b.to_lowercase()
                }
            }
            (Key::Json(a), Key::Json(b)) => json_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Key::Text(s, true) => {
                state.write_u8(0);
                state.write(s.as_bytes());
            }
            Key::Text(s, false) => {
                state.write_u8(0);
                if s.is_ascii() {
                    let mut buf = [0u8; 64];
                    for chunk in s.as_bytes().chunks(64) {
                        let out = &mut buf[..chunk.len()];
                        out.copy_from_slice(chunk);
                        out.make_ascii_lowercase();
                        state.write(out);
                    }
                } else {
                    state.write(s.to_lowercase().as_bytes());
                }
            }
            Key::Json(v) => {
                state.write_u8(1);
                hash_json(v, state);
            }
        }
    }
}

/// JSON equality that treats an object member holding `null` as absent (RFC 7643 §2.5).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let present =
                |o: &serde_json::Map<String, Value>| o.values().filter(|v| !v.is_null()).count();
            present(a) == present(b)
                && a.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| b.get(k).is_some_and(|w| json_eq(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_eq(x, y))
        }
        _ => a == b,
    }
}

/// A hash consistent with [`json_eq`]: object members are combined order-independently.
fn hash_json<H: Hasher>(value: &Value, state: &mut H) {
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => b.hash(state),
        Value::Number(n) => n.hash(state),
        Value::String(s) => s.hash(state),
        Value::Array(items) => {
            state.write_usize(items.len());
            items.iter().for_each(|item| hash_json(item, state));
        }
        Value::Object(object) => {
            let mut sum: u64 = 0;
            for (k, v) in object.iter().filter(|(_, v)| !v.is_null()) {
                let mut h = std::hash::DefaultHasher::new();
                k.hash(&mut h);
                hash_json(v, &mut h);
                sum = sum.wrapping_add(h.finish());
            }
            state.write_u64(sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scimkit_schema::{Resolved, SchemaRegistry};
    use serde_json::json;
    use std::collections::HashSet;

    fn def(rt: &str, path: &str) -> AttributeDef {
        let registry = SchemaRegistry::core();
        let rt = registry.resource_type(rt).unwrap();
        match registry.resolve_str(rt, path).unwrap() {
            Resolved::Attribute(a) => a.leaf().clone(),
            Resolved::Extension(_) => unreachable!(),
        }
    }

    /// RFC 7643 §2.4, case 06: members are the same value when `value` matches, whatever
    /// `display` and `$ref` say; `members.value` is caseExact false in RFC 7643 §8.7.1.
    #[test]
    fn members_are_identified_by_value() {
        let id = Identity::of(&def("Group", "members"));
        let a = json!({"value": "U1", "display": "Ada"});
        let b = json!({"value": "u1", "$ref": null});
        assert_eq!(id.key(&a), id.key(&b));
        let set: HashSet<Key<'_>> = [id.key(&a).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&b).unwrap()));
        assert!(id.key(&json!({"display": "x"})).is_none());
    }

    #[test]
    fn addresses_are_identified_by_the_whole_object_ignoring_nulls() {
        let id = Identity::of(&def("User", "addresses"));
        let a = json!({"type": "work", "locality": "X", "region": null});
        let b = json!({"locality": "X", "type": "work"});
        assert_eq!(id.key(&a), id.key(&b));
        let set: HashSet<Key<'_>> = [id.key(&a).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&b).unwrap()));
        assert_ne!(
            id.key(&a),
            id.key(&json!({"type": "home", "locality": "X"}))
        );
    }

    #[test]
    fn long_and_non_ascii_strings_hash_consistently() {
        let id = Identity::of(&def("Group", "members"));
        let long = "A".repeat(200);
        let a = json!({ "value": long });
        let b = json!({ "value": long.to_lowercase() });
        let set: HashSet<Key<'_>> = [id.key(&a).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&b).unwrap()));
        let c = json!({"value": "ÄDA"});
        let d = json!({"value": "äda"});
        let set: HashSet<Key<'_>> = [id.key(&c).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&d).unwrap()));
    }
}
