//! `FILTER`, `logExp`, `valuePath`, `valFilter` and `attrExp` (RFC 7644 §3.4.2.2, errata 4690,
//! 7322, 7319), parsed with an explicit stack of open groups instead of recursion, so no input
//! can overflow the call stack: nesting costs one heap-allocated frame and is bounded by
//! [`FilterOptions::max_depth`](crate::FilterOptions::max_depth) as it is read.
//!
//! Each frame collects the operands of one parenthesised level: `ands` holds the current
//! `and`-chain, `ors` the finished `and`-chains of an `or`-chain. That gives `not` (a frame of
//! its own) precedence over `and` over `or`, and n-ary chains without rebalancing.
//!
//! A filter that is a single attribute expression (most identity-provider lookups) takes a
//! fast path that reads the same tokens without building frames.

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

/// Operands of one logical chain, in order. A lone operand is held inline (no allocation for
/// the common one-operand case); from the second on, all live in `many`.
#[derive(Default)]
struct Chain {
    one: Option<Filter>,
    many: Vec<Filter>,
}

impl Chain {
    fn push(&mut self, filter: Filter) {
        if !self.many.is_empty() {
            self.many.push(filter);
        } else if let Some(first) = self.one.take() {
            self.many.reserve_exact(4);
            self.many.push(first);
            self.many.push(filter);
        } else {
            self.one = Some(filter);
        }
    }

    /// The lone operand, or `make` of all of them in order; `None` when empty.
    fn into_filter(self, make: fn(Vec<Filter>) -> Filter) -> Option<Filter> {
        if self.many.is_empty() {
            self.one
        } else {
            Some(make(self.many))
        }
    }
}

struct Frame {
    opener: Opener,
    /// Offset of the opening token, for "not closed" messages.
    open: usize,
    /// The finished `and`-chains of this level's `or`-chain.
    ors: Chain,
    /// The current `and`-chain.
    ands: Chain,
}

impl Frame {
    fn new(opener: Opener, open: usize) -> Frame {
        Frame {
            opener,
            open,
            ors: Chain::default(),
            ands: Chain::default(),
        }
    }

    /// Ends the current `and`-chain (at an `or`, or at the end of the frame).
    fn close_and_chain(&mut self) {
        if let Some(and) = mem::take(&mut self.ands).into_filter(Filter::And) {
            self.ors.push(and);
        }
    }

    /// The filter this frame's operands make. Frames are only closed after an operand, so
    /// they are never empty.
    fn fold(mut self) -> Filter {
        self.close_and_chain();
        self.ors
            .into_filter(Filter::Or)
            .expect("a frame is closed only after an operand")
    }

    fn closer(&self) -> &'static str {
        match self.opener {
            Opener::Top => "the end of the filter",
            Opener::Group | Opener::Not(_) => "')'",
            Opener::Bracket(_) | Opener::PathBracket => "']'",
        }
    }

    fn expected_after_operand(&self) -> &'static str {
        match self.opener {
            Opener::Top => "'and', 'or' or the end of the filter",
            Opener::Group | Opener::Not(_) => "'and', 'or' or ')'",
            Opener::Bracket(_) | Opener::PathBracket => "'and', 'or' or ']'",
        }
    }
}

/// What the fast path found at the start of a filter.
enum Lone {
    /// The whole filter is one attribute expression.
    Whole(Filter),
    /// An attribute expression with more after it.
    First(Filter),
    /// A value path `path[` (starting at `start`) whose `[` is consumed, with the first
    /// operand inside it when that is an attribute expression.
    Bracket {
        path: AttrPath,
        start: usize,
        first: Option<Filter>,
    },
    /// A group or `not`: nothing consumed.
    Nothing,
}

/// Where an expression is parsed.
pub(crate) enum Base {
    /// A whole filter, ending at the end of input.
    Filter,
    /// The inside of a PATCH path's `[...]` whose `[` was at the given offset; the expression
    /// ends at the matching `]`, which is consumed.
    PathBracket(usize),
}

/// The open frames: the innermost one held directly (so a filter without nesting allocates no
/// stack), the enclosing ones in a vector.
struct Frames {
    current: Frame,
    outer: Vec<Frame>,
    /// Nesting depth: open `(`, `not (` and `[` (the PATCH path's `[` included).
    depth: usize,
    /// How many of the open frames are value-path brackets.
    brackets: usize,
}

impl Frames {
    fn open(&mut self, frame: Frame) {
        self.depth += 1;
        if self.outer.capacity() == 0 {
            self.outer.reserve_exact(4);
        }
        if matches!(frame.opener, Opener::Bracket(_)) {
            self.brackets += 1;
        }
        self.outer.push(mem::replace(&mut self.current, frame));
    }

    /// Closes the current frame and returns it; `None` for the base frame.
    fn close(&mut self) -> Option<Frame> {
        let parent = self.outer.pop()?;
        self.depth -= 1;
        let closed = mem::replace(&mut self.current, parent);
        if matches!(closed.opener, Opener::Bracket(_)) {
            self.brackets -= 1;
        }
        Some(closed)
    }
}

impl Cursor<'_> {
    /// Parses an expression from the current position (see [`Base`]).
    pub(crate) fn expression(&mut self, base: Base) -> PResult<Filter> {
        let mut frames = match base {
            Base::Filter => Frames {
                current: Frame::new(Opener::Top, self.pos),
                outer: Vec::new(),
                depth: 0,
                brackets: 0,
            },
            Base::PathBracket(open) => {
                self.check_depth(1, open)?;
                Frames {
                    current: Frame::new(Opener::PathBracket, open),
                    outer: Vec::new(),
                    depth: 1,
                    brackets: 1,
                }
            }
        };
        let mut pending = match base {
            Base::Filter => match self.lone_attr_exp()? {
                Lone::Whole(filter) => return Ok(filter),
                Lone::First(filter) => Some(filter),
                Lone::Bracket { path, start, first } => {
                    frames.open(Frame::new(Opener::Bracket(path), start));
                    first
                }
                Lone::Nothing => None,
            },
            Base::PathBracket(_) => None,
        };
        'operand: loop {
            let mut operand = match pending.take() {
                Some(operand) => operand,
                None => {
                    self.spaces();
                    let start = self.pos;
                    if self.not_open() {
                        self.check_depth(frames.depth + 1, start)?;
                        frames.open(Frame::new(Opener::Not(start), start));
                        continue;
                    }
                    if self.peek() == Some(b'(') {
                        self.check_depth(frames.depth + 1, start)?;
                        self.pos += 1;
                        frames.open(Frame::new(Opener::Group, start));
                        continue;
                    }
                    let path = self.attr_path_operand()?;
                    if self.peek() == Some(b'[') {
                        if frames.brackets > 0 {
                            return self.nested_value_path();
                        }
                        self.check_depth(frames.depth + 1, start)?;
                        self.pos += 1;
                        frames.open(Frame::new(Opener::Bracket(path), start));
                        continue;
                    }
                    Filter::Attr(self.attr_exp(path, start)?)
                }
            };
            loop {
                frames.current.ands.push(operand);
                let spaces = self.spaces();
                let at = self.pos;
                let frame = &frames.current;
                match (self.peek(), &frame.opener) {
                    (None, Opener::Top) => return Ok(frames.current.fold()),
                    (None, _) => {
                        return self.fail(
                            at,
                            frame.closer(),
                            format!(
                                "{} opened at byte {} is not closed",
                                self.describe(frame.open),
                                frame.open
                            ),
                        );
                    }
                    (Some(b')'), Opener::Group | Opener::Not(_)) => {
                        self.pos += 1;
                        let closed = frames.close().expect("a group is never the base frame");
                        operand = match closed.opener {
                            Opener::Not(not_at) => Filter::Not {
                                span: Span::new(not_at, self.pos),
                                filter: Box::new(closed.fold()),
                            },
                            _ => closed.fold(),
                        };
                    }
                    (Some(b']'), Opener::PathBracket) => {
                        self.pos += 1;
                        return Ok(frames.current.fold());
                    }
                    (Some(b']'), Opener::Bracket(_)) => {
                        self.pos += 1;
                        let mut closed = frames.close().expect("a bracket is never the base frame");
                        let Opener::Bracket(attr) = mem::replace(&mut closed.opener, Opener::Group)
                        else {
                            unreachable!("matched above")
                        };
                        let value_path = ValuePath {
                            span: Span::new(closed.open, self.pos),
                            attr,
                            filter: Box::new(closed.fold()),
                        };
                        operand = if self.peek() == Some(b'.') {
                            self.entra_sub_attr_compare(value_path)?
                        } else {
                            Filter::ValuePath(value_path)
                        };
                    }
                    (Some(_), _) => {
                        if spaces > 0
                            && let Some(logical) = self.logical()?
                        {
                            if logical == Logical::Or {
                                frames.current.close_and_chain();
                            }
                            continue 'operand;
                        }
                        return self.expected(at, frame.expected_after_operand());
                    }
                }
            }
        }
    }

    /// The fast path for the commonest filter, one attribute expression (`userName eq "x"`):
    /// parsed without the frame machinery. Reads exactly what the machine would read first, so
    /// errors are the same; when more follows, the parsed expression is handed over.
    fn lone_attr_exp(&mut self) -> PResult<Lone> {
        self.spaces();
        let start = self.pos;
        if self.peek() == Some(b'(') || self.not_open() {
            self.pos = start;
            return Ok(Lone::Nothing);
        }
        let path = self.attr_path_operand()?;
        let operand = if self.peek() == Some(b'[') {
            match self.lone_value_path(path, start)? {
                Ok(value_path) => value_path,
                Err(bracket) => return Ok(bracket),
            }
        } else {
            Filter::Attr(self.attr_exp(path, start)?)
        };
        let end = self.pos;
        self.spaces();
        if self.at_end() {
            return Ok(Lone::Whole(operand));
        }
        self.pos = end;
        Ok(Lone::First(operand))
    }

    /// The fast path's value path `path[attrExp]` (the `[` is next). `Err` hands the open
    /// bracket, and its first operand if read, over to the frame machinery.
    fn lone_value_path(&mut self, path: AttrPath, start: usize) -> PResult<Result<Filter, Lone>> {
        self.check_depth(1, start)?;
        self.pos += 1;
        self.spaces();
        let inner_start = self.pos;
        if self.peek() == Some(b'(') || self.not_open() {
            self.pos = inner_start;
            let first = None;
            return Ok(Err(Lone::Bracket { path, start, first }));
        }
        let inner_path = self.attr_path_operand()?;
        if self.peek() == Some(b'[') {
            return self.nested_value_path();
        }
        let inner = Filter::Attr(self.attr_exp(inner_path, inner_start)?);
        let end = self.pos;
        self.spaces();
        if self.peek() != Some(b']') {
            self.pos = end;
            let first = Some(inner);
            return Ok(Err(Lone::Bracket { path, start, first }));
        }
        self.pos += 1;
        let value_path = ValuePath {
            span: Span::new(start, self.pos),
            attr: path,
            filter: Box::new(inner),
        };
        Ok(Ok(if self.peek() == Some(b'.') {
            self.entra_sub_attr_compare(value_path)?
        } else {
            Filter::ValuePath(value_path)
        }))
    }

    /// Errata 4690: no value path inside a value path (the `[` is next).
    fn nested_value_path<T>(&self) -> PResult<T> {
        self.fail(
            self.pos,
            "an operator",
            "a value path cannot be nested inside another value path's '[...]' \
             (RFC 7644 §3.4.2.2, errata 4690)"
                .to_owned(),
        )
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
