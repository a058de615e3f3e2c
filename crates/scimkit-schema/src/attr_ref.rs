//! A borrowed attribute reference in standard attribute notation (RFC 7644 §3.10):
//! `[URN ":"] name ["." subAttr]`.

use std::fmt;

/// An attribute reference split into its parts, borrowed from the text it came from.
///
/// This is the shape every path takes on its way into the [`SchemaRegistry`](crate::SchemaRegistry):
/// the filter parser builds its own AST and hands the parts over; `attributes=` lists and
/// path-less PATCH keys are split by [`AttrRef::parse`].
///
/// ```
/// use scimkit_schema::AttrRef;
///
/// let r = AttrRef::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value").unwrap();
/// assert_eq!(r.urn, Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
/// assert_eq!(r.name, "manager");
/// assert_eq!(r.sub_attr, Some("value"));
///
/// let r = AttrRef::parse("name.givenName").unwrap();
/// assert_eq!((r.urn, r.name, r.sub_attr), (None, "name", Some("givenName")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AttrRef<'a> {
    /// The schema URN prefix, without the trailing `:`.
    pub urn: Option<&'a str>,
    /// The attribute name (`ATTRNAME`, RFC 7643 §2.1).
    pub name: &'a str,
    /// The sub-attribute name after `.`, if any.
    pub sub_attr: Option<&'a str>,
}

/// Why a string is not an attribute reference; the `Display` form names the offending part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an attribute path ([URN \":\"] name [\".\" subAttr], RFC 7644 §3.10)")]
pub struct AttrRefError(pub String);

impl<'a> AttrRef<'a> {
    /// A reference without URN.
    pub fn new(name: &'a str, sub_attr: Option<&'a str>) -> AttrRef<'a> {
        AttrRef {
            urn: None,
            name,
            sub_attr,
        }
    }

    /// Splits `text` into URN, name and sub-attribute.
    ///
    /// A text starting with `urn:` (any case) is split at its last `:`; the part after it is
    /// `name ["." subAttr]`. Names must match `ALPHA *(ALPHA / DIGIT / "-" / "_" / "$")`
    /// (RFC 7643 §2.1, which allows `$` for `$ref`). A bare schema URN such as
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` splits into URN
    /// `...:enterprise:2.0` and name `User`; the registry recognises that form
    /// (see [`SchemaRegistry::resolve`](crate::SchemaRegistry::resolve)).
    ///
    /// # Errors
    /// [`AttrRefError`] when a part is empty or holds a character outside the name grammar.
    pub fn parse(text: &'a str) -> Result<AttrRef<'a>, AttrRefError> {
        let bad = || AttrRefError(text.to_owned());
        let (urn, rest) = if text.len() > 4 && text.as_bytes()[..4].eq_ignore_ascii_case(b"urn:") {
            let colon = text.rfind(':').ok_or_else(bad)?;
            (Some(&text[..colon]), &text[colon + 1..])
        } else {
            (None, text)
        };
        let (name, sub_attr) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        if !is_attr_name(name) || !sub_attr.is_none_or(is_attr_name) {
            return Err(bad());
        }
        if urn.is_some_and(|u| u.len() <= 4) {
            return Err(bad());
        }
        Ok(AttrRef {
            urn,
            name,
            sub_attr,
        })
    }
}

impl fmt::Display for AttrRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(self.name)?;
        if let Some(sub) = self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// Whether `s` is an `ATTRNAME` per RFC 7643 §2.1: `ALPHA *(nameChar)` with
/// `nameChar = "$" / "-" / "_" / DIGIT / ALPHA`. `$ref` is accepted as a special case, since
/// RFC 7643 uses it as a sub-attribute name.
pub fn is_attr_name(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() => {}
        Some(b'$') => return s == "$ref",
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_sub_attribute() {
        assert_eq!(
            AttrRef::parse("userName").unwrap(),
            AttrRef::new("userName", None)
        );
        assert_eq!(
            AttrRef::parse("members.$ref").unwrap(),
            AttrRef::new("members", Some("$ref"))
        );
    }

    /// RFC 7644 §3.10: URN-qualified names; the URN itself holds `.` (`2.0`) and `-`.
    #[test]
    fn urn_qualified() {
        let r =
            AttrRef::parse("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName").unwrap();
        assert_eq!(r.urn, Some("urn:ietf:params:scim:schemas:core:2.0:User"));
        assert_eq!(r.name, "name");
        assert_eq!(r.sub_attr, Some("familyName"));
        let r = AttrRef::parse("urn:example:my-ext:2.0:Thing:cost-center").unwrap();
        assert_eq!(r.urn, Some("urn:example:my-ext:2.0:Thing"));
        assert_eq!(r.name, "cost-center");
    }

    #[test]
    fn rejects_what_is_not_a_path() {
        for bad in [
            "", ".", "a.", ".b", "1abc", "a.b.c", "a b", "urn:", "urn:x:", "$foo", "a[b]",
        ] {
            assert!(AttrRef::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    /// Regression (fuzz `attr_ref`): a multi-byte character across byte 4 panicked on slicing.
    #[test]
    fn multibyte_text_is_rejected_not_sliced() {
        assert!(AttrRef::parse("\u{5}UU\u{60d}\u{619}").is_err());
        assert!(AttrRef::parse("urné:x").is_err());
    }

    #[test]
    fn display_round_trips() {
        for text in ["userName", "name.givenName", "urn:a:b:c:manager.value"] {
            assert_eq!(AttrRef::parse(text).unwrap().to_string(), text);
        }
    }
}
