//! [`ParseError`]: where parsing stopped, what was expected there, and why.

use std::fmt;

use scimkit_schema::{ScimError, ScimType};

/// What was being parsed; decides the `scimType` a [`ParseError`] maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A `filter` (query parameter or SearchRequest): maps to `invalidFilter`.
    Filter,
    /// A PATCH operation `path`: maps to `invalidPath`, also for errors inside its `[...]`.
    PatchPath,
    /// A bare attribute path (`attributes`, `excludedAttributes`, `sortBy`): maps to
    /// `invalidValue`.
    AttrPath,
}

impl Target {
    /// The `scimType` for errors in this kind of input (RFC 7644 §3.12 Table 9).
    pub fn scim_type(self) -> ScimType {
        match self {
            Target::Filter => ScimType::InvalidFilter,
            Target::PatchPath => ScimType::InvalidPath,
            Target::AttrPath => ScimType::InvalidValue,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Target::Filter => "filter",
            Target::PatchPath => "PATCH path",
            Target::AttrPath => "attribute path",
        }
    }
}

/// Why parsing failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// The input is longer than [`FilterOptions::max_len`](crate::FilterOptions::max_len).
    TooLong,
    /// Groups, `not (...)` and `[...]` nest deeper than
    /// [`FilterOptions::max_depth`](crate::FilterOptions::max_depth).
    TooDeep,
    /// More attribute expressions than
    /// [`FilterOptions::max_terms`](crate::FilterOptions::max_terms).
    TooManyTerms,
}

/// A filter or path that did not parse: the byte offset where it went wrong, what the grammar
/// expected there, and a message.
///
/// `Display` gives one line, e.g.
/// `invalid filter at byte 15: unknown operator "zz"; expected one of eq, ne, co, sw, ew, gt, lt, ge, le, pr`.
/// [`ParseError::caret`] adds the input (a window around the offset for long inputs) with a
/// `^` under the offending character. Converts into a 400 [`ScimError`] with the scimType of
/// its [`Target`] (`invalidFilter` for filters, `invalidPath` for PATCH paths).
///
/// ```
/// let err = scimkit_filter::parse_filter("name.givenName zz \"Ada\"").unwrap_err();
/// assert_eq!(err.offset(), 15);
/// assert_eq!(err.caret(), "name.givenName zz \"Ada\"\n               ^");
/// let scim: scimkit_schema::ScimError = err.into();
/// assert_eq!(scim.scim_type, Some(scimkit_schema::ScimType::InvalidFilter));
/// assert!(scim.detail.unwrap().contains("\"zz\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    target: Target,
    kind: ErrorKind,
    offset: usize,
    expected: &'static str,
    message: String,
    /// A window of the input around `offset` (whole input when short), and the byte offset of
    /// `offset` inside it.
    snippet: String,
    snippet_offset: usize,
}

/// How many bytes of input the caret rendering shows on each side of the offset.
const WINDOW: usize = 40;

impl ParseError {
    pub(crate) fn new(
        input: &str,
        target: Target,
        kind: ErrorKind,
        offset: usize,
        expected: &'static str,
        message: String,
    ) -> ParseError {
        let offset = floor_char_boundary(input, offset.min(input.len()));
        let start = floor_char_boundary(input, offset.saturating_sub(WINDOW));
        let end = floor_char_boundary(input, (offset + WINDOW).min(input.len()));
        ParseError {
            inner: Box::new(Inner {
                target,
                kind,
                offset,
                expected,
                message,
                snippet: input[start..end].to_owned(),
                snippet_offset: offset - start,
            }),
        }
    }

    /// Byte offset into the input of the character at which parsing failed (the input's length
    /// when it ended too early).
    pub fn offset(&self) -> usize {
        self.inner.offset
    }

    /// What the grammar expected at [`offset`](Self::offset), e.g. `"a comparison operator"`.
    pub fn expected(&self) -> &'static str {
        self.inner.expected
    }

    /// The message, without the position prefix.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Syntax error or which limit was exceeded.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// What was being parsed.
    pub fn target(&self) -> Target {
        self.inner.target
    }

    /// Two lines: the input (or a window of up to 40 bytes each side of the offset, with `…`
    /// where cut) and a `^` under the offending character.
    pub fn caret(&self) -> String {
        let snippet = &self.inner.snippet;
        let column = snippet[..self.inner.snippet_offset].chars().count();
        let full_start = self.inner.offset == self.inner.snippet_offset;
        let prefix = if full_start { "" } else { "…" };
        let pad = column + prefix.chars().count();
        format!("{prefix}{snippet}\n{}^", " ".repeat(pad))
    }

    /// The SCIM error for this failure: 400 with the target's scimType and this message
    /// (position included) as detail.
    pub fn into_scim(self) -> ScimError {
        ScimError::new(self.inner.target.scim_type(), self.to_string())
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} at byte {}: {}",
            self.inner.target.noun(),
            self.inner.offset,
            self.inner.message
        )
    }
}

impl std::error::Error for ParseError {}

impl From<ParseError> for ScimError {
    fn from(err: ParseError) -> ScimError {
        err.into_scim()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_sync_and_small() {
        fn check<T: Send + Sync + std::error::Error + 'static>() {}
        check::<ParseError>();
        assert_eq!(
            std::mem::size_of::<ParseError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn caret_windows_long_input_on_char_boundaries() {
        let input = format!("{}é zz {}", "a".repeat(100), "b".repeat(100));
        let offset = input.find("zz").unwrap();
        let err = ParseError::new(
            &input,
            Target::Filter,
            ErrorKind::Syntax,
            offset,
            "x",
            "m".into(),
        );
        let caret = err.caret();
        let (line, marker) = caret.split_once('\n').unwrap();
        assert!(line.starts_with('…'));
        let col = marker.chars().count() - 1;
        assert_eq!(line.chars().nth(col), Some('z'));
    }

    #[test]
    fn maps_to_the_targets_scim_type() {
        for (target, expected) in [
            (Target::Filter, ScimType::InvalidFilter),
            (Target::PatchPath, ScimType::InvalidPath),
            (Target::AttrPath, ScimType::InvalidValue),
        ] {
            let err = ParseError::new("x", target, ErrorKind::Syntax, 0, "x", "bad".into());
            let scim = err.into_scim();
            assert_eq!(scim.status, 400);
            assert_eq!(scim.scim_type, Some(expected));
        }
    }
}
