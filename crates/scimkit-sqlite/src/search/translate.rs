//! From a filter AST to a SQL condition over `resources AS r` (RFC 7644 §3.4.2.2), for
//! regular resources (see `regular.rs`).
//!
//! Each node becomes either nothing (evaluated in Rust only), an **exact** condition (true
//! for precisely the resources [`scimkit_filter::Matcher`] accepts), or a **superset**
//! condition (true for at least those; the matcher then checks each candidate). Only `and`
//! produces supersets, by dropping operands it cannot translate; `or` of supersets is a
//! superset, `not` needs an exact operand. Every condition is two-valued (never SQL `NULL`),
//! so `NOT` means exactly the evaluator's `not`.
//!
//! Names are resolved against the schema exactly as the matcher resolves them; the JSON
//! paths are built from the schema's canonical names and bound as arguments, like every
//! comparison value.

use scimkit_filter::{
    AttrExp, AttrPath, CompValue, CompareOp, Filter, FilterOptions, ValueMatcher, ValuePath,
};
use scimkit_provision::normalise_unique;
use scimkit_schema::{AttributeDef, AttributeType, Resolved, ResourceType, SchemaRegistry};
use serde_json::Value;

use super::sql::{Arg, Sql};
use crate::collation::FOLD;
use crate::layout::{Column, Layout};

/// A translated filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pushed {
    pub(crate) sql: Sql,
    /// Exact (`true`) or a superset (`false`).
    pub(crate) exact: bool,
}

impl Pushed {
    fn exact(sql: Sql) -> Pushed {
        Pushed { sql, exact: true }
    }
}

/// Translates filters and sort keys for one resource type.
pub(crate) struct Translator<'a> {
    pub(crate) registry: &'a SchemaRegistry,
    pub(crate) resource_type: &'a ResourceType,
    pub(crate) layout: &'a Layout,
    pub(crate) options: &'a FilterOptions,
}

/// Where names resolve.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'d> {
    /// The resource.
    Resource,
    /// One element of a multi-valued complex attribute, iterated as `json_each(...) AS e`.
    Element(&'d AttributeDef),
    /// One row of the `members` table, as `m`.
    Member(&'d AttributeDef),
}

/// What a leaf's values are, as SQL.
pub(crate) enum Operand {
    /// One value: a column or a `json_extract` (NULL when absent or null).
    Scalar(Sql),
    /// Any of several values: `source` is a `SELECT 1 FROM ... WHERE 1` over them and
    /// `value` the expression of one of them inside it.
    Each { source: Sql, value: Sql },
}

/// A leaf's operand and the facts its test needs.
pub(crate) struct Located {
    pub(crate) operand: Operand,
    pub(crate) kind: AttributeType,
    pub(crate) case_exact: bool,
    /// The operand is a key column: already lower-cased unless caseExact.
    pub(crate) keyed: bool,
}

/// The test of a leaf.
enum Test<'v> {
    Present,
    Absent,
    Compare(CompareOp, &'v CompValue),
}

/// `$."a"."b"`: a JSON path from canonical names; `None` if a name could not be quoted.
pub(crate) fn json_path(parts: &[&str]) -> Option<String> {
    let mut path = String::from("$");
    for part in parts {
        if part.contains(['"', '\\']) {
            return None;
        }
        path.push_str(".\"");
        path.push_str(part);
        path.push('"');
    }
    Some(path)
}

fn extract(source: &'static str, path: String) -> Sql {
    let mut sql = Sql::lit("json_extract(");
    sql.push(source).push(", ").text(path).push(")");
    sql
}

fn constant(value: bool) -> Pushed {
    Pushed::exact(Sql::lit(if value { "1" } else { "0" }))
}

impl Translator<'_> {
    /// Translates a filter on resources; `None` when nothing of it can run in SQL.
    pub(crate) fn filter(&self, filter: &Filter) -> Option<Pushed> {
        self.node(filter, Scope::Resource)
    }

    fn node(&self, filter: &Filter, scope: Scope<'_>) -> Option<Pushed> {
        match filter {
            Filter::Attr(exp) => self.attr_exp(exp, scope),
            Filter::ValuePath(vp) => match scope {
                Scope::Resource => self.value_path(vp),
                _ => None,
            },
            Filter::Not { filter, .. } => {
                let inner = self.node(filter, scope)?;
                inner.exact.then(|| {
                    let mut sql = Sql::lit("NOT (");
                    sql.append(&inner.sql).push(")");
                    Pushed::exact(sql)
                })
            }
            Filter::And(operands) => {
                let parts: Vec<Option<Pushed>> =
                    operands.iter().map(|op| self.node(op, scope)).collect();
                let exact = parts.iter().all(|p| p.as_ref().is_some_and(|p| p.exact));
                let sqls: Vec<Sql> = parts.into_iter().flatten().map(|p| p.sql).collect();
                (!sqls.is_empty()).then(|| Pushed {
                    sql: Sql::join(&sqls, " AND "),
                    exact,
                })
            }
            Filter::Or(operands) => {
                let parts: Vec<Pushed> = operands
                    .iter()
                    .map(|op| self.node(op, scope))
                    .collect::<Option<_>>()?;
                let exact = parts.iter().all(|p| p.exact);
                let sqls: Vec<Sql> = parts.into_iter().map(|p| p.sql).collect();
                Some(Pushed {
                    sql: Sql::join(&sqls, " OR "),
                    exact,
                })
            }
        }
    }

    /// `attr[filter]`: some value of `attr` satisfies `filter` (RFC 7644 §3.4.2.2).
    fn value_path(&self, vp: &ValuePath) -> Option<Pushed> {
        let resolved = match self
            .registry
            .resolve(self.resource_type, vp.attr.attr_ref())
        {
            Ok(Resolved::Attribute(ra)) => ra,
            // An unknown attribute has no value: the matcher compiles this to false.
            Err(_) => return Some(constant(false)),
            Ok(Resolved::Extension(_)) => return None,
        };
        let parent = resolved.attribute;
        if resolved.sub_attribute.is_some() || !parent.is_complex() || !parent.multi_valued {
            return None;
        }
        let ext = resolved.extension_key();
        let is_members = ext.is_none()
            && self
                .layout
                .members
                .as_ref()
                .is_some_and(|m| m.name == parent.name);
        let (source, scope) = if is_members {
            (
                Sql::lit("SELECT 1 FROM members AS m WHERE m.resource_pk = r.pk"),
                Scope::Member(parent),
            )
        } else {
            let mut source = Sql::lit("SELECT 1 FROM json_each(r.body, ");
            source
                .text(json_path(
                    &[ext, Some(parent.name.as_str())]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>(),
                )?)
                .push(") AS e WHERE 1");
            (source, Scope::Element(parent))
        };
        let inner = self.node(&vp.filter, scope)?;
        // `"attr": null` is one null value to the matcher, no rows to json_each.
        let on_null = ValueMatcher::compile(
            &vp.attr,
            &vp.filter,
            self.registry,
            self.resource_type,
            self.options,
        )
        .ok()?
        .matches(&Value::Null);
        if is_members && !on_null {
            // A null `members` has no membership rows, and the filter is false on it: the
            // rows alone decide, without reading the body's JSON (a User's `groups` are
            // derived with this search on every read of a User).
            let mut sql = Sql::lit("EXISTS (");
            sql.append(&source)
                .push(" AND (")
                .append(&inner.sql)
                .push("))");
            return Some(Pushed {
                sql,
                exact: inner.exact,
            });
        }
        let path = json_path(
            &[ext, Some(parent.name.as_str())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>(),
        )?;
        let mut sql = Sql::lit("CASE WHEN json_type(r.body, ");
        sql.text(path)
            .push(") = 'null' THEN ")
            .push(if on_null { "1" } else { "0" })
            .push(" ELSE EXISTS (")
            .append(&source)
            .push(" AND (")
            .append(&inner.sql)
            .push(")) END");
        Some(Pushed {
            sql,
            exact: inner.exact,
        })
    }

    fn attr_exp(&self, exp: &AttrExp, scope: Scope<'_>) -> Option<Pushed> {
        let (test, comparable) = match exp {
            AttrExp::Present { .. } => (Test::Present, false),
            AttrExp::Compare {
                op: CompareOp::Eq,
                value: CompValue::Null,
                ..
            } => (Test::Absent, false),
            AttrExp::Compare {
                op: CompareOp::Ne,
                value: CompValue::Null,
                ..
            } => (Test::Present, false),
            AttrExp::Compare { op, value, .. } => (Test::Compare(*op, value), true),
        };
        let located = match self.locate(exp.path(), scope, comparable) {
            Ok(Some(located)) => located,
            Ok(None) => return None,
            // Unknown attribute: no value, so only `eq null` holds (as in the matcher).
            Err(Unknown) => return Some(constant(matches!(test, Test::Absent))),
        };
        leaf(located, &test).map(Pushed::exact)
    }

    /// Where the values of `path` live. `comparable`: a complex attribute stands for its
    /// `value` sub-attribute (RFC 7644 §3.4.2.2 `emails co "example.com"`).
    pub(crate) fn locate(
        &self,
        path: &AttrPath,
        scope: Scope<'_>,
        comparable: bool,
    ) -> Result<Option<Located>, Unknown> {
        match scope {
            Scope::Resource => self.locate_in_resource(path, comparable),
            Scope::Element(parent) | Scope::Member(parent) => {
                if path.urn.is_some() || path.sub_attr.is_some() {
                    return Ok(None);
                }
                let def = parent.sub_attribute(&path.name).ok_or(Unknown)?;
                if def.is_complex() || def.multi_valued {
                    return Ok(None);
                }
                let member = matches!(scope, Scope::Member(_));
                let Some(operand) = self.element_value(def, member) else {
                    return Ok(None);
                };
                Ok(Some(Located {
                    keyed: member && def.name == "value",
                    operand: Operand::Scalar(operand),
                    kind: def.kind,
                    case_exact: def.case_exact,
                }))
            }
        }
    }

    /// One sub-attribute of the element `e` or the member row `m`.
    fn element_value(&self, def: &AttributeDef, member: bool) -> Option<Sql> {
        if member && def.name == "value" {
            return Some(Sql::lit("m.value_key"));
        }
        let path = json_path(&[def.name.as_str()])?;
        Some(extract(if member { "m.item" } else { "e.value" }, path))
    }

    fn locate_in_resource(
        &self,
        path: &AttrPath,
        comparable: bool,
    ) -> Result<Option<Located>, Unknown> {
        let ra = match self.registry.resolve(self.resource_type, path.attr_ref()) {
            Ok(Resolved::Attribute(ra)) => ra,
            Ok(Resolved::Extension(_)) => return Ok(None),
            Err(_) => return Err(Unknown),
        };
        let top = ra.attribute;
        let mut sub = ra.sub_attribute;
        if top.is_complex() && sub.is_none() {
            if !comparable {
                return Ok(None);
            }
            sub = top.sub_attribute("value");
            if sub.is_none() {
                return Ok(None);
            }
        }
        let leaf = sub.unwrap_or(top);
        if leaf.is_complex() || (sub.is_some() && leaf.multi_valued) {
            return Ok(None);
        }
        let ext = ra.extension_key();
        let located = |operand, keyed| {
            Ok(Some(Located {
                operand,
                kind: leaf.kind,
                case_exact: leaf.case_exact,
                keyed,
            }))
        };
        if ext.is_none() && sub.is_none() {
            if ra.schema.is_none() && top.name == "id" {
                return located(Operand::Scalar(Sql::lit("r.id")), true);
            }
            if let Some(lookup) = Column::ALL
                .into_iter()
                .filter(|c| c.attribute() == top.name)
                .find_map(|c| self.layout.lookup(c))
            {
                return located(Operand::Scalar(Sql::lit(lookup.column.sql())), true);
            }
        }
        let is_members = ext.is_none()
            && self
                .layout
                .members
                .as_ref()
                .is_some_and(|m| m.name == top.name);
        if is_members {
            let Some(sub) = sub else { return Ok(None) };
            let Some(value) = self.element_value(sub, true) else {
                return Ok(None);
            };
            return located(
                Operand::Each {
                    source: Sql::lit("SELECT 1 FROM members AS m WHERE m.resource_pk = r.pk"),
                    value,
                },
                sub.name == "value",
            );
        }
        let top_path: Vec<&str> = [ext, Some(top.name.as_str())]
            .into_iter()
            .flatten()
            .collect();
        if !top.multi_valued {
            let mut parts = top_path;
            parts.extend(sub.map(|s| s.name.as_str()));
            let Some(p) = json_path(&parts) else {
                return Ok(None);
            };
            return located(Operand::Scalar(extract("r.body", p)), false);
        }
        let Some(p) = json_path(&top_path) else {
            return Ok(None);
        };
        let mut source = Sql::lit("SELECT 1 FROM json_each(r.body, ");
        source.text(p).push(") AS e WHERE 1");
        let value = match sub {
            None => Sql::lit("e.value"),
            Some(sub) => match self.element_value(sub, false) {
                Some(v) => v,
                None => return Ok(None),
            },
        };
        located(Operand::Each { source, value }, false)
    }
}

/// The attribute is not defined for the resource type (the matcher treats it as having no
/// value).
pub(crate) struct Unknown;

/// The SQL of one leaf test, two-valued; `None` when it has no exact translation.
fn leaf(located: Located, test: &Test<'_>) -> Option<Sql> {
    let Located {
        operand,
        kind,
        case_exact,
        keyed,
    } = located;
    match operand {
        Operand::Scalar(x) => match test {
            Test::Absent => {
                let mut sql = Sql::lit("NOT ");
                sql.append(&present(&x));
                Some(sql)
            }
            _ => value_test(&x, kind, case_exact, keyed, test),
        },
        Operand::Each { source, value } => {
            let (negate, inner) = match test {
                Test::Absent => (true, present(&value)),
                _ => (false, value_test(&value, kind, case_exact, keyed, test)?),
            };
            let mut sql = Sql::lit(if negate { "NOT EXISTS (" } else { "EXISTS (" });
            sql.append(&source).push(" AND ").append(&inner).push(")");
            Some(sql)
        }
    }
}

/// `x` holds a present value: not NULL (absent or JSON null) and not `""` (RFC 7644 Table 3
/// `pr`; booleans and numbers are never equal to `''` in SQLite).
fn present(x: &Sql) -> Sql {
    let mut sql = Sql::lit("(");
    sql.append(x)
        .push(" IS NOT NULL AND ")
        .append(x)
        .push(" <> '')");
    sql
}

fn value_test(
    x: &Sql,
    kind: AttributeType,
    case_exact: bool,
    keyed: bool,
    test: &Test<'_>,
) -> Option<Sql> {
    let (op, value) = match test {
        Test::Present => return Some(present(x)),
        Test::Absent => return None,
        Test::Compare(op, value) => (*op, *value),
    };
    let mut sql = Sql::lit("(");
    sql.append(x).push(" IS NOT NULL AND ");
    match (kind, value) {
        (
            AttributeType::String | AttributeType::Reference | AttributeType::Binary,
            CompValue::String(s),
        ) => {
            let folded_by_collation = !keyed && !case_exact;
            let needle = if keyed {
                normalise_unique(s, case_exact)
            } else {
                s.clone()
            };
            if op.is_substring() && folded_by_collation {
                return None;
            }
            string_test(&mut sql, x, op, needle, folded_by_collation);
        }
        (AttributeType::Boolean, CompValue::Bool(b))
            if matches!(op, CompareOp::Eq | CompareOp::Ne) =>
        {
            sql.append(x)
                .push(if op == CompareOp::Eq { " = " } else { " <> " })
                .bind(Arg::Int(i64::from(*b)));
        }
        _ => return None,
    }
    sql.push(")");
    Some(sql)
}

/// Appends the comparison of the (non-NULL) string `x` with `needle`. Substring tests work
/// on the UTF-8 bytes (`CAST(... AS BLOB)`), where a byte-wise match of valid UTF-8 is a
/// match of characters, and which no NUL character cuts short.
fn string_test(sql: &mut Sql, x: &Sql, op: CompareOp, needle: String, collate: bool) {
    let len = i64::try_from(needle.len()).unwrap_or(i64::MAX);
    let blob = |sql: &mut Sql| {
        sql.push("CAST(").append(x).push(" AS BLOB)");
    };
    match op {
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew if needle.is_empty() => {
            // Every string contains, starts and ends with "".
            sql.push("1");
        }
        CompareOp::Co => {
            sql.push("instr(");
            blob(sql);
            sql.push(", CAST(").text(needle).push(" AS BLOB)) > 0");
        }
        CompareOp::Sw => {
            sql.push("substr(");
            blob(sql);
            sql.push(", 1, ")
                .bind(Arg::Int(len))
                .push(") = CAST(")
                .text(needle)
                .push(" AS BLOB)");
        }
        CompareOp::Ew => {
            sql.push("length(");
            blob(sql);
            sql.push(") >= ").bind(Arg::Int(len)).push(" AND substr(");
            blob(sql);
            sql.push(", ")
                .bind(Arg::Int(-len))
                .push(") = CAST(")
                .text(needle)
                .push(" AS BLOB)");
        }
        _ => {
            let symbol = match op {
                CompareOp::Eq => " = ",
                CompareOp::Ne => " <> ",
                CompareOp::Gt => " > ",
                CompareOp::Ge => " >= ",
                CompareOp::Lt => " < ",
                _ => " <= ",
            };
            sql.append(x).push(symbol).text(needle);
            if collate {
                sql.push(" COLLATE ").push(FOLD);
            }
        }
    }
}

/// Whether the filter reads the membership attribute anywhere (then the Rust evaluation of
/// candidates needs their membership values loaded).
pub(crate) fn mentions(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    attribute: &str,
    filter: &Filter,
) -> bool {
    let names = |path: &AttrPath| {
        matches!(
            registry.resolve(resource_type, path.attr_ref()),
            Ok(Resolved::Attribute(ra)) if ra.extension_key().is_none() && ra.attribute.name == attribute
        )
    };
    match filter {
        Filter::Attr(exp) => names(exp.path()),
        Filter::ValuePath(vp) => names(&vp.attr),
        Filter::Not { filter, .. } => mentions(registry, resource_type, attribute, filter),
        Filter::And(ops) | Filter::Or(ops) => ops
            .iter()
            .any(|op| mentions(registry, resource_type, attribute, op)),
    }
}
