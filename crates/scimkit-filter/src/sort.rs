//! Sorting by `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3).

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use scimkit_schema::{AttributeType, ResourceType, SchemaRegistry, ScimError, ScimType};
use serde_json::{Number, Value};

use crate::ast::AttrPath;
use crate::eval::{Compiler, Path, compare_numbers, fold, get, parse_date_time};
use crate::options::FilterOptions;

/// `sortOrder` (RFC 7644 §3.4.2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// `ascending`, the default.
    #[default]
    Ascending,
    /// `descending`.
    Descending,
}

impl SortOrder {
    /// Reads the `sortOrder` parameter: absent means `ascending` (RFC 7644 §3.4.2.3);
    /// `ascending` / `descending` are matched ASCII case-insensitively (RFC-silent; IdPs are
    /// not consistent about case).
    ///
    /// # Errors
    /// 400 `invalidValue` for any other text (RFC-silent; the value is not one the parameter
    /// allows, RFC 7644 §3.12 Table 9).
    pub fn from_param(param: Option<&str>) -> Result<SortOrder, ScimError> {
        match param {
            None => Ok(SortOrder::Ascending),
            Some(p) if p.eq_ignore_ascii_case("ascending") => Ok(SortOrder::Ascending),
            Some(p) if p.eq_ignore_ascii_case("descending") => Ok(SortOrder::Descending),
            Some(p) => Err(ScimError::invalid_value(format!(
                "sortOrder {p:?} is neither \"ascending\" nor \"descending\" (RFC 7644 §3.4.2.3)"
            ))),
        }
    }
}

/// A `sortBy` attribute compiled for one resource type, with its order: compares resources
/// per RFC 7644 §3.4.2.3.
///
/// - The key of a multi-valued attribute is the value of its `primary` element if one has
///   `primary: true`, else of its first element. A complex attribute without a sub-attribute
///   sorts by its `value` sub-attribute (`sortBy=emails` is `emails.value`).
/// - Strings compare by Unicode code point, case-folded when the attribute is not caseExact;
///   numbers numerically; dateTimes as instants; booleans `false` before `true`.
/// - Resources without a value (absent, `null`, `""`) sort last in ascending order and first
///   in descending order (descending is exactly the reverse of ascending).
/// - Values of the wrong JSON type sort after well-typed ones (booleans, numbers, instants,
///   strings, then missing), so the order is total and sorting never panics.
///
/// ```
/// use scimkit_filter::{FilterOptions, SortOrder, Sorter, parse_attr_path};
/// use scimkit_schema::SchemaRegistry;
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let by = parse_attr_path("name.familyName")?;
/// let sorter = Sorter::compile(&by, SortOrder::Ascending, &registry, users, &FilterOptions::strict())?;
/// let mut list = vec![
///     json!({"id": "1", "name": {"familyName": "jensen"}}),
///     json!({"id": "2"}),
///     json!({"id": "3", "name": {"familyName": "Adams"}}),
/// ];
/// sorter.sort(&mut list);
/// let ids: Vec<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
/// assert_eq!(ids, ["3", "1", "2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Sorter {
    /// `None` for an unknown attribute under `UnknownAttribute::NoValue`: every key is missing.
    path: Option<Path>,
    kind: AttributeType,
    case_exact: bool,
    order: SortOrder,
}

/// A resource's sort key under a [`Sorter`]; `Ord` gives the requested order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortKey {
    value: KeyValue,
    descending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum KeyValue {
    Bool(bool),
    Number(Number),
    Time(DateTime<Utc>),
    Text(String),
    Missing,
}

impl KeyValue {
    fn rank(&self) -> u8 {
        match self {
            KeyValue::Bool(_) => 0,
            KeyValue::Number(_) => 1,
            KeyValue::Time(_) => 2,
            KeyValue::Text(_) => 3,
            KeyValue::Missing => 4,
        }
    }
}

impl Ord for KeyValue {
    fn cmp(&self, other: &KeyValue) -> Ordering {
        match (self, other) {
            (KeyValue::Bool(a), KeyValue::Bool(b)) => a.cmp(b),
            (KeyValue::Number(a), KeyValue::Number(b)) => compare_numbers(a, b),
            (KeyValue::Time(a), KeyValue::Time(b)) => a.cmp(b),
            (KeyValue::Text(a), KeyValue::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for KeyValue {
    fn partial_cmp(&self, other: &KeyValue) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &SortKey) -> Ordering {
        let ascending = self.value.cmp(&other.value);
        if self.descending {
            ascending.reverse()
        } else {
            ascending
        }
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &SortKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Sorter {
    /// Compiles `sort_by` for resources of `resource_type`.
    ///
    /// # Errors
    /// 400 `invalidValue` when `sort_by` names a complex attribute that has no `value`
    /// sub-attribute (RFC 7644 §3.4.2.3: "complex attributes need a sub-attribute"), or an
    /// attribute the schema does not define under
    /// [`UnknownAttribute::Error`](crate::UnknownAttribute::Error) (RFC-silent; under the
    /// default `NoValue` every resource has no key and the order is unchanged).
    pub fn compile(
        sort_by: &AttrPath,
        order: SortOrder,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        options: &FilterOptions,
    ) -> Result<Sorter, ScimError> {
        let compiler = Compiler {
            registry,
            resource_type,
            options,
        };
        let as_invalid_value = |mut err: ScimError| {
            err.scim_type = Some(ScimType::InvalidValue);
            err.context(format_args!("sortBy {sort_by}"))
        };
        let Some((mut path, leaf)) = compiler.resolve_top(sort_by).map_err(as_invalid_value)?
        else {
            return Ok(Sorter {
                path: None,
                kind: AttributeType::String,
                case_exact: true,
                order,
            });
        };
        let Some(leaf) = leaf.comparable(&mut path) else {
            return Err(ScimError::invalid_value(format!(
                "sortBy {sort_by}: a complex attribute needs a sub-attribute (RFC 7644 §3.4.2.3)"
            )));
        };
        Ok(Sorter {
            path: Some(path),
            kind: leaf.kind,
            case_exact: leaf.case_exact,
            order,
        })
    }

    /// The sort key of one resource.
    pub fn key(&self, resource: &Value) -> SortKey {
        SortKey {
            value: self.key_value(resource),
            descending: self.order == SortOrder::Descending,
        }
    }

    /// Compares two resources in the requested order.
    pub fn compare(&self, a: &Value, b: &Value) -> Ordering {
        self.key(a).cmp(&self.key(b))
    }

    /// Sorts resources in place; stable, each key computed once.
    pub fn sort(&self, resources: &mut [Value]) {
        resources.sort_by_cached_key(|r| self.key(r));
    }

    fn key_value(&self, resource: &Value) -> KeyValue {
        let Some(path) = &self.path else {
            return KeyValue::Missing;
        };
        let Some(top) = path.attribute(resource) else {
            return KeyValue::Missing;
        };
        let element = match top {
            Value::Array(items) => items
                .iter()
                .find(|e| get(e, "primary").and_then(Value::as_bool) == Some(true))
                .or_else(|| items.first()),
            single => Some(single),
        };
        let value = match (&path.sub, element) {
            (Some(sub), Some(element)) => get(element, sub),
            (None, element) => element,
            (Some(_), None) => None,
        };
        let value = match value {
            Some(Value::Array(items)) => items.first(),
            other => other,
        };
        match value {
            Some(Value::Bool(b)) => KeyValue::Bool(*b),
            Some(Value::Number(n)) => KeyValue::Number(n.clone()),
            Some(Value::String(s)) if !s.is_empty() => {
                if self.kind == AttributeType::DateTime
                    && let Some(t) = parse_date_time(s)
                {
                    return KeyValue::Time(t);
                }
                KeyValue::Text(if self.case_exact { s.clone() } else { fold(s) })
            }
            _ => KeyValue::Missing,
        }
    }
}

impl FilterOptions {
    /// Parses `sortBy` and `sortOrder` query parameters and compiles the sorter.
    ///
    /// # Errors
    /// 400 `invalidValue` for a malformed path, a bad `sortOrder`, or as [`Sorter::compile`].
    pub fn compile_sort(
        &self,
        sort_by: &str,
        sort_order: Option<&str>,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
    ) -> Result<Sorter, ScimError> {
        let path = self.parse_attr_path(sort_by)?;
        let order = SortOrder::from_param(sort_order)?;
        Sorter::compile(&path, order, registry, resource_type, self)
    }
}
