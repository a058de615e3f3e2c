//! Reading a request message's attributes by name, ASCII case-insensitively.
//!
//! RFC 7643 §2.1: "Attribute names are case insensitive". That holds for the attributes of
//! the protocol messages too (they are defined by schemas, RFC 7644 §3.4.3, §3.5.2, §3.7),
//! so `"operations"`, `"Count"` and `"SORTBY"` are read as `Operations`, `count` and
//! `sortBy`, as a resource's `"USERNAME"` is read as `userName`. One attribute sent twice in
//! one object, in one spelling or two, is refused as a duplicate naming both spellings
//! (`Operations[1]: duplicate field `op`, sent as "op" and "OP"`), and so is an object
//! missing a required attribute; both are raised while the object is read, so a parser that
//! knows positions adds the line and column. Names a message does not define are skipped.
//! (Exact duplicates inside `value` and `data` are refused by
//! [`parse_json`](crate::parse_json)'s rule.)

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A message object read attribute by attribute, starting from [`empty`](Self::empty).
pub(crate) trait Fields: Sized {
    /// What the object becomes once read.
    type Out;
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

    /// The object, once every attribute sent was read.
    ///
    /// # Errors
    /// What is wrong with it (`missing field `op``, an unknown `op`), as a sentence.
    fn finish(self) -> Result<Self::Out, String>;
}

/// Deserializes a `T` from a JSON object, matching its attribute names ASCII
/// case-insensitively.
///
/// # Errors
/// serde's errors: not an object, a value of the wrong type, an attribute given twice (in
/// one spelling or two), or what [`Fields::finish`] refuses; raised while the object is
/// read, so a parser that knows positions adds the line and column.
pub(crate) fn read<'de, D: Deserializer<'de>, T: Fields>(
    deserializer: D,
) -> Result<T::Out, D::Error> {
    read_at::<D, T>(deserializer, None)
}

/// [`read`], for the `at`-th object of a list named `list` (`Operations`): its own errors
/// say which (`Operations[1]: ...`).
pub(crate) fn read_at<'de, D: Deserializer<'de>, T: Fields>(
    deserializer: D,
    at: Option<(&'static str, usize)>,
) -> Result<T::Out, D::Error> {
    deserializer.deserialize_map(FieldsVisitor::<T> {
        at,
        fields: PhantomData,
    })
}

/// The message's `NAMES[field]` a key names, if any: the RFC spelling first (what IdPs
/// send), then any other case.
fn position(names: &[&str], key: &str) -> Option<usize> {
    names
        .iter()
        .position(|name| *name == key)
        .or_else(|| names.iter().position(|name| name.eq_ignore_ascii_case(key)))
}

struct FieldsVisitor<T> {
    at: Option<(&'static str, usize)>,
    fields: PhantomData<T>,
}

impl<T> FieldsVisitor<T> {
    /// `what`, prefixed with where the object is in its list, if it is in one.
    fn locate(&self, what: String) -> String {
        match self.at {
            Some((list, index)) => format!("{list}[{index}]: {what}"),
            None => what,
        }
    }
}

impl<'de, T: Fields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T::Out;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WHAT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T::Out, A::Error> {
        let mut value = T::empty();
        let mut seen = 0u64;
        // The spellings sent that are not the RFC's, for a duplicate's detail.
        let mut other_spellings: Vec<(usize, String)> = Vec::new();
        // Names the message does not define, kept only to refuse one sent twice (RFC 8259
        // §4), as `parse_json` does for a message read from a `Value`.
        let mut unknown: Vec<String> = Vec::new();
        while let Some(key) = map.next_key_seed(Key(T::NAMES))? {
            let (field, other_spelling) = match key {
                Ok(known) => known,
                Err(name) => {
                    if unknown.contains(&name) {
                        return Err(de::Error::custom(self.locate(format!(
                            "the name {name:?} appears twice in one object; each member needs \
                             its own name (RFC 8259 §4)"
                        ))));
                    }
                    unknown.push(name);
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let bit = 1u64 << field;
            if seen & bit != 0 {
                let name = T::NAMES[field];
                let first = other_spellings
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or(name, |(_, s)| s.as_str());
                let second = other_spelling.as_deref().unwrap_or(name);
                let detail = if first == second {
                    format!("duplicate field `{name}`, sent twice")
                } else {
                    format!(
                        "duplicate field `{name}`, sent as {first:?} and {second:?} (attribute \
                         names are case-insensitive, RFC 7643 §2.1)"
                    )
                };
                return Err(de::Error::custom(self.locate(detail)));
            }
            seen |= bit;
            if let Some(spelling) = other_spelling {
                other_spellings.push((field, spelling));
            }
            value.set(field, &mut map)?;
        }
        value
            .finish()
            .map_err(|what| de::Error::custom(self.locate(what)))
    }
}

/// A key, read as the index of the attribute it names and, when it is not the RFC spelling,
/// the spelling sent; `Err(key)` when it names none of the message's attributes.
struct Key(&'static [&'static str]);

/// What a [`Key`] reads.
type KeyRead = Result<(usize, Option<String>), String>;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = KeyRead;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for Key {
    type Value = KeyRead;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match position(self.0, key) {
            Some(field) => Ok((field, (self.0[field] != key).then(|| key.to_owned()))),
            None => Err(key.to_owned()),
        })
    }
}

/// A list of objects of one kind (a message's `Operations`), each read with [`read_at`], so
/// an error in one says which: `ListOf::<WireOperation>::new("Operations")`.
pub(crate) struct ListOf<T> {
    name: &'static str,
    fields: PhantomData<T>,
}

impl<T> ListOf<T> {
    pub(crate) fn new(name: &'static str) -> Self {
        ListOf {
            name,
            fields: PhantomData,
        }
    }
}

impl<'de, T: Fields> DeserializeSeed<'de> for ListOf<T> {
    type Value = Vec<T::Out>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Fields> Visitor<'de> for ListOf<T> {
    type Value = Vec<T::Out>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {}s", T::WHAT.trim_start_matches("a "))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(Item::<T> {
            at: (self.name, items.len()),
            fields: PhantomData,
        })? {
            items.push(item);
        }
        Ok(items)
    }
}

/// The `at`-th object of a [`ListOf`].
struct Item<T> {
    at: (&'static str, usize),
    fields: PhantomData<T>,
}

impl<'de, T: Fields> DeserializeSeed<'de> for Item<T> {
    type Value = T::Out;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Out, D::Error> {
        read_at::<D, T>(deserializer, Some(self.at))
    }
}

/// `missing field `name``, serde's wording for a required attribute not sent.
pub(crate) fn missing(name: &str) -> String {
    format!("missing field `{name}`")
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
        type Out = Pair;
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

        fn finish(self) -> Result<Pair, String> {
            match self.one {
                Some(0) => Err(missing("twoWords")),
                _ => Ok(self),
            }
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
    fn two_spellings_of_one_name_are_a_duplicate_naming_both() {
        let error = pair(r#"{"one": 1, "ONE": 2}"#).expect_err("duplicate");
        assert!(
            error.starts_with(r#"duplicate field `one`, sent as "one" and "ONE""#),
            "{error}"
        );
        let error = pair(r#"{"TwoWords": "a", "twoWords": "b"}"#).expect_err("duplicate");
        assert!(
            error.starts_with(r#"duplicate field `twoWords`, sent as "TwoWords" and "twoWords""#),
            "{error}"
        );
        let error = pair(r#"{"one": 1, "one": 2}"#).expect_err("duplicate");
        assert!(
            error.starts_with("duplicate field `one`, sent twice"),
            "{error}"
        );
        assert!(error.ends_with("at line 1 column 16"), "{error}");
    }

    /// What `finish` refuses is raised inside the object: the parser adds where.
    #[test]
    fn what_finish_refuses_carries_a_position() {
        let error = pair(r#"{"one": 0}"#).expect_err("refused");
        assert_eq!(error, "missing field `twoWords` at line 1 column 10");
    }

    #[test]
    fn an_object_in_a_list_says_which() {
        let mut de = serde_json::Deserializer::from_str(r#"{"one": 1, "One": 2}"#);
        let error = read_at::<_, Pair>(&mut de, Some(("Operations", 3)))
            .expect_err("duplicate")
            .to_string();
        assert!(
            error.starts_with("Operations[3]: duplicate field `one`"),
            "{error}"
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_and_a_non_object_are_errors() {
        let error = pair(r#"{"one": "1"}"#).expect_err("type");
        assert!(error.contains("invalid type: string \"1\""), "{error}");
        let error = pair("[1]").expect_err("not an object");
        assert!(error.contains("expected a pair"), "{error}");
    }
}
