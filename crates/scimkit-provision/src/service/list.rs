//! Queries: `GET /{type}` and `POST /{type}/.search` (RFC 7644 §3.4.2, §3.4.3), and the
//! same across all types at the root.

use scimkit_filter::{FilterOptions, Sorter, UnknownAttribute};
use scimkit_schema::{ListResponse, ResourceType, ScimError, ScimType, SearchRequest, SortOrder};
use serde_json::Value;

use super::cursor::{Binding, Cursor, now_secs};
use super::resources::render;
use super::served::Served;
use super::view::{View, top_level_key};
use super::wire::{Query, Reply};
use super::{Call, groups_filter};
use crate::store::SearchQuery;

/// Query parameters, from the URL or a SearchRequest body.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Params {
    filter: Option<String>,
    sort_by: Option<String>,
    sort_order: Option<SortOrder>,
    start_index: Option<i64>,
    count: Option<i64>,
    /// `count` as sent, for error details (`count` saturates far beyond `i64`).
    count_sent: Option<String>,
    /// RFC 9865 §2: `Some("")` asks for the first page by cursor.
    cursor: Option<String>,
    attributes: Option<String>,
    excluded: Option<String>,
}

/// How the pages of a query are asked for: by `startIndex` (RFC 7644 §3.4.2.4, the default
/// when a request names neither, RFC 9865 §2.4) or by `cursor` (RFC 9865 §2).
#[derive(Clone, Copy, Debug)]
enum Paging {
    Index,
    Cursor(Binding),
}

impl Params {
    pub(crate) fn from_query(query: &Query) -> Result<Params, ScimError> {
        let sort_order = match query.get("sortOrder").map(str::trim) {
            None | Some("") => None,
            Some(o) if o.eq_ignore_ascii_case("ascending") => Some(SortOrder::Ascending),
            Some(o) if o.eq_ignore_ascii_case("descending") => Some(SortOrder::Descending),
            Some(o) => {
                return Err(ScimError::invalid_value(format!(
                    "sortOrder {o:?} is neither \"ascending\" nor \"descending\" (RFC 7644 §3.4.2.3)"
                )));
            }
        };
        Ok(Params {
            filter: query.get("filter").map(str::to_owned),
            sort_by: query.get("sortBy").map(str::to_owned),
            sort_order,
            start_index: query.integer("startIndex")?,
            count: query.integer("count")?,
            count_sent: query.get("count").map(|c| c.trim().to_owned()),
            cursor: query.get("cursor").map(str::to_owned),
            attributes: query.get("attributes").map(str::to_owned),
            excluded: query.get("excludedAttributes").map(str::to_owned),
        })
    }

    /// The projection these parameters ask for on `rt`.
    fn view(&self, call: &Call<'_>, rt: &ResourceType) -> Result<View, ScimError> {
        View::parse(
            call.registry(),
            rt,
            self.attributes.as_deref(),
            self.excluded.as_deref(),
        )
    }

    fn from_body(body: &[u8]) -> Result<Params, ScimError> {
        let request = SearchRequest::from_json(body)?;
        Ok(Params {
            filter: request.filter,
            sort_by: request.sort_by,
            sort_order: request.sort_order,
            start_index: request.start_index,
            count: request.count,
            count_sent: request.count.map(|c| c.to_string()),
            cursor: request.cursor,
            attributes: request.attributes.map(|a| a.join(",")),
            excluded: request.excluded_attributes.map(|a| a.join(",")),
        })
    }
}

fn filter_options(call: &Call<'_>, multi_type: bool) -> FilterOptions {
    let limits = &call.inner.config.limits;
    FilterOptions {
        max_len: limits.max_filter_len,
        max_depth: limits.max_filter_depth,
        max_terms: limits.max_filter_terms,
        unknown_attribute: if multi_type {
            UnknownAttribute::NoValue
        } else {
            call.inner.config.unknown_filter_attribute
        },
        ..call.ctx.tenant.patch_options().filter
    }
}

/// The page the parameters ask for, with RFC 7644 §3.4.2.4 applied: `startIndex` < 1 is 1,
/// `count` < 0 is 0, no `count` is the default page size, and no page exceeds the maximum.
fn page(call: &Call<'_>, params: &Params) -> (u64, u64) {
    let limits = &call.inner.config.limits;
    let start = params
        .start_index
        .map_or(1, |s| u64::try_from(s.max(1)).unwrap_or(1));
    let count = params
        .count
        .map_or(limits.default_page_size, |c| {
            u64::try_from(c.max(0)).unwrap_or(0)
        })
        .min(limits.max_page_size);
    (start, count)
}

/// The page a `cursor` asks for (RFC 9865 §2): `(startIndex, count)`. An empty cursor is
/// the first page, with `count` as given (< 0 is 0) or the default page size; a later page
/// keeps the first page's `count` (a request that leaves `count` out gets it too).
///
/// # Errors
/// 400 `invalidValue` when `startIndex` is also given; `invalidCount` when `count` is
/// above the maximum page size or differs from the first page's; `invalidCursor` /
/// `expiredCursor` from [`Cursor::decode`].
fn cursor_page(
    call: &Call<'_>,
    params: &Params,
    text: &str,
    binding: &Binding,
) -> Result<(u64, u64), ScimError> {
    let limits = &call.inner.config.limits;
    if params.start_index.is_some() {
        return Err(ScimError::invalid_value(
            "startIndex and cursor ask for two kinds of paging; send one of them (RFC 9865 §2.4)",
        ));
    }
    let asked = params.count.map(|c| u64::try_from(c.max(0)).unwrap_or(0));
    // The count as sent, for error details (a negative one counts as 0, RFC 7644 §3.4.2.4).
    let sent = match (params.count, &params.count_sent) {
        (Some(c), Some(text)) if c < 0 => format!("{text} (taken as 0)"),
        (_, Some(text)) => text.clone(),
        _ => String::new(),
    };
    if asked.is_some_and(|c| c > limits.max_page_size) {
        return Err(ScimError::new(
            ScimType::InvalidCount,
            format!(
                "count {sent} is above maxPageSize {} (RFC 9865 §2.1)",
                limits.max_page_size
            ),
        ));
    }
    if text.trim().is_empty() {
        return Ok((
            1,
            asked.unwrap_or(limits.default_page_size.min(limits.max_page_size)),
        ));
    }
    let cursor = Cursor::decode(
        text,
        binding,
        now_secs(),
        limits.cursor_timeout_secs,
        limits.max_page_size,
    )?;
    if asked.is_some_and(|c| c != cursor.count) {
        return Err(ScimError::new(
            ScimType::InvalidCount,
            format!(
                "count {sent} differs from the count {} of the query's first page; every page \
                 of a cursor query keeps it (RFC 9865 §2.1)",
                cursor.count
            ),
        ));
    }
    Ok((cursor.offset.saturating_add(1), cursor.count))
}

/// The query the parameters ask for on `scope` (a resource type's name, or `"/"` across all
/// types), and how its pages are asked for.
fn build_query(
    call: &Call<'_>,
    params: &Params,
    scope: &str,
) -> Result<(SearchQuery, Paging), ScimError> {
    let multi_type = scope == "/";
    let options = filter_options(call, multi_type);
    let filter = params
        .filter
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| options.parse_filter(f))
        .transpose()?;
    let sort = params
        .sort_by
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| options.parse_attr_path(s.trim()))
        .transpose()
        .map_err(|e| ScimError::from(e).context("sortBy"))?;
    let mut query = SearchQuery::all(0);
    query.filter = filter;
    query.filter_options = options;
    if let Some(by) = sort {
        query = query.with_sort(by, params.sort_order.unwrap_or_default());
    }
    let (paging, (start, count)) = match params.cursor.as_deref() {
        None => (Paging::Index, page(call, params)),
        Some(text) => {
            let binding = Binding::new(call.inner.cursor_key, &call.ctx.tenant.id, scope, &query);
            (
                Paging::Cursor(binding),
                cursor_page(call, params, text, &binding)?,
            )
        }
    };
    Ok((query.with_page(start, count), paging))
}

/// The ListResponse of one page: `startIndex` and `itemsPerPage` for index paging;
/// `itemsPerPage`, `nextCursor` (unless it is the last page) and `previousCursor` (unless it
/// is the first) for cursor paging (RFC 9865 §2).
fn list_reply(resources: Vec<Value>, total: u64, query: &SearchQuery, paging: Paging) -> Reply {
    let n = resources.len() as u64;
    let list = match paging {
        Paging::Index => ListResponse::new(resources, total).paged(query.start_index, n),
        Paging::Cursor(binding) => {
            let (offset, count) = (query.start_index - 1, query.count);
            let at = |offset| {
                Cursor {
                    offset,
                    count,
                    issued: now_secs(),
                }
                .encode(&binding)
            };
            let mut list = ListResponse::new(resources, total);
            list.items_per_page = Some(n);
            if n > 0 && offset.saturating_add(n) < total {
                list.next_cursor = Some(at(offset + n));
            }
            if offset > 0 && count > 0 {
                list.previous_cursor = Some(at(offset.saturating_sub(count)));
            }
            list
        }
    };
    Reply::json(200, serde_json::to_value(list).unwrap_or(Value::Null))
}

pub(crate) async fn query(
    call: &Call<'_>,
    rt: &ResourceType,
    params: Params,
) -> Result<Reply, ScimError> {
    let view = params.view(call, rt)?;
    let (mut query, paging) = build_query(call, &params, &rt.name)?;
    groups_filter::rewrite(call, rt, &mut query).await?;
    query.hint = view.hint.clone();
    let page = call.inner.store.search(call.ctx, rt, &query).await?;
    let mut resources = Vec::with_capacity(page.resources.len());
    for resource in page.resources {
        let served = Served::for_view(call, rt, &resource, &view).await?;
        resources.push(render(call, rt, resource, served, &view)?);
    }
    Ok(list_reply(resources, page.total_results, &query, paging))
}

pub(crate) async fn search(
    call: &Call<'_>,
    rt: &ResourceType,
    body: &[u8],
) -> Result<Reply, ScimError> {
    query(call, rt, Params::from_body(body)?).await
}

pub(crate) async fn search_all(call: &Call<'_>, body: &[u8]) -> Result<Reply, ScimError> {
    query_all(call, Params::from_body(body)?).await
}

/// A query across every resource type (RFC 7644 §3.4.2.1): each type is searched for the
/// first `startIndex + count - 1` matches, the results are merged (by the sort key, else
/// type by type in registry order) and the page is cut from the merge.
pub(crate) async fn query_all(call: &Call<'_>, params: Params) -> Result<Reply, ScimError> {
    let (base, paging) = build_query(call, &params, "/")?;
    let (start, count) = (base.start_index, base.count);
    let needed = start.saturating_sub(1).saturating_add(count);
    let mut merged: Vec<(Option<scimkit_filter::SortKey>, &ResourceType, Value)> = Vec::new();
    let mut views = std::collections::HashMap::new();
    let mut total = 0u64;
    for rt in call.registry().resource_types() {
        let view = params.view(call, rt)?;
        let mut query = base.clone().with_page(1, needed);
        groups_filter::rewrite(call, rt, &mut query).await?;
        query.hint = view.hint.clone();
        if let Some(sort) = &base.sort {
            // The merge below reads the sort key from what the store returns. Regression
            // (tester): an extension attribute spelled without its URN, or in another case,
            // was left out.
            if let Some(key) = top_level_key(call.registry(), rt, &sort.by.to_string()) {
                query.hint.omit.retain(|k| !k.eq_ignore_ascii_case(&key));
            }
        }
        views.insert(rt.name.clone(), view);
        let page = call.inner.store.search(call.ctx, rt, &query).await?;
        total += page.total_results;
        let sorter = match &base.sort {
            Some(sort) => Some(Sorter::compile(
                &sort.by,
                match sort.order {
                    SortOrder::Ascending => scimkit_filter::SortOrder::Ascending,
                    SortOrder::Descending => scimkit_filter::SortOrder::Descending,
                },
                call.registry(),
                rt,
                &base.filter_options,
            )?),
            None => None,
        };
        for resource in page.resources {
            let key = sorter.as_ref().map(|s| s.key(&resource));
            merged.push((key, rt, resource));
        }
    }
    if base.sort.is_some() {
        merged.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
    let take = usize::try_from(count).unwrap_or(usize::MAX);
    let mut resources = Vec::new();
    for (_, rt, resource) in merged.into_iter().skip(skip).take(take) {
        let view = views.get(&rt.name).cloned().unwrap_or_default();
        let served = Served::for_view(call, rt, &resource, &view).await?;
        resources.push(render(call, rt, resource, served, &view)?);
    }
    Ok(list_reply(resources, total, &base, paging))
}
