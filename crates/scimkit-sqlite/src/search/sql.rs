//! A SQL fragment with its bound arguments: the only way values reach a query.

/// Most operands [`Sql::join`] puts side by side in one level of parentheses.
pub(crate) const JOIN_FANOUT: usize = 16;

/// A bound argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// SQL text with one `?` per argument, in order. Text is only ever appended from string
/// literals in this crate; values (filter operands, JSON paths) go in as arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
}

impl Sql {
    /// A fragment with no arguments.
    pub(crate) fn lit(text: &'static str) -> Sql {
        Sql {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text (a literal of this crate).
    pub(crate) fn push(&mut self, text: &'static str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends a `?` bound to `arg`.
    pub(crate) fn bind(&mut self, arg: Arg) -> &mut Sql {
        self.text.push('?');
        self.args.push(arg);
        self
    }

    /// Appends a non-negative integer as a literal, for `LIMIT`: SQLite (3.51) plans a
    /// `LIMIT ?` with the value bound at the time and marks the prepared statement to be
    /// prepared again whenever that parameter is bound, which every execution does. Measured
    /// on the store's search statement: 182 µs a lookup with `LIMIT ?`, 25 µs with the
    /// literal (the statement cache then keeps one prepared statement per distinct limit).
    pub(crate) fn integer(&mut self, value: i64) -> &mut Sql {
        self.text.push_str(&value.max(0).to_string());
        self
    }

    /// Appends a `?` bound to a text value.
    pub(crate) fn text(&mut self, value: impl Into<String>) -> &mut Sql {
        self.bind(Arg::Text(value.into()))
    }

    /// Appends another fragment with its arguments.
    pub(crate) fn append(&mut self, other: &Sql) -> &mut Sql {
        self.text.push_str(&other.text);
        self.args.extend(other.args.iter().cloned());
        self
    }

    /// `(a) JOIN (b) JOIN ...`, nested as a balanced tree of at most [`JOIN_FANOUT`] operands
    /// per level: SQLite parses a flat chain as a tree as deep as the chain is long and
    /// refuses one deeper than 1,000 ("Expression tree is too large"), while a filter may
    /// hold 10,000 terms (a bulk lookup by id).
    pub(crate) fn join(parts: &[Sql], joiner: &'static str) -> Sql {
        if parts.len() <= JOIN_FANOUT {
            let mut out = Sql::default();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push(joiner);
                }
                out.push("(").append(part).push(")");
            }
            return out;
        }
        let chunk = parts.len().div_ceil(JOIN_FANOUT);
        let groups: Vec<Sql> = parts
            .chunks(chunk)
            .map(|group| Sql::join(group, joiner))
            .collect();
        Sql::join(&groups, joiner)
    }

    /// This fragment prepared on a read connection (from its statement cache), with its
    /// arguments bound: run it with `raw_query`.
    pub(crate) fn prepare<'c>(
        &self,
        conn: &'c rusqlite::Connection,
    ) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
        let mut statement = conn.prepare_cached(&self.text)?;
        for (i, arg) in self.args.iter().enumerate() {
            match arg {
                Arg::Text(s) => statement.raw_bind_parameter(i + 1, s)?,
                Arg::Int(n) => statement.raw_bind_parameter(i + 1, n)?,
            }
        }
        Ok(statement)
    }

    /// The first column of the first row this fragment returns on a read connection (a
    /// `count(*)`, a flag); `None` when it returns no row.
    pub(crate) fn first<T: rusqlite::types::FromSql>(
        &self,
        conn: &rusqlite::Connection,
    ) -> rusqlite::Result<Option<T>> {
        let mut statement = self.prepare(conn)?;
        let mut rows = statement.raw_query();
        rows.next()?.map(|row| row.get(0)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(text: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0usize);
        for c in text.chars() {
            match c {
                '(' => {
                    depth += 1;
                    max = max.max(depth);
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        max
    }

    #[test]
    fn short_joins_stay_flat() {
        let parts = vec![Sql::lit("a"), Sql::lit("b"), Sql::lit("c")];
        assert_eq!(Sql::join(&parts, " OR ").text, "(a) OR (b) OR (c)");
    }

    #[test]
    fn long_joins_nest_shallowly_and_keep_every_operand_in_order() {
        let parts: Vec<Sql> = (0..10_000)
            .map(|i| {
                let mut s = Sql::lit("x = ");
                s.bind(Arg::Int(i));
                s
            })
            .collect();
        let joined = Sql::join(&parts, " OR ");
        assert_eq!(joined.args, (0..10_000).map(Arg::Int).collect::<Vec<_>>());
        assert_eq!(joined.text.matches(" OR ").count(), 9_999);
        assert!(depth(&joined.text) <= 6, "depth {}", depth(&joined.text));
    }
}
