//! The store conformance suite: checks any [`Store`] against the contract of
//! [`crate::store`]. Feature `conformance`.
//!
//! Every check is a public async function taking a fresh, empty store and the registry it was
//! built with; it panics (like an `assert!`) with a message naming the broken rule. Run them
//! from your store's tests with [`store_conformance_tests!`](crate::store_conformance_tests),
//! which writes one `#[tokio::test]` per check (your crate needs `tokio` with `macros` and
//! `rt-multi-thread` as a dev-dependency):
//!
//! ```text
//! // tests/conformance.rs of a store crate
//! use std::sync::Arc;
//! use scimkit_provision::Store;
//!
//! async fn fresh_store(registry: Arc<scimkit_schema::SchemaRegistry>) -> Arc<dyn Store> {
//!     Arc::new(my_store::MyStore::open_temporary(registry).await.unwrap())
//! }
//!
//! scimkit_provision::store_conformance_tests!(fresh_store);
//! ```
//!
//! or call [`run_all`] from one test. The in-memory store runs the suite in this crate's
//! `tests/store_conformance.rs`.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use scimkit_filter::{FilterOptions, Matcher, Sorter, parse_attr_path, parse_filter};
use scimkit_schema::{PatchOp, ResourceType, SchemaRegistry, ScimError, SortOrder};
use serde_json::{Value, json};

use crate::store::{ApplyPatch, PatchRequest, ReadHint, SearchQuery, Store, StoreError, Version};
use crate::tenant::RequestContext;

/// Names of every check, in the order [`run_all`] runs them.
pub const CHECKS: [&str; 10] = [
    "returns_copies",
    "versions",
    "uniqueness",
    "filter_and_sort_match_evaluator",
    "stable_paging",
    "tenant_isolation",
    "concurrent_patches_lose_nothing",
    "patch_by_replace_rules",
    "read_hint_keeps_the_rest",
    "patch_hint_keeps_meta",
];

/// Runs every check, each on a fresh store from `factory`.
pub async fn run_all<F, Fut>(factory: F)
where
    F: Fn(Arc<SchemaRegistry>) -> Fut,
    Fut: Future<Output = Arc<dyn Store>>,
{
    let registry = Arc::new(SchemaRegistry::core());
    returns_copies(factory(registry.clone()).await, registry.clone()).await;
    versions(factory(registry.clone()).await, registry.clone()).await;
    uniqueness(factory(registry.clone()).await, registry.clone()).await;
    filter_and_sort_match_evaluator(factory(registry.clone()).await, registry.clone()).await;
    stable_paging(factory(registry.clone()).await, registry.clone()).await;
    tenant_isolation(factory(registry.clone()).await, registry.clone()).await;
    concurrent_patches_lose_nothing(factory(registry.clone()).await, registry.clone()).await;
    patch_by_replace_rules(factory(registry.clone()).await, registry.clone()).await;
    read_hint_keeps_the_rest(factory(registry.clone()).await, registry.clone()).await;
    patch_hint_keeps_meta(factory(registry.clone()).await, registry).await;
}

/// Writes one `#[tokio::test]` per conformance check for a store built by `$factory`, an
/// `async fn(Arc<SchemaRegistry>) -> Arc<dyn Store>` (or a closure returning such a future).
#[macro_export]
macro_rules! store_conformance_tests {
    ($factory:expr) => {
        $crate::store_conformance_tests!(@each $factory,
            returns_copies, versions, uniqueness, filter_and_sort_match_evaluator,
            stable_paging, tenant_isolation, concurrent_patches_lose_nothing,
            patch_by_replace_rules, read_hint_keeps_the_rest, patch_hint_keeps_meta);
    };
    (@each $factory:expr, $($check:ident),+) => {
        $(
            #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $check() {
                let registry = ::std::sync::Arc::new(::scimkit_schema::SchemaRegistry::core());
                let store = ($factory)(registry.clone()).await;
                $crate::conformance::$check(store, registry).await;
            }
        )+
    };
}

fn users(registry: &SchemaRegistry) -> &ResourceType {
    registry
        .resource_type("User")
        .expect("core registry has User")
}

fn groups(registry: &SchemaRegistry) -> &ResourceType {
    registry
        .resource_type("Group")
        .expect("core registry has Group")
}

fn user(name: &str) -> Value {
    json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name})
}

fn id_of(resource: &Value) -> String {
    resource["id"]
        .as_str()
        .expect("stored resources have an id")
        .to_owned()
}

fn ids(resources: &[Value]) -> Vec<String> {
    resources.iter().map(id_of).collect()
}

/// Create and get return owned copies with a store-issued id and complete `meta`; changing a
/// returned value changes nothing stored; unknown ids are `NotFound`.
pub async fn returns_copies(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let rt = users(&registry);
    let mut input = user("copies");
    input["id"] = json!("client-chosen");
    let mut created = store.create(&ctx, rt, input).await.expect("create");
    let id = id_of(&created);
    assert_ne!(id, "client-chosen", "the store issues ids (RFC 7643 §3.1)");
    for key in ["resourceType", "created", "lastModified", "version"] {
        assert!(
            created["meta"][key].is_string(),
            "meta.{key} is set on create"
        );
    }
    assert_eq!(created["meta"]["resourceType"], "User");
    assert!(Version::of(&created).is_some(), "meta.version is an ETag");
    created["userName"] = json!("mutated");
    let read = store
        .get(&ctx, rt, &id, &ReadHint::default())
        .await
        .expect("get");
    assert_eq!(read["userName"], "copies", "create returned an alias");
    let mut read = read;
    read["userName"] = json!("mutated again");
    let again = store
        .get(&ctx, rt, &id, &ReadHint::default())
        .await
        .expect("get");
    assert_eq!(again["userName"], "copies", "get returned an alias");
    let page = store
        .search(&ctx, rt, &SearchQuery::all(10))
        .await
        .expect("search");
    assert_eq!(page.resources.len(), 1);
    assert!(matches!(
        store
            .get(&ctx, rt, "no-such-id", &ReadHint::default())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store
                .get(&ctx, groups(&registry), &id, &ReadHint::default())
                .await,
            Err(StoreError::NotFound)
        ),
        "ids are per resource type"
    );
}

/// Replace and delete check the expected version; each write issues a new one; replace keeps
/// `id` and `meta.created`; deleted resources are gone.
pub async fn versions(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let rt = users(&registry);
    let created = store
        .create(&ctx, rt, user("versions"))
        .await
        .expect("create");
    let id = id_of(&created);
    let v1 = Version::of(&created).expect("version");
    let mut body = user("versions");
    body["displayName"] = json!("Two");
    let replaced = store
        .replace(&ctx, rt, &id, body.clone(), Some(&v1))
        .await
        .expect("replace with the current version");
    let v2 = Version::of(&replaced).expect("version");
    assert_ne!(v1, v2, "a write issues a new version");
    assert_eq!(replaced["id"], json!(id));
    assert_eq!(replaced["displayName"], "Two");
    assert_eq!(
        replaced["meta"]["created"], created["meta"]["created"],
        "created is kept"
    );
    assert!(
        matches!(
            store.replace(&ctx, rt, &id, body.clone(), Some(&v1)).await,
            Err(StoreError::VersionMismatch { current }) if current == v2
        ),
        "replace with a stale version fails"
    );
    assert!(
        matches!(
            store.delete(&ctx, rt, &id, Some(&v1)).await,
            Err(StoreError::VersionMismatch { .. })
        ),
        "delete with a stale version fails"
    );
    let unchanged = store
        .get(&ctx, rt, &id, &ReadHint::default())
        .await
        .expect("get");
    assert_eq!(
        Version::of(&unchanged),
        Some(v2.clone()),
        "failed writes change nothing"
    );
    let v3 = Version::of(
        &store
            .replace(&ctx, rt, &id, body, None)
            .await
            .expect("replace without a version"),
    )
    .expect("version");
    assert_ne!(v3, v2);
    store
        .delete(&ctx, rt, &id, Some(&v3))
        .await
        .expect("delete with the current version");
    assert!(matches!(
        store.get(&ctx, rt, &id, &ReadHint::default()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete(&ctx, rt, &id, None).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store.replace(&ctx, rt, &id, user("versions"), None).await,
            Err(StoreError::NotFound)
        ),
        "replace never creates (RFC 7644 §3.5.1)"
    );
}

/// `userName` is unique per tenant, case-insensitively; updates and deletes release values;
/// non-unique attributes (Group `displayName`) may repeat.
pub async fn uniqueness(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let rt = users(&registry);
    let ada = store
        .create(&ctx, rt, user("ada@example.com"))
        .await
        .expect("create");
    let ada_id = id_of(&ada);
    match store.create(&ctx, rt, user("ADA@Example.COM")).await {
        Err(StoreError::Uniqueness { attribute, value }) => {
            assert_eq!(attribute, "userName");
            assert_eq!(value, "ADA@Example.COM");
        }
        other => panic!("a case variant of a taken userName must clash, got {other:?}"),
    }
    let grace = store
        .create(&ctx, rt, user("grace@example.com"))
        .await
        .expect("create");
    let grace_id = id_of(&grace);
    assert!(
        matches!(
            store
                .replace(&ctx, rt, &grace_id, user("Ada@example.com"), None)
                .await,
            Err(StoreError::Uniqueness { .. })
        ),
        "replace cannot take another resource's value"
    );
    store
        .replace(&ctx, rt, &ada_id, user("ADA@example.com"), None)
        .await
        .expect("a resource may keep (or re-case) its own value");
    store
        .replace(&ctx, rt, &ada_id, user("ada.lovelace@example.com"), None)
        .await
        .expect("rename");
    store
        .replace(&ctx, rt, &ada_id, user("ada.lovelace@example.com"), None)
        .await
        .expect("an update that keeps the value");
    assert!(
        matches!(
            store
                .create(&ctx, rt, user("Ada.Lovelace@example.com"))
                .await,
            Err(StoreError::Uniqueness { .. })
        ),
        "an update that keeps the value keeps holding it"
    );
    store
        .create(&ctx, rt, user("ada@example.com"))
        .await
        .expect("the old value is released by the update");
    store
        .delete(&ctx, rt, &grace_id, None)
        .await
        .expect("delete");
    store
        .create(&ctx, rt, user("grace@example.com"))
        .await
        .expect("the value is released by the delete (RFC 7644 §3.6)");
    let g = groups(&registry);
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Same"});
    store.create(&ctx, g, group.clone()).await.expect("group");
    store
        .create(&ctx, g, group)
        .await
        .expect("Group displayName is not unique (RFC 7643 §4.2)");
}

fn fixture_users() -> Vec<Value> {
    let titles = ["Engineer", "Tour Guide", "engineer", "", "Manager"];
    (0..30)
        .map(|i| {
            let mut u = json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                "userName": format!("user{:02}@{}", (i * 7) % 30, if i % 2 == 0 { "Example.com" } else { "example.org" }),
                "externalId": format!("ext-{}", i % 10),
                "active": i % 3 != 0,
                "name": {"givenName": format!("Given{}", i % 4), "familyName": format!("Family{}", 29 - i)},
                "emails": [
                    {"type": "work", "value": format!("w{i}@example.com"), "primary": i % 2 == 0},
                    {"type": "home", "value": format!("h{i}@example.org")}
                ],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                    "employeeNumber": format!("{}", 1000 + (i * 13) % 30),
                    "department": if i % 4 == 0 { "Research" } else { "Sales" }
                }
            });
            let title = titles[i % titles.len()];
            if !title.is_empty() {
                u["title"] = json!(title);
            }
            if i % 5 == 0 {
                u["nickName"] = json!(format!("Nick{}", i % 3));
            }
            u
        })
        .collect()
}

const FILTERS: [&str; 16] = [
    r#"userName eq "USER07@EXAMPLE.ORG""#,
    r#"userName sw "user1""#,
    r#"userName ew "example.com" and active eq true"#,
    r#"externalId eq "ext-3""#,
    r#"externalId eq "EXT-3""#,
    r#"title eq "engineer""#,
    r#"title pr"#,
    r#"not (title pr)"#,
    r#"nickName pr or name.givenName eq "Given1""#,
    r#"emails[type eq "work" and value co "1"]"#,
    r#"emails.value ew "example.org""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Research""#,
    r#"employeeNumber ge "1010" and employeeNumber lt "1020""#,
    r#"meta.resourceType eq "User" and active eq false"#,
    r#"userName eq "user07@example.org" and title eq "nobody""#,
    r#"id eq "no-such-id""#,
];

const SORTS: [(&str, SortOrder); 5] = [
    ("userName", SortOrder::Ascending),
    ("userName", SortOrder::Descending),
    ("title", SortOrder::Ascending),
    ("name.familyName", SortOrder::Descending),
    ("emails", SortOrder::Ascending),
];

/// Search results (ids, order and totals) equal what [`Matcher`] and [`Sorter`] give over all
/// resources, for a set of filters (equality on indexed and unindexed attributes, `caseExact`
/// and not, `pr`, `not`, value paths, extension attributes, ordering operators) and sorts.
pub async fn filter_and_sort_match_evaluator(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let rt = users(&registry);
    let mut all = Vec::new();
    for u in fixture_users() {
        all.push(store.create(&ctx, rt, u).await.expect("create"));
    }
    let options = FilterOptions::lenient();
    let sorts = std::iter::once(None).chain(SORTS.iter().map(Some));
    let sorts: Vec<_> = sorts.collect();
    for text in FILTERS {
        let filter = parse_filter(text).expect("fixture filter parses");
        let matcher = Matcher::compile(&filter, &registry, rt, &options).expect("compiles");
        for sort in &sorts {
            let mut expected: Vec<&Value> = all.iter().filter(|r| matcher.matches(r)).collect();
            let mut query = SearchQuery::all(1000).with_filter(filter.clone());
            query.filter_options = options.clone();
            if let Some((by, order)) = sort {
                let path = parse_attr_path(by).expect("sort path");
                let filter_order = match order {
                    SortOrder::Ascending => scimkit_filter::SortOrder::Ascending,
                    SortOrder::Descending => scimkit_filter::SortOrder::Descending,
                };
                let sorter =
                    Sorter::compile(&path, filter_order, &registry, rt, &options).expect("sorter");
                expected.sort_by_cached_key(|r| sorter.key(r));
                query = query.with_sort(path, *order);
            }
            let page = store.search(&ctx, rt, &query).await.expect("search");
            let want: Vec<String> = expected.iter().map(|r| id_of(r)).collect();
            assert_eq!(
                page.total_results,
                want.len() as u64,
                "totalResults for {text:?} sorted by {sort:?}"
            );
            assert_eq!(
                ids(&page.resources),
                want,
                "results of {text:?} sorted by {sort:?}"
            );
        }
    }
    let g = groups(&registry);
    let mut all_groups = Vec::new();
    for (n, members) in [vec!["m1", "M2"], vec!["m2"], vec![], vec!["m3", "m1"]]
        .into_iter()
        .enumerate()
    {
        let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
        let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": format!("G{n}"), "members": members});
        all_groups.push(store.create(&ctx, g, group).await.expect("create group"));
    }
    for text in [
        r#"members[value eq "m1"]"#,
        r#"members.value eq "M2""#,
        r#"MEMBERS[VALUE eq "m9"]"#,
        r#"members[value eq "m1"] and displayName eq "G3""#,
    ] {
        let filter = parse_filter(text).expect("parses");
        let matcher = Matcher::compile(&filter, &registry, g, &options).expect("compiles");
        let want: Vec<String> = all_groups
            .iter()
            .filter(|r| matcher.matches(r))
            .map(id_of)
            .collect();
        let page = store
            .search(&ctx, g, &SearchQuery::all(100).with_filter(filter))
            .await
            .expect("search");
        assert_eq!(ids(&page.resources), want, "results of {text:?}");
    }
    let bad = parse_filter("active gt true").expect("parses");
    let err = store
        .search(&ctx, rt, &SearchQuery::all(10).with_filter(bad))
        .await
        .expect_err("gt on a boolean is refused (RFC 7644 §3.4.2.2)");
    let scim: ScimError = err.into();
    assert_eq!(scim.status, 400);
}

/// Paging through all results (with and without a sort) yields each match exactly once, in
/// the same order as one big page; `count = 0` gives only the total; a start past the end
/// gives an empty page with the real total.
pub async fn stable_paging(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let rt = users(&registry);
    for u in fixture_users().into_iter().take(25) {
        store.create(&ctx, rt, u).await.expect("create");
    }
    let title = parse_attr_path("title").expect("path");
    for sort in [None, Some(title)] {
        let base = match &sort {
            Some(path) => SearchQuery::all(1000).with_sort(path.clone(), SortOrder::Ascending),
            None => SearchQuery::all(1000),
        };
        let whole = store.search(&ctx, rt, &base).await.expect("search");
        assert_eq!(whole.total_results, 25);
        let mut paged = Vec::new();
        let mut start = 1;
        while start <= 25 {
            let page = store
                .search(&ctx, rt, &base.clone().with_page(start, 7))
                .await
                .expect("page");
            assert_eq!(page.total_results, 25, "every page reports all matches");
            assert!(page.resources.len() <= 7, "a page never exceeds count");
            paged.extend(ids(&page.resources));
            start += 7;
        }
        assert_eq!(
            paged,
            ids(&whole.resources),
            "pages concatenate to the whole, sort {sort:?}"
        );
        let unique: HashSet<&String> = paged.iter().collect();
        assert_eq!(unique.len(), 25, "no resource twice");
        let again = store.search(&ctx, rt, &base).await.expect("search");
        assert_eq!(
            ids(&again.resources),
            ids(&whole.resources),
            "order is stable"
        );
    }
    let zero = store
        .search(&ctx, rt, &SearchQuery::all(0))
        .await
        .expect("count 0");
    assert_eq!((zero.total_results, zero.resources.len()), (25, 0));
    let past = store
        .search(&ctx, rt, &SearchQuery::all(10).with_page(100, 10))
        .await
        .expect("past the end");
    assert_eq!((past.total_results, past.resources.len()), (25, 0));
}

/// Nothing of one tenant is visible to, or changeable by, another; unique values are per
/// tenant.
pub async fn tenant_isolation(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let a = RequestContext::for_tenant("tenant-a");
    let b = RequestContext::for_tenant("tenant-b");
    let rt = users(&registry);
    let created = store
        .create(&a, rt, user("shared@example.com"))
        .await
        .expect("create");
    let id = id_of(&created);
    let hint = ReadHint::default();
    assert!(matches!(
        store.get(&b, rt, &id, &hint).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.replace(&b, rt, &id, user("x"), None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete(&b, rt, &id, None).await,
        Err(StoreError::NotFound)
    ));
    let filter = parse_filter(r#"userName eq "shared@example.com""#).expect("parses");
    let query = SearchQuery::all(10).with_filter(filter);
    assert_eq!(
        store
            .search(&b, rt, &query)
            .await
            .expect("search")
            .total_results,
        0
    );
    store
        .create(&b, rt, user("shared@example.com"))
        .await
        .expect("userName is unique per tenant (RFC 7644 §6.2)");
    assert_eq!(
        store
            .search(&a, rt, &query)
            .await
            .expect("search")
            .total_results,
        1
    );
    assert!(
        store.get(&a, rt, &id, &hint).await.is_ok(),
        "tenant b changed nothing of a"
    );
}

/// Adds one member per call to a group's `members` (the conformance suite's stand-in for
/// the PATCH engine).
struct AddMember(String);

impl ApplyPatch for AddMember {
    fn apply(&self, resource: &mut Value) -> Result<bool, ScimError> {
        let members = resource
            .as_object_mut()
            .ok_or_else(|| ScimError::invalid_syntax("not an object"))?
            .entry("members")
            .or_insert_with(|| json!([]));
        let list = members
            .as_array_mut()
            .ok_or_else(|| ScimError::invalid_syntax("members is not an array"))?;
        if list.iter().any(|m| m["value"] == json!(self.0)) {
            return Ok(false);
        }
        list.push(json!({"value": self.0}));
        Ok(true)
    }
}

fn add_member_patch(id: &str) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": id}]}]
    }))
    .expect("PatchOp")
}

/// 32 concurrent PATCHes, each adding one member to the same group without `If-Match`, all
/// succeed and no member is lost; of concurrent replaces that expect the same version,
/// exactly one wins.
pub async fn concurrent_patches_lose_nothing(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = Arc::new(RequestContext::for_tenant("t1"));
    let group =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Crowd"});
    let created = store
        .create(&ctx, groups(&registry), group.clone())
        .await
        .expect("create");
    let gid = id_of(&created);
    let mut tasks = Vec::new();
    for n in 0..32 {
        let (store, registry, ctx, gid) =
            (store.clone(), registry.clone(), ctx.clone(), gid.clone());
        tasks.push(tokio::spawn(async move {
            let member = format!("member-{n}");
            let patch = add_member_patch(&member);
            let apply = AddMember(member);
            let mut request = PatchRequest::new(&patch, &apply);
            request.max_attempts = 1000;
            store
                .patch(&ctx, groups(&registry), &gid, &request)
                .await
                .map(|o| o.changed)
        }));
    }
    for task in tasks {
        let changed = task
            .await
            .expect("task")
            .expect("concurrent PATCH must not fail");
        assert!(changed);
    }
    let stored = store
        .get(&ctx, groups(&registry), &gid, &ReadHint::default())
        .await
        .expect("get");
    let members: HashSet<String> = stored["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["value"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(members.len(), 32, "every concurrent PATCH's member is kept");

    let version = Version::of(&stored).expect("version");
    let mut racers = Vec::new();
    for n in 0..8 {
        let (store, registry, ctx, gid, version) = (
            store.clone(),
            registry.clone(),
            ctx.clone(),
            gid.clone(),
            version.clone(),
        );
        let mut body = group.clone();
        body["displayName"] = json!(format!("Racer {n}"));
        racers.push(tokio::spawn(async move {
            store
                .replace(&ctx, groups(&registry), &gid, body, Some(&version))
                .await
                .is_ok()
        }));
    }
    let mut wins = 0;
    for racer in racers {
        wins += usize::from(racer.await.expect("task"));
    }
    assert_eq!(
        wins, 1,
        "exactly one replace with the same expected version wins"
    );
}

/// The default PATCH path: `If-Match` mismatches are final, a PATCH that changes nothing
/// keeps the version, a refused PATCH changes nothing.
pub async fn patch_by_replace_rules(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let g = groups(&registry);
    let created = store
        .create(
            &ctx,
            g,
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "P"}),
        )
        .await
        .expect("create");
    let gid = id_of(&created);
    let v1 = Version::of(&created).expect("version");
    let patch = add_member_patch("m1");
    let apply = AddMember("m1".into());
    let stale = Version::new("stale");
    let mut request = PatchRequest::new(&patch, &apply);
    request.expected = Some(&stale);
    assert!(
        matches!(
            store.patch(&ctx, g, &gid, &request).await,
            Err(StoreError::VersionMismatch { .. })
        ),
        "If-Match mismatch is final (412)"
    );
    request.expected = Some(&v1);
    let first = store.patch(&ctx, g, &gid, &request).await.expect("patch");
    assert!(first.changed);
    let v2 = Version::of(&first.resource).expect("version");
    assert_ne!(v1, v2);
    let again = store
        .patch(&ctx, g, &gid, &PatchRequest::new(&patch, &apply))
        .await
        .expect("no-op patch");
    assert!(
        !again.changed,
        "adding an existing member changes nothing (RFC 7644 §3.5.2.1)"
    );
    assert_eq!(
        Version::of(&again.resource),
        Some(v2.clone()),
        "no new version for a no-op"
    );
    let refuse = |_: &mut Value| -> Result<bool, ScimError> { Err(ScimError::no_target("nope")) };
    let err = store
        .patch(&ctx, g, &gid, &PatchRequest::new(&patch, &refuse))
        .await
        .expect_err("refused");
    assert!(matches!(err, StoreError::Invalid(e) if e.status == 400));
    let after = store
        .get(&ctx, g, &gid, &ReadHint::default())
        .await
        .expect("get");
    assert_eq!(
        Version::of(&after),
        Some(v2),
        "a refused PATCH changes nothing"
    );
    assert!(matches!(
        store
            .patch(&ctx, g, "missing", &PatchRequest::new(&patch, &apply))
            .await,
        Err(StoreError::NotFound)
    ));
}

/// Creates the group the hint checks read: `displayName`, `externalId` and one member.
async fn create_hinted_group(
    store: &dyn Store,
    ctx: &RequestContext,
    g: &ResourceType,
    member: &str,
) -> Value {
    store
        .create(
            ctx,
            g,
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Hinted", "externalId": "e1", "members": [{"value": member}]}),
        )
        .await
        .expect("create")
}

/// A [`ReadHint`] may drop the attributes it names, never others.
pub async fn read_hint_keeps_the_rest(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let g = groups(&registry);
    let created = create_hinted_group(store.as_ref(), &ctx, g, "m").await;
    let gid = id_of(&created);
    let hint = ReadHint {
        omit: vec!["members".into()],
    };
    let read = store.get(&ctx, g, &gid, &hint).await.expect("get");
    for key in ["id", "displayName", "externalId", "schemas", "meta"] {
        assert_eq!(read[key], created[key], "{key} is kept under a hint");
    }
    let full = store
        .get(&ctx, g, &gid, &ReadHint::default())
        .await
        .expect("get");
    assert_eq!(full["members"], json!([{"value": "m"}]));
}

fn member_values(resource: &Value) -> Vec<String> {
    resource["members"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|m| m["value"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A PATCH with a [`PatchRequest::hint`] stores exactly what it would without one; its
/// outcome keeps `id`, `schemas`, `meta` with the new version (the ETag) and every attribute
/// the hint does not name, may lack the ones it names, and is complete whenever it carries
/// `before` (RFC 7644 §3.5.2, §3.9).
pub async fn patch_hint_keeps_meta(store: Arc<dyn Store>, registry: Arc<SchemaRegistry>) {
    let ctx = RequestContext::for_tenant("t1");
    let g = groups(&registry);
    let created = create_hinted_group(store.as_ref(), &ctx, g, "m1").await;
    let gid = id_of(&created);
    let hints = [
        (vec!["members"], "m2"),
        (vec!["externalId", "displayName", "members"], "m3"),
    ];
    let mut version = Version::of(&created);
    let mut want = vec!["m1".to_owned()];
    for (omit, member) in hints {
        let hint = ReadHint {
            omit: omit.iter().map(|s| (*s).to_owned()).collect(),
        };
        let patch = add_member_patch(member);
        let apply = AddMember(member.into());
        let request = PatchRequest::new(&patch, &apply).with_hint(hint.clone());
        let outcome = store.patch(&ctx, g, &gid, &request).await.expect("patch");
        assert!(outcome.changed, "adding {member} changes the group");
        let stored = store
            .get(&ctx, g, &gid, &ReadHint::default())
            .await
            .expect("get");
        want.push(member.to_owned());
        assert_eq!(
            member_values(&stored),
            want,
            "the hint changes nothing stored"
        );
        assert_ne!(Version::of(&stored), version, "a change is a new version");
        version = Version::of(&stored);
        let got = &outcome.resource;
        for (key, value) in stored.as_object().expect("object") {
            match got.get(key) {
                Some(returned) => assert_eq!(returned, value, "{key} as stored under {omit:?}"),
                None => assert!(
                    hint.omits(key),
                    "{key} is left out of the PATCH outcome though {omit:?} does not name it"
                ),
            }
        }
        if outcome.before.is_some() {
            assert_eq!(got, &stored, "an outcome with `before` is complete");
        }
        let again = store
            .patch(&ctx, g, &gid, &request)
            .await
            .expect("no-op patch");
        assert!(!again.changed, "adding {member} again changes nothing");
        assert_eq!(
            Version::of(&again.resource),
            version,
            "a no-op keeps the version, hint or not"
        );
        assert_eq!(again.resource["id"], stored["id"]);
    }
}
