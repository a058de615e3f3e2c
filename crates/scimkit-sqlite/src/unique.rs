//! Unique values (RFC 7643 §2.2 `uniqueness`) in the `unique_values` table, keyed per
//! `caseExact` ([`scimkit_provision::UniqueAttributes`]), per tenant and resource type.

use rusqlite::Connection;
use scimkit_provision::{StoreError, UniqueAttributes};
use serde_json::Value;

use crate::cached;

/// What resource `pk` held before the write, as far as [`claim`] needs to know.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Before<'a> {
    /// A resource just inserted: it holds nothing yet.
    New,
    /// The resource as stored before the write (its claims are this body's unique values).
    Stored(&'a Value),
    /// Not known (re-indexing): every claim is rewritten.
    Unknown,
}

/// Makes resource `pk` the holder of its unique values, releasing the ones it held before.
/// Nothing is written when the values are those of [`Before::Stored`] (most PATCHes do not
/// change `userName`): the table already says so. A value is claimed in one statement that
/// inserts it or, when it is taken, returns its holder.
///
/// # Errors
/// [`StoreError::Uniqueness`] when another resource of the tenant and type holds one of them;
/// the caller's transaction must then be rolled back.
pub(crate) fn claim(
    conn: &Connection,
    tenant: &str,
    resource_type: &str,
    pk: i64,
    unique: &UniqueAttributes,
    resource: &Value,
    before: Before<'_>,
) -> Result<(), StoreError> {
    let keys = unique.keys(resource);
    match before {
        Before::Stored(old) => {
            let same = |(i, _, k): &(usize, &str, String)| (*i, k.clone());
            let mut now: Vec<(usize, String)> = keys.iter().map(same).collect();
            let mut then: Vec<(usize, String)> = unique.keys(old).iter().map(same).collect();
            now.sort();
            then.sort();
            if now == then {
                return Ok(());
            }
            release(conn, pk)?;
        }
        Before::Unknown => release(conn, pk)?,
        Before::New => {}
    }
    for (index, value, key) in keys {
        let attribute = unique
            .get(index)
            .map(|a| a.path.clone())
            .unwrap_or_default();
        // Inserts the claim, or (taken) leaves the row as it is and returns its holder.
        let holder: i64 = cached::value(
            conn,
            "INSERT INTO unique_values (tenant, resource_type, attribute, key, resource_pk) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (tenant, resource_type, attribute, key) \
             DO UPDATE SET resource_pk = resource_pk RETURNING resource_pk",
            (tenant, resource_type, &attribute, &key, pk),
        )?;
        if holder != pk {
            return Err(StoreError::Uniqueness {
                attribute,
                value: value.to_owned(),
            });
        }
    }
    Ok(())
}

/// Releases every unique value resource `pk` holds.
fn release(conn: &Connection, pk: i64) -> Result<(), StoreError> {
    cached::execute(
        conn,
        "DELETE FROM unique_values WHERE resource_pk = ?",
        [pk],
    )?;
    Ok(())
}
