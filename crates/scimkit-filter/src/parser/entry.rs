//! The entry points: a filter, a PATCH path, a bare attribute path and a comma-separated list
//! of attribute paths. They share the grammar modules and the limits of [`FilterOptions`].

use super::Cursor;
use super::expressions::Base;
use crate::ast::{AttrPath, Filter, PatchPath, Span};
use crate::error::{ParseError, Target};
use crate::options::FilterOptions;

impl FilterOptions {
    /// Parses a filter (RFC 7644 §3.4.2.2 `FILTER`), e.g. `userName eq "bjensen"`, as sent in
    /// the `filter` query parameter or a SearchRequest's `filter` (already URL-decoded).
    /// Spaces around the whole filter, inside parentheses and brackets, and runs of spaces
    /// between tokens are accepted.
    ///
    /// # Errors
    /// [`ParseError`] with target [`Target::Filter`] (maps to 400 `invalidFilter`): syntax,
    /// or a limit of these options exceeded.
    pub fn parse_filter(&self, text: &str) -> Result<Filter, ParseError> {
        Cursor::new(text, Target::Filter, self)?.expression(Base::Filter)
    }

    /// Parses a PATCH operation's `path` (RFC 7644 §3.5.2 `PATH = attrPath / valuePath
    /// [subAttr]`), e.g. `members[value eq "2819c223"]` or `emails[type eq "work"].value`. No
    /// spaces are allowed outside the brackets.
    ///
    /// # Errors
    /// [`ParseError`] with target [`Target::PatchPath`] (maps to 400 `invalidPath`).
    pub fn parse_patch_path(&self, text: &str) -> Result<PatchPath, ParseError> {
        let mut cursor = Cursor::new(text, Target::PatchPath, self)?;
        let attr = cursor.attr_path()?;
        let mut path = PatchPath {
            attr,
            filter: None,
            sub_attr: None,
            span: Span::new(0, 0),
        };
        if cursor.peek() == Some(b'[') {
            let open = cursor.pos;
            cursor.pos += 1;
            path.filter = Some(cursor.expression(Base::PathBracket(open))?);
            if cursor.peek() == Some(b'.') {
                cursor.pos += 1;
                path.sub_attr = Some(cursor.attr_name("a sub-attribute name after '.'")?);
            }
            if !cursor.at_end() {
                return cursor.expected(cursor.pos, "'.' subAttr or the end of the path");
            }
        } else if !cursor.at_end() {
            return cursor.expected(cursor.pos, "'[' or the end of the path");
        }
        path.span = Span::new(0, cursor.pos);
        Ok(path)
    }

    /// Parses one attribute path in standard attribute notation (RFC 7644 §3.10), as used by
    /// `sortBy` and each item of `attributes` / `excludedAttributes`: `[URN ":"] name
    /// ["." subAttr]`. A bare schema URN splits as described on [`PatchPath`].
    ///
    /// # Errors
    /// [`ParseError`] with target [`Target::AttrPath`] (maps to 400 `invalidValue`).
    pub fn parse_attr_path(&self, text: &str) -> Result<AttrPath, ParseError> {
        let mut cursor = Cursor::new(text, Target::AttrPath, self)?;
        let path = cursor.attr_path()?;
        if !cursor.at_end() {
            return cursor.expected(cursor.pos, "the end of the attribute path");
        }
        Ok(path)
    }

    /// Parses a comma-separated list of attribute paths, the value of `attributes` or
    /// `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9), e.g. `userName, name.familyName`.
    /// Spaces around commas are allowed; an empty (or all-space) text is an empty list; an empty
    /// item (`a,,b`, trailing comma) is an error. The term limit bounds the number of items.
    ///
    /// # Errors
    /// [`ParseError`] with target [`Target::AttrPath`].
    pub fn parse_attr_path_list(&self, text: &str) -> Result<Vec<AttrPath>, ParseError> {
        let mut cursor = Cursor::new(text, Target::AttrPath, self)?;
        let mut paths = Vec::new();
        cursor.spaces();
        if cursor.at_end() {
            return Ok(paths);
        }
        loop {
            cursor.spaces();
            let start = cursor.pos;
            paths.push(cursor.attr_path()?);
            cursor.count_term(start)?;
            cursor.spaces();
            match cursor.peek() {
                None => return Ok(paths),
                Some(b',') => cursor.pos += 1,
                Some(_) => return cursor.expected(cursor.pos, "',' or the end of the list"),
            }
        }
    }
}

/// [`FilterOptions::parse_filter`] with the default (strict) options.
///
/// ```
/// use scimkit_filter::{parse_filter, Filter};
///
/// let f = parse_filter(r#"title pr and userType eq "Employee""#)?;
/// assert!(matches!(f, Filter::And(ref ops) if ops.len() == 2));
/// # Ok::<(), scimkit_filter::ParseError>(())
/// ```
pub fn parse_filter(text: &str) -> Result<Filter, ParseError> {
    FilterOptions::strict().parse_filter(text)
}

/// [`FilterOptions::parse_patch_path`] with the default (strict) options.
///
/// ```
/// let p = scimkit_filter::parse_patch_path(r#"emails[type eq "work"].value"#)?;
/// assert_eq!(p.attr.name, "emails");
/// assert_eq!(p.sub_attr.as_deref(), Some("value"));
/// # Ok::<(), scimkit_filter::ParseError>(())
/// ```
pub fn parse_patch_path(text: &str) -> Result<PatchPath, ParseError> {
    FilterOptions::strict().parse_patch_path(text)
}

/// [`FilterOptions::parse_attr_path`] with the default (strict) options.
pub fn parse_attr_path(text: &str) -> Result<AttrPath, ParseError> {
    FilterOptions::strict().parse_attr_path(text)
}
