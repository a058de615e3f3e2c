//! The nom parser. Its modules mirror the grammar of RFC 7644 §3.4.2.2 (with errata 4690,
//! 7322 and 7319) and §3.5.2:
//!
//! - [`lexical`]: `SP`, keywords (`and`, `or`, `not`), `compareOp` and `pr`;
//! - [`values`]: `compValue` (`false` / `null` / `true` / number / string, RFC 8259 rules);
//! - [`paths`]: `attrPath = [URI ":"] ATTRNAME *1subAttr`;
//! - [`expressions`]: `FILTER`, `valuePath`, `valFilter`, `attrExp` and `logExp`, parsed with an
//!   explicit stack (no recursion), and the three entry points.
//!
//! Grammar actually implemented (the precedence-explicit form of `shared/rfc-notes.md` §7):
//!
//! ```text
//! filter     = *SP orExp *SP
//! orExp      = andExp *(1*SP "or" 1*SP andExp)
//! andExp     = unary *(1*SP "and" 1*SP unary)
//! unary      = "not" *SP "(" *SP orExp *SP ")" / "(" *SP orExp *SP ")" / valuePath / attrExp
//! valuePath  = attrPath "[" *SP valOr *SP "]"
//! valOr      = valAnd *(1*SP "or" 1*SP valAnd)
//! valAnd     = valUnary *(1*SP "and" 1*SP valUnary)
//! valUnary   = "not" *SP "(" *SP valOr *SP ")" / "(" *SP valOr *SP ")" / attrExp
//! attrExp    = attrPath 1*SP "pr" / attrPath 1*SP compareOp 1*SP compValue
//! PATH       = attrPath / attrPath "[" *SP valOr *SP "]" ["." ATTRNAME]
//! ```
//!
//! Keywords and operators are ASCII case-insensitive (RFC 5234 quoted strings, RFC 7644
//! §3.4.2.2), and so are `true`/`false`/`null`. `SP` is the space character only.

pub(crate) mod entry;
pub(crate) mod expressions;
pub(crate) mod lexical;
pub(crate) mod paths;
pub(crate) mod values;

use crate::error::{ErrorKind, ParseError, Target};
use crate::options::FilterOptions;

/// The parse state shared by every grammar module: the input, the position, the options and the
/// running term count.
pub(crate) struct Cursor<'a> {
    pub(crate) src: &'a str,
    pub(crate) pos: usize,
    pub(crate) target: Target,
    pub(crate) opts: &'a FilterOptions,
    pub(crate) terms: usize,
}

pub(crate) type PResult<T> = Result<T, ParseError>;

impl<'a> Cursor<'a> {
    /// A cursor at the start of `src`, after checking the length limit.
    pub(crate) fn new(src: &'a str, target: Target, opts: &'a FilterOptions) -> PResult<Self> {
        let cursor = Cursor {
            src,
            pos: 0,
            target,
            opts,
            terms: 0,
        };
        if src.len() > opts.max_len {
            return Err(cursor.error(
                ErrorKind::TooLong,
                opts.max_len,
                "a shorter input",
                format!(
                    "input is {} bytes, longer than the limit of {} bytes (FilterOptions::max_len)",
                    src.len(),
                    opts.max_len
                ),
            ));
        }
        Ok(cursor)
    }

    pub(crate) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Runs a nom parser at the current position; on success moves past what it consumed.
    pub(crate) fn run<O, P>(&mut self, mut parser: P) -> Option<O>
    where
        P: nom::Parser<&'a str, Output = O, Error = nom::error::Error<&'a str>>,
    {
        match parser.parse(self.rest()) {
            Ok((rest, out)) => {
                self.pos = self.src.len() - rest.len();
                Some(out)
            }
            Err(_) => None,
        }
    }

    pub(crate) fn error(
        &self,
        kind: ErrorKind,
        at: usize,
        expected: &'static str,
        message: String,
    ) -> ParseError {
        ParseError::new(self.src, self.target, kind, at, expected, message)
    }

    /// A syntax error at `at`: "expected X, found Y".
    pub(crate) fn expected<T>(&self, at: usize, expected: &'static str) -> PResult<T> {
        Err(self.error(
            ErrorKind::Syntax,
            at,
            expected,
            format!("expected {expected}, found {}", self.describe(at)),
        ))
    }

    /// A syntax error at `at` with a custom message.
    pub(crate) fn fail<T>(&self, at: usize, expected: &'static str, message: String) -> PResult<T> {
        Err(self.error(ErrorKind::Syntax, at, expected, message))
    }

    /// What the input holds at `at`, for messages: `end of input`, a quoted word, or a
    /// quoted character.
    pub(crate) fn describe(&self, at: usize) -> String {
        let rest = &self.src[at.min(self.src.len())..];
        let Some(first) = rest.chars().next() else {
            return "end of input".to_owned();
        };
        if first.is_ascii_alphanumeric() {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '$'))
                .take(32)
                .collect();
            format!("{word:?}")
        } else {
            format!("{first:?}")
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ErrorKind, FilterOptions};

    #[test]
    fn length_limit_is_checked_first() {
        let opts = FilterOptions {
            max_len: 10,
            ..FilterOptions::strict()
        };
        let err = opts.parse_filter("userName eq \"x\"").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLong);
        assert!(err.message().contains("max_len"), "{err}");
        assert!(opts.parse_filter("id pr").is_ok());
    }
}
