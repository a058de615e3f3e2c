//! The canonical printer: `Display` for every AST type.
//!
//! Canonical form: single spaces between tokens, lower-case keywords and operators, names and
//! URNs as written, values as JSON (strings escaped only where JSON requires: `"`, `\` and
//! control characters), `not (...)` with a space. Parentheses appear only where the tree
//! needs them: an `or` inside an `and` (precedence), and a chain nested directly in a chain of
//! the same kind (`a and (b and c)`, explicit grouping the parser keeps). Hence, for every tree
//! the parser can produce, `parse(tree.to_string()) == tree` (tested with proptest).

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{AttrExp, AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};
use crate::parser::values::write_json_string;

impl Display for AttrPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            f.write_str(urn)?;
            f.write_char(':')?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub_attr {
            f.write_char('.')?;
            f.write_str(sub)?;
        }
        Ok(())
    }
}

impl Display for CompareOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for CompValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            CompValue::Null => f.write_str("null"),
            CompValue::Bool(b) => write!(f, "{b}"),
            CompValue::Number(n) => write!(f, "{n}"),
            CompValue::String(s) => write_json_string(f, s),
        }
    }
}

impl Display for AttrExp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            AttrExp::Present { path, .. } => write!(f, "{path} pr"),
            AttrExp::Compare {
                path, op, value, ..
            } => write!(f, "{path} {op} {value}"),
        }
    }
}

impl Display for ValuePath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.attr, self.filter)
    }
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Attr(exp) => exp.fmt(f),
            Filter::ValuePath(vp) => vp.fmt(f),
            Filter::Not { filter, .. } => write!(f, "not ({filter})"),
            Filter::And(ops) => chain(f, ops, " and ", |op| {
                matches!(op, Filter::And(_) | Filter::Or(_))
            }),
            Filter::Or(ops) => chain(f, ops, " or ", |op| matches!(op, Filter::Or(_))),
        }
    }
}

fn chain(
    f: &mut Formatter<'_>,
    ops: &[Filter],
    separator: &str,
    needs_parens: impl Fn(&Filter) -> bool,
) -> fmt::Result {
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_parens(op) {
            write!(f, "({op})")?;
        } else {
            op.fmt(f)?;
        }
    }
    Ok(())
}

impl Display for PatchPath {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.attr.fmt(f)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{AttrExp, AttrPath, CompareOp, Filter};
    use crate::parse_filter;

    fn eq(name: &str, v: &str) -> Filter {
        AttrExp::compare(AttrPath::new(name), CompareOp::Eq, v).into()
    }

    /// RFC 7644 §3.4.2.2 precedence: parentheses only where the tree needs them.
    #[test]
    fn parentheses_only_where_needed() {
        let and_in_or = Filter::Or(vec![
            Filter::And(vec![eq("a", "1"), eq("b", "2")]),
            eq("c", "3"),
        ]);
        assert_eq!(
            and_in_or.to_string(),
            r#"a eq "1" and b eq "2" or c eq "3""#
        );
        let or_in_and = Filter::And(vec![
            Filter::Or(vec![eq("a", "1"), eq("b", "2")]),
            eq("c", "3"),
        ]);
        assert_eq!(
            or_in_and.to_string(),
            r#"(a eq "1" or b eq "2") and c eq "3""#
        );
        let nested_same = Filter::And(vec![
            eq("a", "1"),
            Filter::And(vec![eq("b", "2"), eq("c", "3")]),
        ]);
        assert_eq!(
            nested_same.to_string(),
            r#"a eq "1" and (b eq "2" and c eq "3")"#
        );
        for f in [and_in_or, or_in_and, nested_same] {
            assert_eq!(parse_filter(&f.to_string()).unwrap(), f);
        }
    }

    #[test]
    fn canonical_form_normalises_case_and_spacing() {
        let f = parse_filter(r#"  userName   EQ "x"   AND  NOT(  title  PR )  "#).unwrap();
        assert_eq!(f.to_string(), r#"userName eq "x" and not (title pr)"#);
        let f = parse_filter(r#"((a eq TRUE)) or b eq -1.5E2"#).unwrap();
        assert_eq!(f.to_string(), "a eq true or b eq -150.0");
    }
}
