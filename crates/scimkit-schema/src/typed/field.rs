//! A value that is absent, `null`, or set (RFC 7643 §2.5, RFC 7644 §3.5.1).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional attribute in a typed resource, keeping the three states PUT tells apart:
/// not sent ([`Field::Absent`]: "not asserted", the server may keep or default it),
/// sent as `null` ([`Field::Null`]: cleared, RFC 7643 §2.5), or [`Field::Set`].
///
/// Use with `#[serde(default, skip_serializing_if = "Field::is_absent")]`; an absent field is
/// not written, a `Null` one is written as `null`.
///
/// ```
/// use scimkit_schema::{Field, User};
/// use serde_json::json;
///
/// let user = User::from_value(json!({"userName": "a", "nickName": null})).unwrap();
/// assert_eq!(user.user_name, Field::Set("a".to_owned()));
/// assert_eq!(user.nick_name, Field::Null);
/// assert_eq!(user.title, Field::Absent);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// Not in the JSON object.
    #[default]
    Absent,
    /// Present as `null`.
    Null,
    /// Present with a value.
    Set(T),
}

impl<T> Field<T> {
    /// Whether the key was missing.
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// Whether the key held `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, if set.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if set, mutably.
    pub fn as_option_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }

    /// The value, if set, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Set(value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Set(value) => value.serialize(serializer),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Field::Set(value),
            None => Field::Null,
        })
    }
}
