//! HTTP status codes in SCIM bodies: written as JSON strings (RFC 7644 §3.12), read from a
//! string, a number, or (bulk, RFC 7644 §3.7) an object `{"code": ...}`.

use std::fmt;

use serde::Serializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// Reads a status written as `"404"`, `404` or `{"code": "404"}` / `{"code": 404}`.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    deserializer.deserialize_any(StatusVisitor)
}

/// Writes a status as a JSON string, e.g. `"201"`.
pub(crate) fn serialize<S: Serializer>(status: &u16, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(status)
}

struct StatusVisitor;

impl<'de> Visitor<'de> for StatusVisitor {
    type Value = u16;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an HTTP status code as a string, a number or {\"code\": ...}")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u16, E> {
        u16::try_from(v).map_err(|_| E::custom(format!("status {v} is out of range")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u16, E> {
        u16::try_from(v).map_err(|_| E::custom(format!("status {v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u16, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom(format!("status {v:?} is not a number")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u16, A::Error> {
        let mut code = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "code" {
                code = Some(map.next_value_seed(StatusSeed)?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        code.ok_or_else(|| de::Error::missing_field("code"))
    }
}

struct StatusSeed;

impl<'de> de::DeserializeSeed<'de> for StatusSeed {
    type Value = u16;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u16, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// A status inside `{"code": ...}`: a string or a number, not another object.
struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = u16;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an HTTP status code as a string or a number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u16, E> {
        StatusVisitor.visit_u64(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u16, E> {
        StatusVisitor.visit_i64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u16, E> {
        StatusVisitor.visit_str(v)
    }
}
