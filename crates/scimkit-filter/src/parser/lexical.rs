//! Lexical pieces of RFC 7644 §3.4.2.2: `SP`, the logical keywords and the attribute operators
//! (`compareOp` and `pr`), all ASCII case-insensitive.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::recognize;

use super::{Cursor, PResult};
use crate::ast::CompareOp;

/// A logical operator between two operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Logical {
    And,
    Or,
}

/// The operator of an `attrExp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AttrOperator {
    Present,
    Compare(CompareOp),
}

pub(crate) const OPERATORS: &str = "an operator (eq, ne, co, sw, ew, gt, lt, ge, le or pr)";

impl Cursor<'_> {
    /// `*SP`: skips spaces, returns how many.
    pub(crate) fn spaces(&mut self) -> usize {
        let start = self.pos;
        self.run(take_while(|c| c == ' '));
        self.pos - start
    }

    /// `1*SP`, or an error saying a space was expected.
    pub(crate) fn required_spaces(&mut self, after: &'static str) -> PResult<()> {
        if self.spaces() == 0 {
            return self.fail(
                self.pos,
                "a space",
                format!(
                    "expected a space {after}, found {}",
                    self.describe(self.pos)
                ),
            );
        }
        Ok(())
    }

    /// `"not" *SP "("` (errata 7319: with or without the space). Consumes it when present.
    pub(crate) fn not_open(&mut self) -> bool {
        self.run(recognize((
            keyword("not"),
            take_while(|c| c == ' '),
            char('('),
        )))
        .is_some()
    }

    /// `compareOp / "pr"`. An unknown word is reported by name (RFC 7644 §3.4.2.2: "an unknown
    /// operator ... SHALL return 400 invalidFilter").
    pub(crate) fn attr_operator(&mut self) -> PResult<AttrOperator> {
        let start = self.pos;
        let Some(word) = self.run(take_while1(|c: char| c.is_ascii_alphabetic())) else {
            return self.expected(start, OPERATORS);
        };
        if word.eq_ignore_ascii_case("pr") {
            return Ok(AttrOperator::Present);
        }
        match CompareOp::from_keyword(word) {
            Some(op) => Ok(AttrOperator::Compare(op)),
            None => self.fail(
                start,
                OPERATORS,
                format!("unknown operator {word:?}; expected one of eq, ne, co, sw, ew, gt, lt, ge, le, pr"),
            ),
        }
    }
}

/// An ASCII keyword in any case, as a nom parser. (nom's `tag_no_case` lower-cases each
/// character through the Unicode tables, which costs more than the rest of a short parse.)
pub(crate) fn keyword<'a>(word: &'static str) -> impl Fn(&'a str) -> IResult<&'a str, &'a str> {
    move |input: &'a str| match input.as_bytes().get(..word.len()) {
        Some(head) if head.eq_ignore_ascii_case(word.as_bytes()) => {
            Ok((&input[word.len()..], &input[..word.len()]))
        }
        _ => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// Whether `c` may follow a complete operand: end, space, `)` or `]`.
pub(crate) fn ends_operand(c: Option<u8>) -> bool {
    matches!(c, None | Some(b' ' | b')' | b']'))
}

/// `char(c)` as a nom parser, re-exported for the grammar modules.
pub(crate) fn symbol<'a>(
    c: char,
) -> impl Parser<&'a str, Output = char, Error = nom::error::Error<&'a str>> {
    char(c)
}
