//! Unique values (RFC 7643 §2.2 `uniqueness`) in the `unique_values` table, keyed per
//! `caseExact` ([`scimkit_provision::UniqueAttributes`]), per tenant and resource type.

use scimkit_provision::{StoreError, UniqueAttributes};
use serde_json::Value;
use sqlx::SqliteConnection;

use crate::error::backend;

/// Makes resource `pk` the holder of its unique values, releasing the ones it held before.
///
/// # Errors
/// [`StoreError::Uniqueness`] when another resource of the tenant and type holds one of them;
/// the caller's transaction must then be rolled back.
pub(crate) async fn claim(
    conn: &mut SqliteConnection,
    tenant: &str,
    resource_type: &str,
    pk: i64,
    unique: &UniqueAttributes,
    resource: &Value,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM unique_values WHERE resource_pk = ?")
        .bind(pk)
        .execute(&mut *conn)
        .await
        .map_err(backend)?;
    for (index, value, key) in unique.keys(resource) {
        let attribute = unique
            .get(index)
            .map(|a| a.path.clone())
            .unwrap_or_default();
        let holder: Option<i64> = sqlx::query_scalar(
            "SELECT resource_pk FROM unique_values \
             WHERE tenant = ? AND resource_type = ? AND attribute = ? AND key = ?",
        )
        .bind(tenant)
        .bind(resource_type)
        .bind(&attribute)
        .bind(&key)
        .fetch_optional(&mut *conn)
        .await
        .map_err(backend)?;
        match holder {
            Some(holder) if holder != pk => {
                return Err(StoreError::Uniqueness {
                    attribute,
                    value: value.to_owned(),
                });
            }
            Some(_) => {}
            None => {
                sqlx::query(
                    "INSERT INTO unique_values (tenant, resource_type, attribute, key, resource_pk) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(tenant)
                .bind(resource_type)
                .bind(&attribute)
                .bind(&key)
                .bind(pk)
                .execute(&mut *conn)
                .await
                .map_err(backend)?;
            }
        }
    }
    Ok(())
}
