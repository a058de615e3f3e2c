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

use std::hash::{BuildHasher, Hash, Hasher};

use scimkit_schema::AttributeDef;
use serde_json::Value;

use crate::index::{BuildKeyHasher, KeySet};

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

    /// The key of a value whose `value` sub-attribute (or, for a simple attribute, itself) is
    /// the string `text`.
    pub(crate) fn text_key<'v>(&self, text: &'v str) -> Key<'v> {
        Key::Text(text, self.case_exact)
    }

    /// `items` without the values whose identity an earlier one already has, in order
    /// (values without a key are kept).
    pub(crate) fn unique(&self, items: Vec<Value>) -> Vec<Value> {
        let keep: Vec<bool> = {
            let mut seen: KeySet<'_> = KeySet::default();
            seen.reserve(items.len());
            items
                .iter()
                .map(|item| self.key(item).is_none_or(|k| seen.insert(k)))
                .collect()
        };
        if keep.iter().all(|k| *k) {
            return items;
        }
        items
            .into_iter()
            .zip(keep)
            .filter_map(|(item, keep)| keep.then_some(item))
            .collect()
    }

    /// The key of one element, borrowing from it; `None` for a complex element without a
    /// string `value` when the attribute is identified by `value`. Inlined: it runs once per
    /// stored member in the removal pass too.
    #[inline]
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

/// A borrowed identity key: hashing and equality follow [`Identity`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key<'v> {
    /// A string and whether it is case-exact.
    Text(&'v str, bool),
    /// Any other JSON value, compared structurally without `null` object members.
    Json(&'v Value),
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
    /// Consistent with [`PartialEq`]: a case-insensitive ASCII string is hashed 8 bytes at a
    /// time with bit `0x20` of every byte set (the only bit in which ASCII letters differ
    /// from their other case), so no lowercased copy is made; a non-ASCII one through its
    /// lowercase form, folded the same way, which agrees with the ASCII path whenever the
    /// lowercase forms are equal.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Key::Text(s, true) => hash_words(s.as_bytes(), 0, state),
            Key::Text(s, false) if s.is_ascii() => hash_words(s.as_bytes(), FOLD, state),
            Key::Text(s, false) => hash_words(s.to_lowercase().as_bytes(), FOLD, state),
            Key::Json(v) => {
                state.write_u8(1);
                hash_json(v, state);
            }
        }
    }
}

/// Bit `0x20` in every byte of a word.
pub(crate) const FOLD: u64 = 0x2020_2020_2020_2020;

/// Feeds `bytes` to `state` as little-endian words (the last one zero-padded) with `fold`
/// or-ed in, then the length.
fn hash_words<H: Hasher>(bytes: &[u8], fold: u64, state: &mut H) {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        state.write_u64(u64::from_le_bytes(word) | fold);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // Padding stays zero so that a shorter string never hashes like a padded longer one.
        let mask = u64::MAX >> (8 * (8 - rest.len()));
        state.write_u64((u64::from_le_bytes(word) | fold) & mask);
    }
    state.write_usize(bytes.len());
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
                let mut h = BuildKeyHasher::default().build_hasher();
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
    use crate::index::KeySet;
    use scimkit_schema::{Resolved, SchemaRegistry};
    use serde_json::json;

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
        let set: KeySet<'_> = [id.key(&a).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&b).unwrap()));
        assert!(id.key(&json!({"display": "x"})).is_none());
    }

    #[test]
    fn addresses_are_identified_by_the_whole_object_ignoring_nulls() {
        let id = Identity::of(&def("User", "addresses"));
        let a = json!({"type": "work", "locality": "X", "region": null});
        let b = json!({"locality": "X", "type": "work"});
        assert_eq!(id.key(&a), id.key(&b));
        let set: KeySet<'_> = [id.key(&a).unwrap()].into_iter().collect();
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
        let set: KeySet<'_> = [id.key(&a).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&b).unwrap()));
        // U+212A KELVIN SIGN lowercases to ASCII `k`.
        let kelvin = json!({"value": "\u{212A}"});
        let k = json!({"value": "K"});
        let set: KeySet<'_> = [id.key(&k).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&kelvin).unwrap()));
        let set: KeySet<'_> = [id.key(&kelvin).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&k).unwrap()));
        let c = json!({"value": "ÄDA"});
        let d = json!({"value": "äda"});
        let set: KeySet<'_> = [id.key(&c).unwrap()].into_iter().collect();
        assert!(set.contains(&id.key(&d).unwrap()));
    }
}
