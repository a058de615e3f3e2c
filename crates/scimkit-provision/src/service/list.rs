//! Queries: `GET /{type}` and `POST /{type}/.search` (RFC 7644 §3.4.2, §3.4.3), and the
//! same across all types at the root.

use scimkit_filter::{FilterOptions, Sorter, UnknownAttribute};
use scimkit_schema::{ListResponse, ResourceType, ScimError, SearchRequest, SortOrder};
use serde_json::Value;

use super::resources::render;
use super::served::Served;
use super::view::View;
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
    attributes: Option<String>,
    excluded: Option<String>,
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

fn build_query(
    call: &Call<'_>,
    params: &Params,
    multi_type: bool,
) -> Result<SearchQuery, ScimError> {
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
    let (start, count) = page(call, params);
    let mut query = SearchQuery::all(count).with_page(start, count);
    query.filter = filter;
    query.filter_options = options;
    if let Some(by) = sort {
        query = query.with_sort(by, params.sort_order.unwrap_or_default());
    }
    Ok(query)
}

fn list_reply(resources: Vec<Value>, total: u64, start: u64) -> Reply {
    let n = resources.len() as u64;
    let list = ListResponse::new(resources, total).paged(start, n);
    Reply::json(200, serde_json::to_value(list).unwrap_or(Value::Null))
}

pub(crate) async fn query(
    call: &Call<'_>,
    rt: &ResourceType,
    params: Params,
) -> Result<Reply, ScimError> {
    let view = params.view(call, rt)?;
    let mut query = build_query(call, &params, false)?;
    groups_filter::rewrite(call, rt, &mut query).await?;
    query.hint = view.hint.clone();
    let page = call.inner.store.search(call.ctx, rt, &query).await?;
    let mut resources = Vec::with_capacity(page.resources.len());
    for resource in page.resources {
        let served = Served::for_view(call, rt, &resource, &view).await?;
        resources.push(render(call, rt, resource, served, &view)?);
    }
    Ok(list_reply(resources, page.total_results, query.start_index))
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
    let base = build_query(call, &params, true)?;
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
    Ok(list_reply(resources, total, start))
}
