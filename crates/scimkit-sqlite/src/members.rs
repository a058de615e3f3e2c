//! The membership attribute (Group `members`) as rows of the `members` table: taken out of a
//! resource before it is stored, put back when it is read, and changed row by row.
//!
//! A resource whose membership attribute is a JSON array keeps an empty-array placeholder
//! under that key in `resources.body` (so key order and the difference between `[]` and
//! absent survive); each value is one row `(seq, value_key, item)`, `item` being the value's
//! JSON text exactly as written, `value_key` its `value` sub-attribute lower-cased unless
//! caseExact. Any other JSON under the key stays in the body as it is.

use std::collections::HashMap;

use rusqlite::Connection;
use scimkit_provision::{StoreError, normalise_unique};
use serde_json::Value;

use crate::cached;
use crate::error::backend;
use crate::layout::MemberAttr;

/// Takes the values out of `resource`, leaving the placeholder; `None` when the attribute is
/// not an array (nothing to store as rows).
pub(crate) fn take(resource: &mut Value, attr: &MemberAttr) -> Option<Vec<Value>> {
    match resource.get_mut(&attr.name) {
        Some(Value::Array(items)) => Some(std::mem::take(items)),
        _ => None,
    }
}

/// Whether `body` holds the placeholder, i.e. values may live in rows.
pub(crate) fn has_placeholder(body: &Value, attr: &MemberAttr) -> bool {
    matches!(body.get(&attr.name), Some(Value::Array(_)))
}

/// Puts loaded values back in place of the placeholder.
pub(crate) fn put(body: &mut Value, attr: &MemberAttr, items: Vec<Value>) {
    if let Some(slot @ Value::Array(_)) = body.get_mut(&attr.name) {
        *slot = Value::Array(items);
    }
}

/// The `value_key` of one value.
pub(crate) fn key_of(item: &Value, attr: &MemberAttr) -> Option<String> {
    item.get("value")
        .and_then(Value::as_str)
        .map(|v| normalise_unique(v, attr.case_exact))
}

/// Appends `items` to the rows of resource `pk`, numbered from `first_seq`, in one statement.
pub(crate) fn insert(
    conn: &Connection,
    pk: i64,
    first_seq: i64,
    items: &[Value],
    attr: &MemberAttr,
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let rows: Vec<Value> = items
        .iter()
        .map(|item| {
            let key = key_of(item, attr).map_or(Value::Null, Value::String);
            Value::Array(vec![key, Value::String(item.to_string())])
        })
        .collect();
    cached::execute(
        conn,
        "INSERT INTO members (resource_pk, seq, value_key, item) \
         SELECT ?, ? + j.key, j.value ->> 0, j.value ->> 1 FROM json_each(?) AS j",
        (pk, first_seq, Value::Array(rows).to_string()),
    )?;
    Ok(())
}

fn parse_list(concatenated: Option<String>) -> Result<Vec<Value>, StoreError> {
    match concatenated {
        None => Ok(Vec::new()),
        Some(items) => serde_json::from_str(&format!("[{items}]"))
            .map_err(|e| StoreError::Backend(format!("a stored member is not JSON: {e}"))),
    }
}

/// Every value of resource `pk`, in order (one row from SQLite: the items joined).
pub(crate) fn load(conn: &Connection, pk: i64) -> Result<Vec<Value>, StoreError> {
    parse_list(cached::value(conn, LOAD, [pk])?)
}

/// Every `item` of a resource, joined in order.
const LOAD: &str = "SELECT group_concat(item, ',' ORDER BY seq) FROM members WHERE resource_pk = ?";

// The statements that find rows by `value_key` (the bound JSON array of keys) name the
// `members_value` index: without statistics (no ANALYZE) SQLite's planner guesses about ten
// rows per `resource_pk` and otherwise scans every row of the group under the primary key,
// which on a 100,000-member group made each keyed PATCH read all of them (see the plan test
// below).

/// The `item`s of the rows with one of the keys, joined in order.
const LOAD_KEYS: &str = "SELECT group_concat(item, ',' ORDER BY seq) \
    FROM members INDEXED BY members_value \
    WHERE resource_pk = ? AND value_key IN (SELECT value FROM json_each(?))";

/// The keys among the given ones that have a row.
const PRESENT_KEYS: &str = "SELECT value_key FROM members INDEXED BY members_value \
    WHERE resource_pk = ? AND value_key IN (SELECT value FROM json_each(?))";

/// Deletes the rows with one of the keys, returning their `item`s.
const DELETE_KEYS: &str = "DELETE FROM members INDEXED BY members_value \
    WHERE resource_pk = ? AND value_key IN (SELECT value FROM json_each(?)) RETURNING item";

fn keys_json(keys: &[String]) -> String {
    serde_json::to_string(keys).unwrap_or_default()
}

/// The values of resource `pk` whose `value_key` is one of `keys`, in order (k index
/// lookups, whatever the number of rows).
pub(crate) fn load_keys(
    conn: &Connection,
    pk: i64,
    keys: &[String],
) -> Result<Vec<Value>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    parse_list(cached::value(conn, LOAD_KEYS, (pk, keys_json(keys)))?)
}

/// Which of `keys` resource `pk` has a row for (k index lookups).
pub(crate) fn present_keys(
    conn: &Connection,
    pk: i64,
    keys: &[String],
) -> Result<Vec<String>, StoreError> {
    cached::column(conn, PRESENT_KEYS, (pk, keys_json(keys)))
}

/// Deletes the rows of resource `pk` whose `value_key` is one of `keys`; returns their
/// JSON text (k index lookups).
pub(crate) fn delete_keys(
    conn: &Connection,
    pk: i64,
    keys: &[String],
) -> Result<Vec<String>, StoreError> {
    cached::column(conn, DELETE_KEYS, (pk, keys_json(keys)))
}

/// The values of several resources at once, by `pk` (absent: no rows), on a read connection.
pub(crate) fn load_many(
    conn: &Connection,
    pks: &[i64],
) -> Result<HashMap<i64, Vec<Value>>, StoreError> {
    if pks.is_empty() {
        return Ok(HashMap::new());
    }
    let mut statement = conn
        .prepare_cached(
            "SELECT resource_pk, group_concat(item, ',' ORDER BY seq) AS items FROM members \
             WHERE resource_pk IN (SELECT value FROM json_each(?)) GROUP BY resource_pk",
        )
        .map_err(backend)?;
    let mut rows = statement
        .query([serde_json::to_string(pks).unwrap_or_default()])
        .map_err(backend)?;
    let mut out = HashMap::new();
    while let Some(row) = rows.next().map_err(backend)? {
        let pk: i64 = row.get(0).map_err(backend)?;
        let items: Option<String> = row.get(1).map_err(backend)?;
        out.insert(pk, parse_list(items)?);
    }
    Ok(out)
}

/// Deletes the rows with these `seq`s.
pub(crate) fn delete_seqs(conn: &Connection, pk: i64, seqs: &[i64]) -> Result<(), StoreError> {
    if seqs.is_empty() {
        return Ok(());
    }
    cached::execute(
        conn,
        "DELETE FROM members WHERE resource_pk = ? AND seq IN (SELECT value FROM json_each(?))",
        (pk, serde_json::to_string(seqs).unwrap_or_default()),
    )?;
    Ok(())
}

/// Makes the rows of resource `pk` equal `items` (in order), touching as few rows as it
/// can: rows that stay in order are kept, the others deleted, and the rest of `items`
/// appended. Replacing a 100,000-value list by itself plus one value writes one row.
pub(crate) fn sync(
    conn: &Connection,
    pk: i64,
    items: &[Value],
    attr: &MemberAttr,
) -> Result<(), StoreError> {
    let rows = rows(conn, pk)?;
    let texts: Vec<String> = items.iter().map(Value::to_string).collect();
    let mut kept = 0;
    let mut removed = Vec::new();
    let mut next = 0;
    for (seq, item) in &rows {
        next = seq + 1;
        if texts.get(kept).is_some_and(|t| t == item) {
            kept += 1;
        } else {
            removed.push(*seq);
        }
    }
    delete_seqs(conn, pk, &removed)?;
    insert(conn, pk, next, &items[kept..], attr)
}

/// Every row of resource `pk` as `(seq, item)`, in order.
pub(crate) fn rows(conn: &Connection, pk: i64) -> Result<Vec<(i64, String)>, StoreError> {
    conn.prepare_cached("SELECT seq, item FROM members WHERE resource_pk = ? ORDER BY seq")
        .and_then(|mut select| {
            select
                .query_map([pk], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(backend)
}

/// Deletes every row of resource `pk`, returning their `item`s.
pub(crate) fn clear(conn: &Connection, pk: i64) -> Result<Vec<String>, StoreError> {
    cached::column(
        conn,
        "DELETE FROM members WHERE resource_pk = ? RETURNING item",
        [pk],
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use scimkit_schema::SchemaRegistry;

    use super::*;
    use crate::store::SqliteStore;

    /// Regression: without `INDEXED BY`, SQLite 3.51 planned these as `SEARCH members USING
    /// PRIMARY KEY (resource_pk=?)` plus a bloom filter, i.e. a scan of every row of the
    /// group (115 ms for 100 keys on a 100,000-member group). The plan does not depend on the
    /// data (no statistics), so an empty table shows it.
    #[tokio::test]
    async fn keyed_statements_search_the_value_index() {
        let store = SqliteStore::open_temporary(Arc::new(SchemaRegistry::core()))
            .await
            .expect("open");
        for statement in [LOAD_KEYS, PRESENT_KEYS, DELETE_KEYS] {
            let explain = format!("EXPLAIN QUERY PLAN {statement}");
            let plan: Vec<String> = store
                .writer
                .with_connection(|conn| {
                    let mut explain = conn.prepare(&explain).map_err(backend)?;
                    explain
                        .query_map((1_i64, r#"["a","b"]"#), |row| row.get::<_, String>(3))
                        .and_then(Iterator::collect)
                        .map_err(backend)
                })
                .expect("explain");
            assert!(
                plan.iter()
                    .any(|step| step.starts_with("SEARCH members USING")
                        && step.contains("INDEX members_value (resource_pk=? AND value_key=?)")),
                "{statement}: {plan:?}"
            );
        }
    }
}
