//! `attrPath = [URI ":"] ATTRNAME *1subAttr` (RFC 7644 §3.4.2.2, §3.10) and `subAttr`.
//!
//! - `ATTRNAME = ALPHA *(nameChar)`, `nameChar = "$" / "-" / "_" / DIGIT / ALPHA` (RFC 7643
//!   §2.1, which unlike RFC 7644's copy includes `$`), plus the name `$ref` (RFC 7643 §2.4).
//! - A URI prefix is recognised when the path starts with `urn:` (any case): the path is the
//!   longest run of URN characters (`ALPHA DIGIT - . _ : $ %`), split at its **last** `:`; the
//!   URN itself contains `:` and `.` (`...:enterprise:2.0:User`). Other URI schemes are not
//!   recognised as prefixes (SCIM schema ids are URNs, RFC 7643 §10.4).

use nom::bytes::complete::{take_while, take_while1};
use nom::combinator::peek;

use super::lexical::keyword;
use super::{Cursor, PResult};
use crate::ast::{AttrPath, Span};

const ATTR_PATH: &str = "an attribute path ([URN \":\"] name [\".\" subAttr])";
const NAME: &str = "an attribute name (ALPHA *(ALPHA / DIGIT / \"-\" / \"_\" / \"$\"))";

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '$')
}

fn is_urn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':' | '$' | '%')
}

impl Cursor<'_> {
    /// `attrPath`.
    pub(crate) fn attr_path(&mut self) -> PResult<AttrPath> {
        let start = self.pos;
        let urn_prefix = self.run(peek(keyword("urn:"))).is_some();
        let (urn, names_at) = if urn_prefix {
            let run: &str = self.run(take_while(is_urn_char)).unwrap_or_default();
            let colon = run.rfind(':').expect("starts with urn:");
            let urn = &run[..colon];
            if urn.len() <= 3 {
                return self.expected(start + colon + 1, "a URN before the attribute name");
            }
            self.pos = start + colon + 1;
            (Some(urn.to_owned()), self.pos)
        } else {
            (None, start)
        };
        let name = self.attr_name(if urn.is_some() { NAME } else { ATTR_PATH })?;
        let sub_attr = if self.peek() == Some(b'.') {
            self.pos += 1;
            Some(self.attr_name(NAME)?)
        } else {
            None
        };
        if self.peek() == Some(b'.') {
            return self.fail(
                self.pos,
                "the end of the attribute path",
                "an attribute path has at most one sub-attribute (RFC 7643 §2.3.8: complex \
                 attributes cannot nest)"
                    .to_owned(),
            );
        }
        debug_assert!(names_at <= self.pos);
        Ok(AttrPath {
            urn,
            name,
            sub_attr,
            span: Span::new(start, self.pos),
        })
    }

    /// `ATTRNAME` (or `$ref`).
    pub(crate) fn attr_name(&mut self, expected: &'static str) -> PResult<String> {
        let start = self.pos;
        let Some(word) = self.run(take_while1(is_name_char)) else {
            return self.expected(start, expected);
        };
        if !scimkit_schema::is_attr_name(word) {
            self.pos = start;
            return self.fail(
                start,
                expected,
                format!(
                    "{word:?} is not an attribute name: names start with a letter and hold \
                     letters, digits, '-', '_' and '$' (RFC 7643 §2.1)"
                ),
            );
        }
        Ok(word.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{AttrPath, Span};
    use crate::parse_attr_path;

    /// RFC 7644 §3.10 attribute notation: plain, sub-attribute, URN-qualified.
    #[test]
    fn plain_sub_and_urn_paths() {
        assert_eq!(
            parse_attr_path("userName").unwrap(),
            AttrPath::new("userName")
        );
        assert_eq!(
            parse_attr_path("name.givenName").unwrap(),
            AttrPath::new("name").with_sub_attr("givenName")
        );
        let p = parse_attr_path(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        )
        .unwrap();
        assert_eq!(
            p,
            AttrPath::new("manager")
                .with_sub_attr("value")
                .with_urn("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(p.span, Span::new(0, 72));
    }

    /// RFC 7643 §2.1 keeps `$` in nameChar; `$ref` is a sub-attribute name (RFC 7643 §2.4).
    #[test]
    fn dollar_ref_and_hyphenated_urns() {
        assert_eq!(
            parse_attr_path("members.$ref").unwrap(),
            AttrPath::new("members").with_sub_attr("$ref")
        );
        let p =
            parse_attr_path("urn:example:scim:schemas:extension:acme-hr:1.0:User:badgeId").unwrap();
        assert_eq!(
            p.urn.as_deref(),
            Some("urn:example:scim:schemas:extension:acme-hr:1.0:User")
        );
        assert_eq!(p.name, "badgeId");
    }

    /// Case is preserved as written (resolution is case-insensitive, RFC 7644 §3.10).
    #[test]
    fn case_is_preserved() {
        let p =
            parse_attr_path("URN:IETF:params:scim:schemas:core:2.0:User:NAME.FamilyName").unwrap();
        assert_eq!(
            p.urn.as_deref(),
            Some("URN:IETF:params:scim:schemas:core:2.0:User")
        );
        assert_eq!(p.name, "NAME");
        assert_eq!(p.sub_attr.as_deref(), Some("FamilyName"));
    }

    #[test]
    fn malformed_paths_are_rejected_with_offsets() {
        for (bad, offset) in [
            ("", 0),
            ("1abc", 0),
            ("a.b.c", 3),
            ("name.", 5),
            (".name", 0),
            ("urn:", 4),
            ("urn:x:", 6),
            ("$foo", 0),
            ("a b", 1),
            ("name.given-Name.x", 15),
            ("na!me", 2),
        ] {
            let err = parse_attr_path(bad).unwrap_err();
            assert_eq!(err.offset(), offset, "{bad:?}: {err}");
        }
    }
}
