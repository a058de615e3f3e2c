//! SCIM 2.0 filters and paths: a nom parser for filters (RFC 7644 §3.4.2.2), PATCH paths
//! (RFC 7644 §3.5.2) and attribute paths (RFC 7644 §3.10), a canonical printer that
//! round-trips, a schema-aware evaluator ([`Matcher`], [`ValueMatcher`]) and a sort comparator
//! ([`Sorter`]).
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
//! # Evaluating
//!
//! Compile once per filter with [`Matcher::compile`] (or [`FilterOptions::compile_filter`]
//! from text) against a [`SchemaRegistry`](scimkit_schema::SchemaRegistry) and a
//! [`ResourceType`](scimkit_schema::ResourceType): names are resolved (case-insensitively,
//! URN-aware) and values converted once; then [`Matcher::matches`] tests any number of
//! resources (`serde_json::Value` objects). The matcher owns its data and is `Send + Sync`.
//!
//! ```
//! use scimkit_filter::FilterOptions;
//! use scimkit_schema::SchemaRegistry;
//! use serde_json::json;
//!
//! let registry = SchemaRegistry::core();
//! let users = registry.resource_type("User").unwrap();
//! let matcher = FilterOptions::strict()
//!     .compile_filter(r#"meta.lastModified gt "2011-05-13T04:00:00Z" and title pr"#, &registry, users)?;
//! assert!(matcher.matches(&json!({"title": "Tour Guide", "meta": {"lastModified": "2011-05-13T06:42:34+02:00"}})));
//! assert!(!matcher.matches(&json!({"title": "", "meta": {"lastModified": "2011-05-13T04:42:34Z"}})));
//! # Ok::<(), scimkit_schema::ScimError>(())
//! ```
//!
//! ## Evaluation rules
//!
//! From the RFCs:
//!
//! | rule | source |
//! |---|---|
//! | attribute names, sub-attribute names and schema URNs are case-insensitive | RFC 7644 §3.4.2.2, §3.10; RFC 7643 §2.1 |
//! | string comparisons (every operator) fold case unless the attribute is `caseExact` (`userName` folds; `id`, `externalId`, references and binary do not) | RFC 7644 §3.4.2.2; RFC 7643 §2.2, §7 |
//! | `gt`/`ge`/`lt`/`le`: lexicographic on strings (by code point, of the folded text when not caseExact), numeric on integer/decimal, chronological on dateTime (offsets honoured) | RFC 7644 §3.4.2.2 Table 3 |
//! | ordering operators on boolean or binary attributes: 400 `invalidFilter` | RFC 7644 §3.4.2.2 |
//! | `pr` is false for absent, `null`, `""`, `[]`, `{}` (and an object with no present sub-attribute) | RFC 7644 Table 3; RFC 7643 §2.5 |
//! | a multi-valued attribute matches if any value matches (also for `ne`) | RFC 7644 §3.4.2.2 |
//! | inside `attr[...]` every condition must hold for the same value | RFC 7644 §3.4.2.2 |
//! | a complex attribute compared without a sub-attribute compares its `value` sub-attribute (`emails co "example.com"`) | RFC 7644 §3.4.2.2 examples; RFC 7643 §2.4 |
//! | unknown attributes have no value (default) or are 400 `invalidFilter` ([`UnknownAttribute`]) | RFC 7644 §3.4.2.1, Table 9 |
//!
//! Where the RFCs are silent, this crate chooses (each has a test in `tests/evaluation.rs`):
//!
//! | case | choice |
//! |---|---|
//! | `ne` on an absent attribute | false: no value exists that differs (like SQL `<>` on NULL); write `not (x eq v)` to include absent ones |
//! | `eq null` / `ne null` | `eq null` holds when the attribute has no value, `ne null` when it has one (as `pr`); other operators with `null`: `invalidFilter` |
//! | a value of the wrong type (`userName eq 5`, `active eq "true"`, a dateTime that does not parse) | `invalidFilter` at compile time, naming the types |
//! | `co`/`sw`/`ew` on non-strings (numbers, booleans, binary, dateTime) | `invalidFilter`; allowed on string and reference attributes |
//! | `eq` on dateTimes with different offsets | compares instants; a dateTime without offset is UTC |
//! | stored values of the wrong JSON type (a number in `userName`) | never match any operator, `ne` included (`pr` still sees them) |
//! | case folding | Unicode lower-case mapping (`char::to_lowercase`), no locale and no PRECIS (RFC 7613/8265) preparation; ASCII takes an allocation-free path |
//! | non-canonical resources | each key is looked up exactly in the schema's spelling first (one hash lookup on canonical resources), then by an ASCII case-insensitive scan of the object's keys |
//! | a resource that is not a JSON object | has no attributes: only filters true on absence match |
//!
//! An `or`-chain of four or more `eq` tests on one string attribute (a bulk lookup such as
//! `id eq "a" or id eq "b" or ...`) compiles to a hash-set lookup.
//!
//! # Sorting
//!
//! [`Sorter`] implements `sortBy`/`sortOrder` (RFC 7644 §3.4.2.3): multi-valued attributes sort
//! by their primary value, else their first; resources without a value go last ascending and
//! first descending; strings respect `caseExact`. See its docs for the full rules.
//!
//! Recursion over a parsed tree is safe: nesting is bounded by
//! [`FilterOptions::max_depth`] (default 64, never above [`MAX_DEPTH_CEILING`]) and long
//! chains are flat vectors, not deep trees.
#![forbid(unsafe_code)]

mod ast;
mod error;
mod eval;
mod options;
mod parser;
mod print;
mod sort;

pub use ast::{AttrExp, AttrPath, CompValue, CompareOp, Filter, PatchPath, Span, ValuePath};
pub use error::{ErrorKind, ParseError, Target};
pub use eval::{Matcher, ValueMatcher};
pub use options::{
    DEFAULT_MAX_DEPTH, DEFAULT_MAX_LEN, DEFAULT_MAX_TERMS, FilterOptions, MAX_DEPTH_CEILING,
    UnknownAttribute,
};
pub use parser::entry::{parse_attr_path, parse_filter, parse_patch_path};
pub use sort::{SortKey, SortOrder, Sorter};
