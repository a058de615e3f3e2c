//! The syntax tree of filters (RFC 7644 §3.4.2.2), PATCH paths (RFC 7644 §3.5.2) and attribute
//! paths (RFC 7644 §3.10).
//!
//! Every type here is plain owned data (`Clone + Debug + PartialEq + Send + Sync`), built by the
//! parsers in [`crate::parser`] and printed back by the `Display` impls in `print.rs`.
//!
//! # Spans and equality
//!
//! Nodes carry [`Span`]s (byte offsets into the parsed text) for error reporting, but
//! **`PartialEq` on AST nodes ignores spans**: two trees are equal when they have the same
//! structure, names and values, wherever they came from. That is what makes
//! `parse(print(ast)) == ast` meaningful, and lets tests compare a parsed tree with one built
//! by hand (spans default to `0..0`). [`Span`] itself compares normally; compare
//! `a.span() == b.span()` when positions matter.

use std::fmt;

use scimkit_schema::AttrRef;

/// A half-open byte range `start..end` into the text a node was parsed from.
///
/// Hand-built nodes use [`Span::default`] (`0..0`). Spans do not take part in node equality
/// (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// An attribute path `[URI ":"] ATTRNAME ["." subAttr]` (RFC 7644 §3.4.2.2 `attrPath`,
/// §3.10), with every part kept as written (case preserved).
///
/// Names are case-insensitive in SCIM; resolution against a schema
/// ([`SchemaRegistry::resolve`](scimkit_schema::SchemaRegistry::resolve), via
/// [`AttrPath::attr_ref`]) finds the canonical spelling. Equality here is exact (as written) and
/// ignores the span; use [`AttrPath::eq_ignore_case`] for SCIM name equality.
///
/// ```
/// use scimkit_filter::parse_attr_path;
///
/// let path = parse_attr_path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")?;
/// assert_eq!(path.urn.as_deref(), Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
/// assert_eq!(path.name, "manager");
/// assert_eq!(path.sub_attr.as_deref(), Some("value"));
/// assert_eq!(path.attr_ref().name, "manager");
/// # Ok::<(), scimkit_filter::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, Eq)]
pub struct AttrPath {
    /// The schema URN prefix without its trailing `:`, e.g.
    /// `urn:ietf:params:scim:schemas:core:2.0:User`.
    pub urn: Option<String>,
    /// The attribute name (`ATTRNAME`, RFC 7643 §2.1), e.g. `userName` or `$ref`.
    pub name: String,
    /// The sub-attribute after `.`, e.g. `givenName` in `name.givenName`.
    pub sub_attr: Option<String>,
    /// Where the path was written.
    pub span: Span,
}

impl AttrPath {
    /// A path without URN or sub-attribute.
    pub fn new(name: impl Into<String>) -> AttrPath {
        AttrPath {
            urn: None,
            name: name.into(),
            sub_attr: None,
            span: Span::default(),
        }
    }

    /// Adds a sub-attribute (builder style).
    pub fn with_sub_attr(mut self, sub_attr: impl Into<String>) -> AttrPath {
        self.sub_attr = Some(sub_attr.into());
        self
    }

    /// Adds a schema URN prefix (builder style).
    pub fn with_urn(mut self, urn: impl Into<String>) -> AttrPath {
        self.urn = Some(urn.into());
        self
    }

    /// The borrowed form that [`scimkit_schema::SchemaRegistry::resolve`] takes. Costs nothing.
    pub fn attr_ref(&self) -> AttrRef<'_> {
        AttrRef {
            urn: self.urn.as_deref(),
            name: &self.name,
            sub_attr: self.sub_attr.as_deref(),
        }
    }

    /// SCIM name equality: every part compared ASCII case-insensitively (RFC 7644 §3.10).
    pub fn eq_ignore_case(&self, other: &AttrPath) -> bool {
        fn opt_eq(a: &Option<String>, b: &Option<String>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            }
        }
        opt_eq(&self.urn, &other.urn)
            && self.name.eq_ignore_ascii_case(&other.name)
            && opt_eq(&self.sub_attr, &other.sub_attr)
    }
}

impl PartialEq for AttrPath {
    fn eq(&self, other: &AttrPath) -> bool {
        self.urn == other.urn && self.name == other.name && self.sub_attr == other.sub_attr
    }
}

impl<'a> From<&'a AttrPath> for AttrRef<'a> {
    fn from(path: &'a AttrPath) -> AttrRef<'a> {
        path.attr_ref()
    }
}

/// A comparison operator (RFC 7644 §3.4.2.2 Table 3 `compareOp`). Parsed case-insensitively,
/// printed in lower case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `co`: contains (substring).
    Co,
    /// `sw`: starts with.
    Sw,
    /// `ew`: ends with.
    Ew,
    /// `gt`: greater than.
    Gt,
    /// `lt`: less than.
    Lt,
    /// `ge`: greater than or equal.
    Ge,
    /// `le`: less than or equal.
    Le,
}

impl CompareOp {
    /// All nine operators, in RFC 7644 Table 3 order.
    pub const ALL: [CompareOp; 9] = [
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Lt,
        CompareOp::Ge,
        CompareOp::Le,
    ];

    /// The operator's keyword in lower case, e.g. `"eq"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Co => "co",
            CompareOp::Sw => "sw",
            CompareOp::Ew => "ew",
            CompareOp::Gt => "gt",
            CompareOp::Lt => "lt",
            CompareOp::Ge => "ge",
            CompareOp::Le => "le",
        }
    }

    /// The operator for a keyword, ASCII case-insensitively (`"EQ"`, `"Eq"` and `"eq"` alike).
    pub fn from_keyword(keyword: &str) -> Option<CompareOp> {
        let b = keyword.as_bytes();
        if b.len() != 2 {
            return None;
        }
        let op = match [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()] {
            [b'e', b'q'] => CompareOp::Eq,
            [b'n', b'e'] => CompareOp::Ne,
            [b'c', b'o'] => CompareOp::Co,
            [b's', b'w'] => CompareOp::Sw,
            [b'e', b'w'] => CompareOp::Ew,
            [b'g', b't'] => CompareOp::Gt,
            [b'l', b't'] => CompareOp::Lt,
            [b'g', b'e'] => CompareOp::Ge,
            [b'l', b'e'] => CompareOp::Le,
            _ => return None,
        };
        Some(op)
    }

    /// Whether this is one of the ordering operators `gt`, `ge`, `lt`, `le`.
    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        )
    }

    /// Whether this is one of the substring operators `co`, `sw`, `ew`.
    pub fn is_substring(self) -> bool {
        matches!(self, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
    }
}

/// A comparison value (RFC 7644 §3.4.2.2 `compValue`): a JSON `false`, `null`, `true`, number
/// or string (RFC 7159 / RFC 8259 rules). Strings hold the decoded text (escapes resolved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number; integers keep their exact value, others are `f64`.
    Number(serde_json::Number),
    /// A JSON string, decoded.
    String(String),
}

impl CompValue {
    /// The value as a `serde_json::Value`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            CompValue::Null => serde_json::Value::Null,
            CompValue::Bool(b) => serde_json::Value::Bool(*b),
            CompValue::Number(n) => serde_json::Value::Number(n.clone()),
            CompValue::String(s) => serde_json::Value::String(s.clone()),
        }
    }

    /// The JSON type's name, for messages: `"null"`, `"boolean"`, `"number"`, `"string"`.
    pub fn type_name(&self) -> &'static str {
        match self {
            CompValue::Null => "null",
            CompValue::Bool(_) => "boolean",
            CompValue::Number(_) => "number",
            CompValue::String(_) => "string",
        }
    }
}

impl From<&str> for CompValue {
    fn from(s: &str) -> CompValue {
        CompValue::String(s.to_owned())
    }
}

impl From<bool> for CompValue {
    fn from(b: bool) -> CompValue {
        CompValue::Bool(b)
    }
}

impl From<i64> for CompValue {
    fn from(n: i64) -> CompValue {
        CompValue::Number(n.into())
    }
}

/// An attribute expression (RFC 7644 §3.4.2.2 `attrExp`): `attrPath "pr"` or
/// `attrPath compareOp compValue`.
#[derive(Clone, Debug, Eq)]
pub enum AttrExp {
    /// `attrPath pr`: the attribute has a value.
    Present {
        /// The attribute.
        path: AttrPath,
        /// Where the whole expression was written.
        span: Span,
    },
    /// `attrPath compareOp compValue`.
    Compare {
        /// The attribute.
        path: AttrPath,
        /// The operator.
        op: CompareOp,
        /// The value compared with.
        value: CompValue,
        /// Where the whole expression was written.
        span: Span,
    },
}

impl AttrExp {
    /// `path pr`, with a default span.
    pub fn present(path: AttrPath) -> AttrExp {
        AttrExp::Present {
            path,
            span: Span::default(),
        }
    }

    /// `path op value`, with a default span.
    pub fn compare(path: AttrPath, op: CompareOp, value: impl Into<CompValue>) -> AttrExp {
        AttrExp::Compare {
            path,
            op,
            value: value.into(),
            span: Span::default(),
        }
    }

    /// The attribute tested.
    pub fn path(&self) -> &AttrPath {
        match self {
            AttrExp::Present { path, .. } | AttrExp::Compare { path, .. } => path,
        }
    }

    /// Where the expression was written.
    pub fn span(&self) -> Span {
        match self {
            AttrExp::Present { span, .. } | AttrExp::Compare { span, .. } => *span,
        }
    }
}

impl PartialEq for AttrExp {
    fn eq(&self, other: &AttrExp) -> bool {
        match (self, other) {
            (AttrExp::Present { path: a, .. }, AttrExp::Present { path: b, .. }) => a == b,
            (
                AttrExp::Compare {
                    path: a,
                    op: oa,
                    value: va,
                    ..
                },
                AttrExp::Compare {
                    path: b,
                    op: ob,
                    value: vb,
                    ..
                },
            ) => a == b && oa == ob && va == vb,
            _ => false,
        }
    }
}

/// A value path in a filter (RFC 7644 §3.4.2.2 `valuePath`): `attrPath "[" valFilter "]"`.
///
/// `filter` is evaluated against each value of the multi-valued (or single) complex attribute
/// `attr`, and all of it must hold for the *same* value. Its attribute paths name
/// sub-attributes of `attr` (`type` in `emails[type eq "work"]`). The parser guarantees that
/// `filter` holds no further `ValuePath` (RFC 7644 errata 4690/7322).
#[derive(Clone, Debug, Eq)]
pub struct ValuePath {
    /// The complex attribute whose values are filtered.
    pub attr: AttrPath,
    /// The filter applied to each value.
    pub filter: Box<Filter>,
    /// Where the whole `attr[...]` was written.
    pub span: Span,
}

impl PartialEq for ValuePath {
    fn eq(&self, other: &ValuePath) -> bool {
        self.attr == other.attr && self.filter == other.filter
    }
}

/// A SCIM filter (RFC 7644 §3.4.2.2 `FILTER`).
///
/// Logical chains are n-ary: `a or b or c` is one [`Filter::Or`] with three operands, so a
/// 10,000-term bulk lookup is a flat vector, not a 10,000-deep tree. Explicit grouping is kept:
/// `a and (b and c)` is `And[a, And[b, c]]`, and the printer writes those parentheses back.
/// Grouping parentheses that precedence makes redundant leave no node (`(a)` is `a`).
///
/// The parser only produces `And`/`Or` with at least two operands; a hand-built chain with
/// fewer prints as its lone operand (or as nothing) and so does not round-trip.
///
/// Precedence (RFC 7644 §3.4.2.2): grouping, then `not` over `and` over `or`.
#[derive(Clone, Debug, Eq)]
pub enum Filter {
    /// An attribute expression (`attrExp`).
    Attr(AttrExp),
    /// A value path (`valuePath`).
    ValuePath(ValuePath),
    /// `not (filter)`: true when the inner filter is false.
    Not {
        /// The negated filter.
        filter: Box<Filter>,
        /// From `not` to the closing `)`.
        span: Span,
    },
    /// `a and b and ...`: all operands true.
    And(Vec<Filter>),
    /// `a or b or ...`: at least one operand true.
    Or(Vec<Filter>),
}

impl Filter {
    /// `not (filter)`, with a default span.
    pub fn negate(filter: Filter) -> Filter {
        Filter::Not {
            filter: Box::new(filter),
            span: Span::default(),
        }
    }

    /// `attr[filter]`, with a default span.
    pub fn value_path(attr: AttrPath, filter: Filter) -> Filter {
        Filter::ValuePath(ValuePath {
            attr,
            filter: Box::new(filter),
            span: Span::default(),
        })
    }

    /// Where the filter was written. For `And`/`Or`, from the first operand's start to the last
    /// operand's end (enclosing parentheses are not part of any span).
    pub fn span(&self) -> Span {
        match self {
            Filter::Attr(exp) => exp.span(),
            Filter::ValuePath(vp) => vp.span,
            Filter::Not { span, .. } => *span,
            Filter::And(ops) | Filter::Or(ops) => match (ops.first(), ops.last()) {
                (Some(first), Some(last)) => first.span().to(last.span()),
                _ => Span::default(),
            },
        }
    }

    /// The number of attribute expressions in the filter (the quantity that
    /// [`FilterOptions::max_terms`](crate::FilterOptions::max_terms) bounds).
    pub fn term_count(&self) -> usize {
        match self {
            Filter::Attr(_) => 1,
            Filter::ValuePath(vp) => vp.filter.term_count(),
            Filter::Not { filter, .. } => filter.term_count(),
            Filter::And(ops) | Filter::Or(ops) => ops.iter().map(Filter::term_count).sum(),
        }
    }
}

impl From<AttrExp> for Filter {
    fn from(exp: AttrExp) -> Filter {
        Filter::Attr(exp)
    }
}

impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        match (self, other) {
            (Filter::Attr(a), Filter::Attr(b)) => a == b,
            (Filter::ValuePath(a), Filter::ValuePath(b)) => a == b,
            (Filter::Not { filter: a, .. }, Filter::Not { filter: b, .. }) => a == b,
            (Filter::And(a), Filter::And(b)) | (Filter::Or(a), Filter::Or(b)) => a == b,
            _ => false,
        }
    }
}

/// A PATCH operation's `path` (RFC 7644 §3.5.2, Figure 7): `attrPath / valuePath [subAttr]`.
///
/// | text | `attr` | `filter` | `sub_attr` |
/// |---|---|---|---|
/// | `members` | `members` | – | – |
/// | `name.familyName` | `name.familyName` | – | – |
/// | `emails[type eq "work"]` | `emails` | `type eq "work"` | – |
/// | `emails[type eq "work"].value` | `emails` | `type eq "work"` | `value` |
///
/// A bare extension URN (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`, RFC 7643
/// §3.3) parses as `urn` = everything before the last `:` and `name` = `User`, the form
/// [`SchemaRegistry::resolve`](scimkit_schema::SchemaRegistry::resolve) recognises as the
/// whole extension.
#[derive(Clone, Debug, Eq)]
pub struct PatchPath {
    /// The attribute targeted (with its own sub-attribute when no filter is given).
    pub attr: AttrPath,
    /// The `valFilter` inside `[...]`, selecting values of a multi-valued attribute.
    pub filter: Option<Filter>,
    /// The sub-attribute after `]`, e.g. `value` in `emails[type eq "work"].value`.
    pub sub_attr: Option<String>,
    /// The whole path.
    pub span: Span,
}

impl PatchPath {
    /// A path naming an attribute (no filter).
    pub fn attr(attr: AttrPath) -> PatchPath {
        PatchPath {
            attr,
            filter: None,
            sub_attr: None,
            span: Span::default(),
        }
    }
}

impl PartialEq for PatchPath {
    fn eq(&self, other: &PatchPath) -> bool {
        self.attr == other.attr && self.filter == other.filter && self.sub_attr == other.sub_attr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + fmt::Debug + PartialEq>() {}

    #[test]
    fn ast_types_are_send_sync_clone_debug_eq() {
        assert_send_sync::<Filter>();
        assert_send_sync::<PatchPath>();
        assert_send_sync::<AttrPath>();
        assert_send_sync::<CompValue>();
    }

    #[test]
    fn equality_ignores_spans_but_span_itself_does_not() {
        let mut a = AttrPath::new("userName");
        let b = AttrPath::new("userName");
        a.span = Span::new(3, 11);
        assert_eq!(a, b);
        assert_ne!(a.span, b.span);
        assert_ne!(AttrPath::new("username"), b, "names compare as written");
        assert!(AttrPath::new("USERNAME").eq_ignore_case(&b));
    }

    #[test]
    fn operators_are_case_insensitive() {
        for op in CompareOp::ALL {
            assert_eq!(CompareOp::from_keyword(op.as_str()), Some(op));
            assert_eq!(
                CompareOp::from_keyword(&op.as_str().to_uppercase()),
                Some(op)
            );
        }
        assert_eq!(CompareOp::from_keyword("zz"), None);
        assert_eq!(CompareOp::from_keyword("pr"), None);
        assert_eq!(CompareOp::from_keyword("eqq"), None);
    }
}
