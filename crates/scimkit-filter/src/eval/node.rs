//! The compiled form of a filter: names resolved to canonical keys, values converted to the
//! attribute's type, and the test each leaf performs; plus its evaluation.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{Number, Value};

use super::compare::{compare_numbers, compare_str, fold, ordering_holds, parse_date_time};
use super::lookup::{Path, any_flat, get, is_present};
use crate::ast::CompareOp;

/// A compiled filter node. Evaluated against a resource, or against one value of a
/// multi-valued attribute inside a value path.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// Known at compile time (e.g. an unknown attribute treated as having no value).
    Const(bool),
    /// Some value the path reaches passes the test (for [`Test::Absent`]: none is present).
    Test(Path, Test),
    /// Some value of the attribute satisfies the inner node, evaluated on that value.
    ValuePath(Path, Box<Node>),
    /// Many `eq` on one string attribute, ORed (a bulk lookup): a set membership test.
    /// Strings are folded when the attribute is not caseExact.
    StrIn(Path, HashSet<Box<str>>, bool),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

/// What a leaf checks on each value.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// `pr`, and `ne null`.
    Present,
    /// `eq null`: no value is present.
    Absent,
    /// A string comparison; `needle` is folded when `folded` (caseExact=false).
    Str {
        op: CompareOp,
        needle: Box<str>,
        folded: bool,
    },
    /// A numeric comparison (integer, decimal).
    Num { op: CompareOp, number: Number },
    /// `eq` / `ne` on a boolean.
    Bool { op: CompareOp, value: bool },
    /// A dateTime comparison, on instants.
    Time {
        op: CompareOp,
        instant: DateTime<Utc>,
    },
}

impl Node {
    /// Evaluates the node with `target` as the object the paths start from.
    pub(crate) fn eval(&self, target: &Value) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Test(path, Test::Present) => has_value(path, target),
            Node::Test(path, Test::Absent) => !has_value(path, target),
            Node::Test(path, test) => path.any_value(target, |v| test.holds(v)),
            Node::ValuePath(path, inner) => path
                .attribute(target)
                .is_some_and(|top| any_flat(top, &mut |element| inner.eval(element))),
            Node::StrIn(path, set, folded) => path.any_value(target, |v| {
                v.as_str().is_some_and(|s| {
                    if *folded {
                        set.contains(fold(s).as_str())
                    } else {
                        set.contains(s)
                    }
                })
            }),
            Node::Not(inner) => !inner.eval(target),
            Node::And(nodes) => nodes.iter().all(|n| n.eval(target)),
            Node::Or(nodes) => nodes.iter().any(|n| n.eval(target)),
        }
    }
}

/// Whether the path reaches a present value (RFC 7644 §3.4.2.2 `pr`).
fn has_value(path: &Path, target: &Value) -> bool {
    path.attribute(target).is_some_and(|top| match &path.sub {
        None => is_present(top),
        Some(sub) => any_flat(top, &mut |e| get(e, sub).is_some_and(is_present)),
    })
}

impl Test {
    /// Whether one (non-array) value passes. Values of the wrong JSON type never do.
    fn holds(&self, value: &Value) -> bool {
        match self {
            Test::Present => is_present(value),
            Test::Absent => !is_present(value),
            Test::Str { op, needle, folded } => value
                .as_str()
                .is_some_and(|s| compare_str(s, *op, needle, *folded)),
            Test::Num { op, number } => match value {
                Value::Number(n) => ordering_holds(*op, compare_numbers(n, number)),
                _ => false,
            },
            Test::Bool { op, value: b } => value
                .as_bool()
                .is_some_and(|v| ordering_holds(*op, v.cmp(b))),
            Test::Time { op, instant } => value
                .as_str()
                .and_then(parse_date_time)
                .is_some_and(|t| ordering_holds(*op, t.cmp(instant))),
        }
    }
}
