//! `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3) as an `ORDER BY`, where it equals
//! [`scimkit_filter::Sorter`]'s order.

use scimkit_filter::AttrPath;
use scimkit_schema::{AttributeType, SortOrder};

use super::sql::Sql;
use super::translate::{Operand, Scope, Translator, Unknown};
use crate::collation::FOLD;

impl Translator<'_> {
    /// The `ORDER BY` list for a sort (`None`: creation order), ties in creation order;
    /// `None` when it cannot be expressed in SQL: multi-valued attributes (the primary
    /// value's key) and types other than strings (dateTime instants, numbers, booleans).
    ///
    /// For a string key `k` the sorter puts resources without a value (absent, `null`,
    /// `""`) last when ascending and first when descending, and compares the others by code
    /// point, case-folded unless caseExact.
    pub(crate) fn order_by(&self, sort: Option<(&AttrPath, SortOrder)>) -> Option<Sql> {
        let Some((path, order)) = sort else {
            return Some(Sql::lit("r.pk"));
        };
        let located = match self.locate(path, Scope::Resource, true) {
            Ok(located) => located?,
            // No resource has a value: the sort changes nothing.
            Err(Unknown) => return Some(Sql::lit("r.pk")),
        };
        let Operand::Scalar(key) = located.operand else {
            return None;
        };
        if !matches!(
            located.kind,
            AttributeType::String | AttributeType::Reference | AttributeType::Binary
        ) {
            return None;
        }
        let descending = order == SortOrder::Descending;
        let mut sql = Sql::lit("CASE WHEN ");
        sql.append(&key)
            .push(" IS NULL OR ")
            .append(&key)
            .push(" = '' THEN 1 ELSE 0 END")
            .push(if descending {
                " DESC, NULLIF("
            } else {
                ", NULLIF("
            })
            .append(&key)
            .push(", '')");
        if !located.keyed && !located.case_exact {
            sql.push(" COLLATE ").push(FOLD);
        }
        sql.push(if descending { " DESC, r.pk" } else { ", r.pk" });
        Some(sql)
    }
}
