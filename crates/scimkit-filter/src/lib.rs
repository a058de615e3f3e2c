//! SCIM 2.0 filters and paths: a nom parser for filters (RFC 7644 §3.4.2.2), PATCH paths
//! (RFC 7644 §3.5.2) and attribute paths (RFC 7644 §3.10), and a canonical printer that
//! round-trips.
//!
//! # Parsing
//!
//! ```
//! use scimkit_filter::{parse_filter, AttrExp, CompareOp, CompValue, Filter};
//!
//! let filter = parse_filter(r#"userName Eq "bjensen" and not (emails co "example.org")"#)?;
//! let Filter::And(operands) = &filter else { unreachable!() };
//! let Filter::Attr(AttrExp::Compare { path, op, value, .. }) = &operands[0] else { unreachable!() };
//! assert_eq!((path.name.as_str(), *op), ("userName", CompareOp::Eq));
//! assert_eq!(value, &CompValue::from("bjensen"));
//! // The canonical printer round-trips.
//! assert_eq!(filter.to_string(), r#"userName eq "bjensen" and not (emails co "example.org")"#);
//! assert_eq!(parse_filter(&filter.to_string())?, filter);
//! # Ok::<(), scimkit_filter::ParseError>(())
//! ```
//!
//! Three entry points share one grammar and one set of limits ([`FilterOptions`]):
//! [`parse_filter`] (`filter=`), [`parse_patch_path`] (a PATCH operation's `path`) and
//! [`parse_attr_path`] (`sortBy=`, items of `attributes=`; lists through
//! [`FilterOptions::parse_attr_path_list`]). Errors are [`ParseError`]s (offset, what was
//! expected, a caret rendering) that convert into a 400 [`scimkit_schema::ScimError`] with
//! `invalidFilter` or `invalidPath`.
//!
//! # Walking the tree (e.g. to translate a filter into SQL)
//!
//! The tree is plain public enums; a back-end walks it with one recursive `match`. Logical
//! chains are n-ary vectors ([`Filter::And`], [`Filter::Or`]), [`Filter::Not`] wraps one
//! filter, [`Filter::ValuePath`] scopes a filter to the values of one multi-valued attribute
//! (all its conditions must hold for the *same* value), and the leaves are [`AttrExp`]s.
//! Attribute names are as written: resolve them with
//! [`SchemaRegistry::resolve`](scimkit_schema::SchemaRegistry::resolve) through
//! [`AttrPath::attr_ref`] to get the canonical name and `caseExact`.
//!
//! ```
//! use scimkit_filter::{parse_filter, AttrExp, CompareOp, CompValue, Filter};
//!
//! /// A toy translator to a WHERE clause over a table with one column per attribute.
//! fn to_sql(filter: &Filter, out: &mut String) {
//!     match filter {
//!         Filter::Attr(AttrExp::Present { path, .. }) => {
//!             out.push_str(&format!("{} IS NOT NULL", path.name));
//!         }
//!         Filter::Attr(AttrExp::Compare { path, op, value, .. }) => {
//!             let sql_op = match op {
//!                 CompareOp::Eq => "=",
//!                 CompareOp::Ne => "<>",
//!                 CompareOp::Gt => ">",
//!                 _ => "LIKE", // co / sw / ew / ...: elided in this sketch
//!             };
//!             let literal = match value {
//!                 CompValue::String(s) => format!("'{}'", s.replace('\'', "''")),
//!                 other => other.to_string(),
//!             };
//!             out.push_str(&format!("{} {sql_op} {literal}", path.name));
//!         }
//!         Filter::Not { filter, .. } => {
//!             out.push_str("NOT (");
//!             to_sql(filter, out);
//!             out.push(')');
//!         }
//!         Filter::And(operands) | Filter::Or(operands) => {
//!             let joiner = if matches!(filter, Filter::And(_)) { " AND " } else { " OR " };
//!             for (i, operand) in operands.iter().enumerate() {
//!                 if i > 0 {
//!                     out.push_str(joiner);
//!                 }
//!                 out.push('(');
//!                 to_sql(operand, out);
//!                 out.push(')');
//!             }
//!         }
//!         Filter::ValuePath(vp) => {
//!             // One EXISTS over the child table, so all conditions hit the same row.
//!             out.push_str(&format!("EXISTS (SELECT 1 FROM {} WHERE ", vp.attr.name));
//!             to_sql(&vp.filter, out);
//!             out.push(')');
//!         }
//!     }
//! }
//!
//! let filter = parse_filter(r#"title pr and (userType eq "Employee" or emails[type eq "work"])"#)?;
//! let mut sql = String::new();
//! to_sql(&filter, &mut sql);
//! assert_eq!(
//!     sql,
//!     "(title IS NOT NULL) AND ((userType = 'Employee') OR \
//!      (EXISTS (SELECT 1 FROM emails WHERE type = 'work')))"
//! );
//! # Ok::<(), scimkit_filter::ParseError>(())
//! ```
//!
//! Recursion over a parsed tree is safe: nesting is bounded by
//! [`FilterOptions::max_depth`] (default 64, never above [`MAX_DEPTH_CEILING`]) and long
//! chains are flat vectors, not deep trees.
#![forbid(unsafe_code)]

mod ast;
mod error;
mod options;
mod parser;
mod print;

pub use ast::{AttrExp, AttrPath, CompValue, CompareOp, Filter, PatchPath, Span, ValuePath};
pub use error::{ErrorKind, ParseError, Target};
pub use options::{
    DEFAULT_MAX_DEPTH, DEFAULT_MAX_LEN, DEFAULT_MAX_TERMS, FilterOptions, MAX_DEPTH_CEILING,
    UnknownAttribute,
};
pub use parser::entry::{parse_attr_path, parse_filter, parse_patch_path};
