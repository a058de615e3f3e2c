//! Reading a JSON text into a [`serde_json::Value`] without losing a member.
//!
//! RFC 8259 §4: the names within an object SHOULD be unique, and a receiver's behaviour
//! with duplicates is unpredictable. `serde_json` keeps the last of them and drops the others
//! without a word, so `{"Operations": [A], "Operations": [B]}` would apply only `B`. Here an
//! object that names one member twice is an error instead, pointing at it; SCIM refuses one
//! attribute given in two spellings the same way (RFC 7643 §2.1: names are
//! case-insensitive), so nothing a client sent is silently dropped.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::ScimError;

/// Parses a JSON text (`bytes`) into a [`Value`], refusing an object that names one member
/// twice (exactly; RFC 8259 §4). Otherwise the same as `serde_json::from_slice::<Value>`,
/// recursion limit (128 levels) included.
///
/// ```
/// let value = scimkit_schema::parse_json(br#"{"a": [1, {"b": null}]}"#).unwrap();
/// assert_eq!(value["a"][1]["b"], serde_json::Value::Null);
/// let error = scimkit_schema::parse_json(br#"{"a": 1, "b": {"c": 2, "c": 3}}"#).unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     "the name \"c\" appears twice in one object; each member needs its own name \
///      (RFC 8259 §4) at line 1 column 26"
/// );
/// ```
///
/// # Errors
/// serde_json's error (with its line and column) for a text that is not JSON, or that names
/// one member twice in an object.
pub fn parse_json(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<UniqueValue>(bytes).map(|v| v.0)
}

/// [`parse_json`], its error as a SCIM Error for a request body: 400 `invalidSyntax`, "`subject`
/// is not valid JSON: ..." or, for a member named twice, "`subject` cannot be read: ..."
/// (RFC 7644 §3.12), with serde_json's line and column.
///
/// ```
/// let error = scimkit_schema::parse_json_body(br#"{"a": 1, "a": 2}"#, "the request body")
///     .unwrap_err();
/// assert_eq!(error.status, 400);
/// assert!(error.detail.unwrap().starts_with("the request body cannot be read: the name \"a\""));
/// ```
///
/// # Errors
/// As above.
pub fn parse_json_body(bytes: &[u8], subject: &str) -> Result<Value, ScimError> {
    parse_json(bytes).map_err(|e| {
        // A data error is the one rule JSON leaves open: a name twice in one object.
        let what = if e.is_data() {
            "cannot be read"
        } else {
            "is not valid JSON"
        };
        ScimError::invalid_syntax(format!("{subject} {what}: {e} (RFC 7644 §3.12)"))
    })
}

/// A [`Value`] read with [`parse_json`]'s rule, for a value inside a message (a PATCH
/// operation's `value`, a bulk operation's `data`).
pub(crate) struct UniqueValue(pub(crate) Value);

impl<'de> Deserialize<'de> for UniqueValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(UniqueValue)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(UniqueValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            // Checked before the value is read: the error points at the name.
            match members.entry(name) {
                Entry::Vacant(slot) => {
                    let UniqueValue(value) = map.next_value()?;
                    slot.insert(value);
                }
                Entry::Occupied(slot) => {
                    return Err(de::Error::custom(format!(
                        "the name {:?} appears twice in one object; each member needs its own \
                         name (RFC 8259 §4)",
                        slot.key()
                    )));
                }
            }
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let text = r#"{"s": "x\u00e9", "n": [0, -1, 18446744073709551615, 1.5, 1e400],
            "b": [true, false], "z": null, "o": {"": {}, "k": []}}"#;
        let ours = parse_json(text.as_bytes());
        let theirs = serde_json::from_str::<Value>(text);
        // 1e400 is out of f64's range: both refuse it the same way.
        assert_eq!(
            ours.map_err(|e| e.to_string()),
            theirs.map_err(|e| e.to_string())
        );
        let text = r#"{"s": "x\u00e9", "n": [0, -1, 18446744073709551615, 1.5],
            "b": [true, false], "z": null, "o": {"": {}, "k": []}}"#;
        let ours = parse_json(text.as_bytes()).expect("JSON");
        assert_eq!(ours, serde_json::from_str::<Value>(text).expect("JSON"));
        // Member order is kept (serde_json's preserve_order).
        let keys: Vec<&String> = ours.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["s", "n", "b", "z", "o"]);
    }

    #[test]
    fn a_name_twice_in_one_object_is_refused_at_any_depth() {
        for (text, name) in [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (r#"[{"x": {"y": 1, "y": 1}}]"#, "y"),
            (r#"{"a": {"": 1, "": 2}}"#, ""),
            (r#"{"\u0061": 1, "a": 2}"#, "a"),
        ] {
            let error = parse_json(text.as_bytes()).expect_err(text).to_string();
            assert!(
                error.starts_with(&format!("the name {name:?} appears twice")),
                "{text}: {error}"
            );
            assert!(error.contains(" at line 1 column "), "{error}");
        }
        // Names differing in case are JSON-distinct: SCIM's own rules judge those.
        assert!(parse_json(br#"{"a": 1, "A": 2}"#).is_ok());
    }

    #[test]
    fn the_recursion_limit_stays() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let error = parse_json(deep.as_bytes())
            .expect_err("too deep")
            .to_string();
        assert!(error.contains("recursion limit"), "{error}");
    }
}
