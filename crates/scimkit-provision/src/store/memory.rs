//! [`InMemoryStore`]: the reference store, thread-safe, with uniqueness and equality indexes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use scimkit_filter::{AttrExp, CompValue, CompareOp, Filter, Matcher, Sorter};
use scimkit_schema::{Resolved, ResourceType, SchemaRegistry, SortOrder};
use serde_json::Value;

use super::meta::created_of;
use super::{
    BoxFuture, Page, ReadHint, SearchQuery, Store, StoreError, UniqueAttributes, Version, new_id,
    now_timestamp, project_hint, stamp_meta,
};
use crate::tenant::RequestContext;

/// The reference [`Store`]: everything in memory, per tenant behind a read-write lock, so
/// reads of one tenant run in parallel and never wait for another tenant's writes.
///
/// - Uniqueness indexes per unique attribute ([`UniqueAttributes`]), keyed per `caseExact`.
/// - Equality indexes on `id`, `externalId`, the unique attributes and `members.value`: a
///   filter whose top-level conjunction holds `attr eq "value"` on one of them (what IdPs
///   send all day: `userName eq "..."`, `externalId eq "..."`; a user's groups:
///   `members[value eq "..."]`) looks up candidates instead of scanning; the full filter is
///   still evaluated on every candidate, so results equal the evaluator's.
/// - Other filters scan the tenant's resources of the type in creation order.
///
/// Data lives as long as the store; nothing is persisted.
///
/// ```
/// use std::sync::Arc;
/// use scimkit_provision::{InMemoryStore, ReadHint, RequestContext, Store};
/// use scimkit_schema::SchemaRegistry;
/// use serde_json::json;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let registry = Arc::new(SchemaRegistry::core());
/// let store = InMemoryStore::new(registry.clone());
/// let users = registry.resource_type("User").unwrap();
/// let ctx = RequestContext::for_tenant("acme");
/// let created = store.create(&ctx, users, json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen"
/// })).await?;
/// let id = created["id"].as_str().unwrap();
/// let read = store.get(&ctx, users, id, &ReadHint::default()).await?;
/// assert_eq!(read["userName"], "bjensen");
/// assert_eq!(read["meta"]["resourceType"], "User");
///
/// // Another tenant sees nothing.
/// let other = RequestContext::for_tenant("globex");
/// assert!(store.get(&other, users, id, &ReadHint::default()).await.is_err());
/// # Ok::<(), scimkit_provision::StoreError>(())
/// # }).unwrap();
/// ```
pub struct InMemoryStore {
    registry: Arc<SchemaRegistry>,
    tenants: RwLock<HashMap<String, Arc<RwLock<TenantData>>>>,
    versions: AtomicU64,
}

#[derive(Default)]
struct TenantData {
    tables: HashMap<String, Table>,
}

struct Table {
    unique: UniqueAttributes,
    rows: HashMap<String, Row>,
    /// Creation sequence → id: the stable default order.
    order: BTreeMap<u64, String>,
    next_seq: u64,
    /// Per unique attribute: key → id.
    unique_index: Vec<HashMap<String, String>>,
    /// `externalId` (caseExact, RFC 7643 §3.1) → ids.
    external_ids: HashMap<String, HashSet<String>>,
    /// Lower-cased `members[].value` → ids of the resources listing it (Group membership,
    /// for `members[value eq "..."]`, e.g. a user's groups).
    members: HashMap<String, HashSet<String>>,
}

struct Row {
    seq: u64,
    resource: Value,
    version: Version,
}

impl Table {
    fn new(unique: UniqueAttributes) -> Table {
        let unique_index = vec![HashMap::new(); unique.len()];
        Table {
            unique,
            rows: HashMap::new(),
            order: BTreeMap::new(),
            next_seq: 0,
            unique_index,
            external_ids: HashMap::new(),
            members: HashMap::new(),
        }
    }

    /// Refuses values of `resource` that another resource (not `own_id`) holds.
    fn check_unique(&self, resource: &Value, own_id: Option<&str>) -> Result<(), StoreError> {
        for (index, value, key) in self.unique.keys(resource) {
            if let Some(holder) = self.unique_index[index].get(&key)
                && Some(holder.as_str()) != own_id
            {
                let attr = self.unique.get(index).map(|a| a.path.clone());
                return Err(StoreError::Uniqueness {
                    attribute: attr.unwrap_or_default(),
                    value: value.to_owned(),
                });
            }
        }
        Ok(())
    }

    fn index(&mut self, id: &str, resource: &Value) {
        for (index, _, key) in self.unique.keys(resource) {
            self.unique_index[index].insert(key, id.to_owned());
        }
        if let Some(ext) = external_id(resource) {
            self.external_ids
                .entry(ext.to_owned())
                .or_default()
                .insert(id.to_owned());
        }
        for member in member_values(resource) {
            self.members
                .entry(member)
                .or_default()
                .insert(id.to_owned());
        }
    }

    fn unindex(&mut self, id: &str, resource: &Value) {
        for (index, _, key) in self.unique.keys(resource) {
            if self.unique_index[index].get(&key).map(String::as_str) == Some(id) {
                self.unique_index[index].remove(&key);
            }
        }
        if let Some(ext) = external_id(resource)
            && let Some(ids) = self.external_ids.get_mut(ext)
        {
            ids.remove(id);
            if ids.is_empty() {
                self.external_ids.remove(ext);
            }
        }
        for member in member_values(resource) {
            if let Some(ids) = self.members.get_mut(&member) {
                ids.remove(id);
                if ids.is_empty() {
                    self.members.remove(&member);
                }
            }
        }
    }

    fn check_version(row: &Row, expected: Option<&Version>) -> Result<(), StoreError> {
        match expected {
            Some(expected) if *expected != row.version => Err(StoreError::VersionMismatch {
                current: row.version.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// `members[value eq "x"]` or `members.value eq "x"` (names ASCII case-insensitive): the
/// `x`. The candidates come from the member index (lower-cased, a superset of what the
/// evaluator matches whatever `caseExact` says); the evaluator decides.
fn member_equality(term: &Filter) -> Option<&str> {
    let is_members =
        |p: &scimkit_filter::AttrPath| p.urn.is_none() && p.name.eq_ignore_ascii_case("members");
    match term {
        Filter::ValuePath(vp) if is_members(&vp.attr) && vp.attr.sub_attr.is_none() => {
            match &*vp.filter {
                Filter::Attr(AttrExp::Compare {
                    path,
                    op: CompareOp::Eq,
                    value: CompValue::String(v),
                    ..
                }) if path.urn.is_none()
                    && path.sub_attr.is_none()
                    && path.name.eq_ignore_ascii_case("value") =>
                {
                    Some(v)
                }
                _ => None,
            }
        }
        Filter::Attr(AttrExp::Compare {
            path,
            op: CompareOp::Eq,
            value: CompValue::String(v),
            ..
        }) if is_members(path)
            && path
                .sub_attr
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("value")) =>
        {
            Some(v)
        }
        _ => None,
    }
}

fn external_id(resource: &Value) -> Option<&str> {
    resource
        .get("externalId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// The lower-cased `value`s of a resource's `members`.
fn member_values(resource: &Value) -> impl Iterator<Item = String> + '_ {
    resource
        .get("members")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("value").and_then(Value::as_str))
        .map(str::to_lowercase)
}

fn require_object(resource: &Value) -> Result<(), StoreError> {
    if resource.is_object() {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            scimkit_schema::ScimError::invalid_syntax("a resource must be a JSON object"),
        ))
    }
}

fn poisoned<T>(_: PoisonError<T>) -> StoreError {
    StoreError::Backend("a thread panicked while holding the in-memory store's lock".into())
}

/// Candidate rows for a filter, from an equality index when one applies.
enum Plan {
    Scan,
    Ids(Vec<String>),
}

impl InMemoryStore {
    /// An empty store for resources of the types in `registry` (it must be the registry the
    /// service uses: it decides which attributes are unique).
    pub fn new(registry: Arc<SchemaRegistry>) -> InMemoryStore {
        InMemoryStore {
            registry,
            tenants: RwLock::new(HashMap::new()),
            versions: AtomicU64::new(0),
        }
    }

    fn tenant(&self, ctx: &RequestContext) -> Result<Arc<RwLock<TenantData>>, StoreError> {
        if let Some(data) = self.tenants.read().map_err(poisoned)?.get(ctx.tenant_id()) {
            return Ok(data.clone());
        }
        let mut tenants = self.tenants.write().map_err(poisoned)?;
        Ok(tenants
            .entry(ctx.tenant_id().to_owned())
            .or_default()
            .clone())
    }

    fn next_version(&self) -> Version {
        Version::new(self.versions.fetch_add(1, Ordering::Relaxed).to_string())
    }

    fn table<'t>(&self, data: &'t mut TenantData, resource_type: &ResourceType) -> &'t mut Table {
        data.tables
            .entry(resource_type.name.clone())
            .or_insert_with(|| Table::new(UniqueAttributes::of(&self.registry, resource_type)))
    }

    fn create_sync(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        mut resource: Value,
    ) -> Result<Value, StoreError> {
        require_object(&resource)?;
        let tenant = self.tenant(ctx)?;
        let mut data = tenant.write().map_err(poisoned)?;
        let table = self.table(&mut data, resource_type);
        table.check_unique(&resource, None)?;
        let id = new_id();
        let version = self.next_version();
        let now = now_timestamp();
        stamp_meta(
            &mut resource,
            &resource_type.name,
            &id,
            &version,
            None,
            &now,
        );
        table.index(&id, &resource);
        let seq = table.next_seq;
        table.next_seq += 1;
        table.order.insert(seq, id.clone());
        let copy = resource.clone();
        table.rows.insert(
            id,
            Row {
                seq,
                resource,
                version,
            },
        );
        Ok(copy)
    }

    fn get_sync(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        hint: &ReadHint,
    ) -> Result<Value, StoreError> {
        let tenant = self.tenant(ctx)?;
        let data = tenant.read().map_err(poisoned)?;
        data.tables
            .get(&resource_type.name)
            .and_then(|t| t.rows.get(id))
            .map(|row| project_hint(&row.resource, hint))
            .ok_or(StoreError::NotFound)
    }

    fn replace_sync(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        mut resource: Value,
        expected: Option<&Version>,
    ) -> Result<Value, StoreError> {
        require_object(&resource)?;
        let tenant = self.tenant(ctx)?;
        let mut data = tenant.write().map_err(poisoned)?;
        let table = self.table(&mut data, resource_type);
        let row = table.rows.get(id).ok_or(StoreError::NotFound)?;
        Table::check_version(row, expected)?;
        table.check_unique(&resource, Some(id))?;
        let version = self.next_version();
        let now = now_timestamp();
        let created = created_of(&row.resource).map(str::to_owned);
        stamp_meta(
            &mut resource,
            &resource_type.name,
            id,
            &version,
            created.as_deref(),
            &now,
        );
        let old = std::mem::replace(
            &mut table.rows.get_mut(id).ok_or(StoreError::NotFound)?.resource,
            resource,
        );
        table.unindex(id, &old);
        let row = table.rows.get_mut(id).ok_or(StoreError::NotFound)?;
        row.version = version;
        let copy = row.resource.clone();
        table.index(id, &copy);
        Ok(copy)
    }

    fn delete_sync(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        id: &str,
        expected: Option<&Version>,
    ) -> Result<(), StoreError> {
        let tenant = self.tenant(ctx)?;
        let mut data = tenant.write().map_err(poisoned)?;
        let table = self.table(&mut data, resource_type);
        let row = table.rows.get(id).ok_or(StoreError::NotFound)?;
        Table::check_version(row, expected)?;
        let row = table.rows.remove(id).ok_or(StoreError::NotFound)?;
        table.order.remove(&row.seq);
        table.unindex(id, &row.resource);
        Ok(())
    }

    fn search_sync(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        query: &SearchQuery,
    ) -> Result<Page, StoreError> {
        let matcher = query
            .filter
            .as_ref()
            .map(|f| Matcher::compile(f, &self.registry, resource_type, &query.filter_options))
            .transpose()?;
        let sorter = query
            .sort
            .as_ref()
            .map(|s| {
                let order = match s.order {
                    SortOrder::Ascending => scimkit_filter::SortOrder::Ascending,
                    SortOrder::Descending => scimkit_filter::SortOrder::Descending,
                };
                Sorter::compile(
                    &s.by,
                    order,
                    &self.registry,
                    resource_type,
                    &query.filter_options,
                )
            })
            .transpose()?;
        let tenant = self.tenant(ctx)?;
        let data = tenant.read().map_err(poisoned)?;
        let Some(table) = data.tables.get(&resource_type.name) else {
            return Ok(Page::default());
        };
        let matches = |row: &&Row| matcher.as_ref().is_none_or(|m| m.matches(&row.resource));
        let mut hits: Vec<&Row> = match self.plan(table, resource_type, query.filter.as_ref()) {
            Plan::Scan => table
                .order
                .values()
                .filter_map(|id| table.rows.get(id))
                .filter(matches)
                .collect(),
            Plan::Ids(ids) => {
                let mut rows: Vec<&Row> = ids
                    .iter()
                    .filter_map(|id| table.rows.get(id))
                    .filter(matches)
                    .collect();
                rows.sort_by_key(|r| r.seq);
                rows
            }
        };
        if let Some(sorter) = &sorter {
            hits.sort_by_cached_key(|row| sorter.key(&row.resource));
        }
        let total_results = hits.len() as u64;
        let skip = usize::try_from(query.start_index.max(1) - 1).unwrap_or(usize::MAX);
        let take = usize::try_from(query.count).unwrap_or(usize::MAX);
        let resources = hits
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|row| project_hint(&row.resource, &query.hint))
            .collect();
        Ok(Page {
            resources,
            total_results,
        })
    }

    /// Looks for `attr eq "string"` on an indexed attribute in the filter's top-level
    /// conjunction.
    fn plan(&self, table: &Table, resource_type: &ResourceType, filter: Option<&Filter>) -> Plan {
        let terms: &[Filter] = match filter {
            Some(Filter::And(terms)) => terms,
            Some(single @ (Filter::Attr(_) | Filter::ValuePath(_))) => std::slice::from_ref(single),
            _ => return Plan::Scan,
        };
        for term in terms {
            if let Some(value) = member_equality(term) {
                let ids = table.members.get(&value.to_lowercase());
                return Plan::Ids(ids.map(|s| s.iter().cloned().collect()).unwrap_or_default());
            }
            let Filter::Attr(AttrExp::Compare {
                path,
                op: CompareOp::Eq,
                value: CompValue::String(value),
                ..
            }) = term
            else {
                continue;
            };
            let Ok(Resolved::Attribute(attr)) =
                self.registry.resolve(resource_type, path.attr_ref())
            else {
                continue;
            };
            if attr.sub_attribute.is_some() {
                continue;
            }
            let canonical = attr.canonical_path();
            if attr.schema.is_none() && canonical == "id" {
                return Plan::Ids(vec![value.clone()]);
            }
            if attr.schema.is_none() && canonical == "externalId" {
                let ids = table.external_ids.get(value.as_str());
                return Plan::Ids(ids.map(|s| s.iter().cloned().collect()).unwrap_or_default());
            }
            if let Some(index) = table.unique.iter().position(|u| u.path == canonical) {
                let unique = &table.unique_index[index];
                let key = table.unique.get(index).map(|u| u.key(value));
                let ids = key.and_then(|k| unique.get(&k)).cloned();
                return Plan::Ids(ids.into_iter().collect());
            }
        }
        Plan::Scan
    }
}

impl Store for InMemoryStore {
    fn create<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        resource: Value,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(async move { self.create_sync(ctx, resource_type, resource) })
    }

    fn get<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        hint: &'a ReadHint,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(async move { self.get_sync(ctx, resource_type, id, hint) })
    }

    fn replace<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        resource: Value,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<Value, StoreError>> {
        Box::pin(async move { self.replace_sync(ctx, resource_type, id, resource, expected) })
    }

    fn delete<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        id: &'a str,
        expected: Option<&'a Version>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.delete_sync(ctx, resource_type, id, expected) })
    }

    fn search<'a>(
        &'a self,
        ctx: &'a RequestContext,
        resource_type: &'a ResourceType,
        query: &'a SearchQuery,
    ) -> BoxFuture<'a, Result<Page, StoreError>> {
        Box::pin(async move { self.search_sync(ctx, resource_type, query) })
    }
}
