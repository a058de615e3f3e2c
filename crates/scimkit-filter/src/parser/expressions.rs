//! `FILTER`, `logExp`, `valuePath`, `valFilter` and `attrExp` (RFC 7644 §3.4.2.2, errata 4690,
//! 7322, 7319), parsed with an explicit stack of open groups instead of recursion, so no input
//! can overflow the call stack: nesting costs one heap-allocated frame and is bounded by
//! [`FilterOptions::max_depth`](crate::FilterOptions::max_depth) as it is read.
//!
//! Each frame collects the operands of one parenthesised level: `ands` holds the current
//! `and`-chain, `ors` the finished `and`-chains of an `or`-chain. That gives `not` (a frame of
//! its own) precedence over `and` over `or`, and n-ary chains without rebalancing.

use std::mem;

use super::lexical::{AttrOperator, Logical};
use super::{Cursor, PResult};
use crate::ast::{AttrExp, AttrPath, Filter, Span, ValuePath};
use crate::error::ErrorKind;

/// What opened a frame.
enum Opener {
    /// The whole filter; closed by the end of input.
    Top,
    /// `(`.
    Group,
    /// `not (`, starting at the given offset.
    Not(usize),
    /// `attr[` inside a filter.
    Bracket(AttrPath),
    /// The `[` of a PATCH path; closing it ends the expression.
    PathBracket,
}

struct Frame {
    opener: Opener,
    /// Offset of the opening token, for "not closed" messages.
    open: usize,
    ors: Vec<Filter>,
    ands: Vec<Filter>,
}

impl Frame {
    fn new(opener: Opener, open: usize) -> Frame {
        Frame {
            opener,
            open,
            ors: Vec::new(),
            ands: Vec::new(),
        }
    }

    /// The filter this frame's operands make.
    fn fold(mut self) -> Filter {
        let and = and_of(mem::take(&mut self.ands));
        if self.ors.is_empty() {
            and
        } else {
            self.ors.push(and);
            Filter::Or(self.ors)
        }
    }

    fn closer(&self) -> &'static str {
        match self.opener {
            Opener::Top => "the end of the filter",
            Opener::Group | Opener::Not(_) => "')'",
            Opener::Bracket(_) | Opener::PathBracket => "']'",
        }
    }
}

fn and_of(mut ands: Vec<Filter>) -> Filter {
    if ands.len() == 1 {
        ands.pop().expect("one operand")
    } else {
        Filter::And(ands)
    }
}

/// Where an expression is parsed.
pub(crate) enum Base {
    /// A whole filter, ending at the end of input.
    Filter,
    /// The inside of a PATCH path's `[...]` whose `[` was at the given offset; the expression
    /// ends at the matching `]`, which is consumed.
    PathBracket(usize),
}

impl Cursor<'_> {
    /// Parses an expression from the current position (see [`Base`]).
    pub(crate) fn expression(&mut self, base: Base) -> PResult<Filter> {
        let mut stack = match base {
            Base::Filter => vec![Frame::new(Opener::Top, self.pos)],
            Base::PathBracket(open) => {
                self.check_depth(1, open)?;
                vec![Frame::new(Opener::PathBracket, open)]
            }
        };
        let mut brackets = usize::from(matches!(base, Base::PathBracket(_)));
        'operand: loop {
            self.spaces();
            let start = self.pos;
            if self.not_open() {
                self.push(&mut stack, Frame::new(Opener::Not(start), start))?;
                continue;
            }
            if self.peek() == Some(b'(') {
                self.pos += 1;
                self.push(&mut stack, Frame::new(Opener::Group, start))?;
                continue;
            }
            let path = self.attr_path_operand()?;
            if self.peek() == Some(b'[') {
                if brackets > 0 {
                    return self.fail(
                        self.pos,
                        "an operator",
                        "a value path cannot be nested inside another value path's '[...]' \
                         (RFC 7644 §3.4.2.2, errata 4690)"
                            .to_owned(),
                    );
                }
                self.pos += 1;
                self.push(&mut stack, Frame::new(Opener::Bracket(path), start))?;
                brackets += 1;
                continue;
            }
            let mut operand = Filter::Attr(self.attr_exp(path, start)?);
            loop {
                let frame = stack.last_mut().expect("the base frame stays");
                frame.ands.push(operand);
                let spaces = self.spaces();
                let at = self.pos;
                match self.peek() {
                    None => {
                        return if matches!(frame.opener, Opener::Top) {
                            Ok(stack.pop().expect("top frame").fold())
                        } else {
                            self.fail(
                                at,
                                frame.closer(),
                                format!(
                                    "{} opened at byte {} is not closed",
                                    self.describe(frame.open),
                                    frame.open
                                ),
                            )
                        };
                    }
                    Some(b')') if matches!(frame.opener, Opener::Group | Opener::Not(_)) => {
                        self.pos += 1;
                        let frame = stack.pop().expect("checked");
                        operand = match frame.opener {
                            Opener::Not(not_at) => Filter::Not {
                                span: Span::new(not_at, self.pos),
                                filter: Box::new(frame.fold()),
                            },
                            _ => frame.fold(),
                        };
                    }
                    Some(b']') if matches!(frame.opener, Opener::PathBracket) => {
                        self.pos += 1;
                        return Ok(stack.pop().expect("base frame").fold());
                    }
                    Some(b']') if matches!(frame.opener, Opener::Bracket(_)) => {
                        self.pos += 1;
                        brackets -= 1;
                        let frame = stack.pop().expect("checked");
                        let Opener::Bracket(attr) = frame.opener else {
                            unreachable!("matched above")
                        };
                        let value_path = ValuePath {
                            span: Span::new(frame.open, self.pos),
                            attr,
                            filter: Box::new(
                                Frame {
                                    opener: Opener::Group,
                                    ..frame
                                }
                                .fold(),
                            ),
                        };
                        operand = if self.peek() == Some(b'.') {
                            self.entra_sub_attr_compare(value_path)?
                        } else {
                            Filter::ValuePath(value_path)
                        };
                    }
                    Some(_) => {
                        if spaces > 0
                            && let Some(logical) = self.logical()?
                        {
                            if logical == Logical::Or {
                                let frame = stack.last_mut().expect("base frame");
                                let and = and_of(mem::take(&mut frame.ands));
                                frame.ors.push(and);
                            }
                            continue 'operand;
                        }
                        let expected = match frame.opener {
                            Opener::Top => "'and', 'or' or the end of the filter",
                            Opener::Group | Opener::Not(_) => "'and', 'or' or ')'",
                            Opener::Bracket(_) | Opener::PathBracket => "'and', 'or' or ']'",
                        };
                        return self.expected(at, expected);
                    }
                }
            }
        }
    }

    /// Opens a frame, enforcing the depth limit.
    fn push(&self, stack: &mut Vec<Frame>, frame: Frame) -> PResult<()> {
        let depth = stack
            .iter()
            .filter(|f| !matches!(f.opener, Opener::Top))
            .count()
            + 1;
        self.check_depth(depth, frame.open)?;
        stack.push(frame);
        Ok(())
    }

    fn check_depth(&self, depth: usize, at: usize) -> PResult<()> {
        let limit = self.opts.depth_limit();
        if depth > limit {
            return Err(self.error(
                ErrorKind::TooDeep,
                at,
                "less nesting",
                format!("nesting is deeper than the limit of {limit} (FilterOptions::max_depth)"),
            ));
        }
        Ok(())
    }

    /// The attribute path that starts an operand, with a pointed message for `not` without
    /// parentheses.
    fn attr_path_operand(&mut self) -> PResult<AttrPath> {
        let start = self.pos;
        self.attr_path()
            .or_else(|_| self.expected(start, "an attribute path, '(' or 'not ('"))
    }

    /// The rest of `attrExp` after its path: `1*SP "pr"` or `1*SP compareOp 1*SP compValue`.
    fn attr_exp(&mut self, path: AttrPath, start: usize) -> PResult<AttrExp> {
        let is_not =
            path.urn.is_none() && path.sub_attr.is_none() && path.name.eq_ignore_ascii_case("not");
        let operator = self
            .required_spaces("after the attribute path")
            .and_then(|()| self.attr_operator());
        let operator = match operator {
            Ok(operator) => operator,
            Err(_) if is_not => {
                return self.fail(
                    start,
                    "'not ('",
                    "'not' must be followed by a parenthesised filter, as in \
                     not (userName eq \"x\") (RFC 7644 §3.4.2.2)"
                        .to_owned(),
                );
            }
            Err(err) => return Err(err),
        };
        self.count_term(start)?;
        Ok(match operator {
            AttrOperator::Present => AttrExp::Present {
                path,
                span: Span::new(start, self.pos),
            },
            AttrOperator::Compare(op) => {
                self.required_spaces("after the operator")?;
                let value = self.comp_value()?;
                AttrExp::Compare {
                    path,
                    op,
                    value,
                    span: Span::new(start, self.pos),
                }
            }
        })
    }

    pub(crate) fn count_term(&mut self, at: usize) -> PResult<()> {
        self.terms += 1;
        if self.terms > self.opts.max_terms {
            return Err(self.error(
                ErrorKind::TooManyTerms,
                at,
                "fewer attribute expressions",
                format!(
                    "more than {} attribute expressions (FilterOptions::max_terms)",
                    self.opts.max_terms
                ),
            ));
        }
        Ok(())
    }

    /// The Entra ID form `attr[valFilter].subAttr op value` (not RFC 7644; see
    /// [`FilterOptions::entra_value_path_sub_attr`](crate::FilterOptions)), read as
    /// `attr[valFilter and subAttr op value]`.
    fn entra_sub_attr_compare(&mut self, mut value_path: ValuePath) -> PResult<Filter> {
        let dot = self.pos;
        if !self.opts.entra_value_path_sub_attr {
            return self.fail(
                dot,
                "'and', 'or', ')' or the end of the filter",
                "a filter cannot continue after ']' with a sub-attribute: `attr[...].subAttr` \
                 is PATCH path syntax (RFC 7644 §3.4.2.2, §3.5.2); the Entra ID form is \
                 accepted with FilterOptions::entra_value_path_sub_attr"
                    .to_owned(),
            );
        }
        self.pos += 1;
        let start = self.pos;
        let name = self.attr_name("a sub-attribute name after '.'")?;
        let path = AttrPath {
            urn: None,
            name,
            sub_attr: None,
            span: Span::new(start, self.pos),
        };
        let exp = self.attr_exp(path, start)?;
        value_path.span.end = self.pos;
        let inner = mem::replace(&mut *value_path.filter, Filter::And(Vec::new()));
        *value_path.filter = match inner {
            Filter::And(mut ands) => {
                ands.push(Filter::Attr(exp));
                Filter::And(ands)
            }
            other => Filter::And(vec![other, Filter::Attr(exp)]),
        };
        Ok(Filter::ValuePath(value_path))
    }

    /// `("and" / "or")` followed by `1*SP`, after at least one space. `Ok(None)` when the next
    /// word is not a logical keyword; an error for a keyword glued to what follows.
    fn logical(&mut self) -> PResult<Option<Logical>> {
        let rest = self.rest().as_bytes();
        let (logical, len) = if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"and") {
            (Logical::And, 3)
        } else if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"or") {
            (Logical::Or, 2)
        } else {
            return Ok(None);
        };
        match rest.get(len) {
            Some(b' ') | None => {
                self.pos += len;
                self.spaces();
                Ok(Some(logical))
            }
            Some(b'(') => self.fail(
                self.pos + len,
                "a space",
                format!(
                    "expected a space after {:?} (RFC 7644 §3.4.2.2 logExp)",
                    &self.rest()[..len]
                ),
            ),
            Some(_) => Ok(None),
        }
    }
}
