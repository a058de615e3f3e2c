//! What a search asks for ([`SearchQuery`]) and what it returns ([`Page`]).

use scimkit_filter::{AttrPath, Filter, FilterOptions};
use scimkit_schema::SortOrder;
use serde_json::{Map, Value};

/// Attributes a caller will not return, which a store MAY leave out of what it reads (e.g.
/// `members` for `GET /Groups/{id}?excludedAttributes=members`). Names are canonical
/// top-level attribute names (`members`) or extension URNs. A store that ignores the hint
/// is correct, only slower.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadHint {
    /// Top-level keys that need not be loaded.
    pub omit: Vec<String>,
}

impl ReadHint {
    /// Whether the hint asks for nothing to be left out.
    pub fn is_empty(&self) -> bool {
        self.omit.is_empty()
    }

    /// Whether `name` (a canonical top-level key, compared exactly) is to be left out.
    pub fn omits(&self, name: &str) -> bool {
        self.omit.iter().any(|o| o == name)
    }

    /// Removes the top-level keys the hint names from `resource`, in place (the others keep
    /// their order); [`project_hint`] without the copy.
    pub fn strip(&self, resource: &mut Value) {
        if let (false, Value::Object(object)) = (self.is_empty(), resource) {
            object.retain(|key, _| !self.omits(key));
        }
    }
}

/// A copy of `resource` without the top-level keys `hint` names (a deep clone otherwise).
pub fn project_hint(resource: &Value, hint: &ReadHint) -> Value {
    match resource {
        Value::Object(object) if !hint.is_empty() => Value::Object(
            object
                .iter()
                .filter(|(k, _)| !hint.omits(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

/// `sortBy` and `sortOrder` (RFC 7644 §3.4.2.3).
#[derive(Clone, Debug, PartialEq)]
pub struct SortSpec {
    /// The attribute to sort by, as written (resolved against the schema by the store).
    pub by: AttrPath,
    /// Ascending unless `descending` was asked for.
    pub order: SortOrder,
}

/// One query against one resource type (RFC 7644 §3.4.2): filter, sort, index paging.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    /// The parsed filter; `None` matches everything.
    pub filter: Option<Filter>,
    /// How to evaluate it (unknown-attribute policy); the same options the service parsed
    /// with.
    pub filter_options: FilterOptions,
    /// The sort; `None` means creation order.
    pub sort: Option<SortSpec>,
    /// 1-based index of the first result to return (already clamped to ≥ 1).
    pub start_index: u64,
    /// Maximum number of resources to return; `0` returns none (only the total).
    pub count: u64,
    /// Attributes the caller will not return.
    pub hint: ReadHint,
}

impl SearchQuery {
    /// Everything, in creation order, up to `count` resources.
    pub fn all(count: u64) -> SearchQuery {
        SearchQuery {
            filter: None,
            filter_options: FilterOptions::lenient(),
            sort: None,
            start_index: 1,
            count,
            hint: ReadHint::default(),
        }
    }

    /// Sets the filter (builder style).
    pub fn with_filter(mut self, filter: Filter) -> SearchQuery {
        self.filter = Some(filter);
        self
    }

    /// Sets the sort (builder style).
    pub fn with_sort(mut self, by: AttrPath, order: SortOrder) -> SearchQuery {
        self.sort = Some(SortSpec { by, order });
        self
    }

    /// Sets the page (builder style); a `start_index` below 1 counts as 1.
    pub fn with_page(mut self, start_index: u64, count: u64) -> SearchQuery {
        self.start_index = start_index.max(1);
        self.count = count;
        self
    }
}

/// One page of results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The resources of the page, in order.
    pub resources: Vec<Value>,
    /// How many resources match in all (RFC 7644 §3.4.2 `totalResults`).
    pub total_results: u64,
}
