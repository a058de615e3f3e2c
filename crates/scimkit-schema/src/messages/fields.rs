//! Reading a request message's attributes by name, ASCII case-insensitively.
//!
//! RFC 7643 §2.1: "Attribute names are case insensitive". That holds for the attributes of
//! the protocol messages too (they are defined by schemas, RFC 7644 §3.4.3, §3.5.2, §3.7),
//! so `"operations"`, `"Count"` and `"SORTBY"` are read as `Operations`, `count` and
//! `sortBy`, as a resource's `"USERNAME"` is read as `userName`. Two spellings of one
//! attribute in one object are refused as a duplicate, as serde refuses one spelling twice;
//! names a message does not define are skipped.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// A message object read attribute by attribute, starting from [`empty`](Self::empty).
pub(crate) trait Fields: Sized {
    /// The attribute names in their RFC spelling; at most 64.
    const NAMES: &'static [&'static str];
    /// What the object is, for serde's "invalid type" errors (`"a SearchRequest"`).
    const WHAT: &'static str;

    /// The object before any attribute is read.
    fn empty() -> Self;

    /// Reads the value of attribute `NAMES[field]` from `map` into `self`.
    ///
    /// # Errors
    /// What reading the value returns.
    fn set<'de, A: MapAccess<'de>>(&mut self, field: usize, map: &mut A) -> Result<(), A::Error>;
}

/// Deserializes a `T` from a JSON object, matching its attribute names ASCII
/// case-insensitively.
///
/// # Errors
/// serde's errors: not an object, a value of the wrong type, or `duplicate field` when two
/// keys name one attribute (in any spellings).
pub(crate) fn read<'de, D: Deserializer<'de>, T: Fields>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(FieldsVisitor(PhantomData))
}

/// The message's `NAMES[field]` a key names, if any: the RFC spelling first (what IdPs
/// send), then any other case.
fn position(names: &[&str], key: &str) -> Option<usize> {
    names
        .iter()
        .position(|name| *name == key)
        .or_else(|| names.iter().position(|name| name.eq_ignore_ascii_case(key)))
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: Fields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::empty();
        let mut seen = 0u64;
        while let Some(field) = map.next_key_seed(Key(T::NAMES))? {
            let Some(field) = field else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let bit = 1u64 << field;
            if seen & bit != 0 {
                return Err(de::Error::custom(format!(
                    "duplicate field `{}` (attribute names are case-insensitive, RFC 7643 §2.1)",
                    T::NAMES[field]
                )));
            }
            seen |= bit;
            value.set(field, &mut map)?;
        }
        Ok(value)
    }
}

/// A key, read as the index of the attribute it names (`None`: not one of the message's).
struct Key(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(position(self.0, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Pair {
        one: Option<u32>,
        two_words: Option<String>,
    }

    impl Fields for Pair {
        const NAMES: &'static [&'static str] = &["one", "twoWords"];
        const WHAT: &'static str = "a pair";

        fn empty() -> Self {
            Pair {
                one: None,
                two_words: None,
            }
        }

        fn set<'de, A: MapAccess<'de>>(
            &mut self,
            field: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match field {
                0 => self.one = Some(map.next_value()?),
                _ => self.two_words = Some(map.next_value()?),
            }
            Ok(())
        }
    }

    fn pair(json: &str) -> Result<Pair, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        read::<_, Pair>(&mut de).map_err(|e| e.to_string())
    }

    #[test]
    fn names_match_in_any_case_and_unknown_names_are_skipped() {
        assert_eq!(
            pair(r#"{"ONE": 1, "twowords": "x", "three": [1, {"a": 2}]}"#),
            Ok(Pair {
                one: Some(1),
                two_words: Some("x".into())
            })
        );
        assert_eq!(pair("{}"), Ok(Pair::empty()));
    }

    #[test]
    fn two_spellings_of_one_name_are_a_duplicate() {
        let error = pair(r#"{"one": 1, "One": 2}"#).expect_err("duplicate");
        assert!(error.starts_with("duplicate field `one`"), "{error}");
        let error = pair(r#"{"one": 1, "one": 2}"#).expect_err("duplicate");
        assert!(error.starts_with("duplicate field `one`"), "{error}");
    }

    #[test]
    fn a_value_of_the_wrong_type_and_a_non_object_are_errors() {
        let error = pair(r#"{"one": "1"}"#).expect_err("type");
        assert!(error.contains("invalid type: string \"1\""), "{error}");
        let error = pair("[1]").expect_err("not an object");
        assert!(error.contains("expected a pair"), "{error}");
    }
}
