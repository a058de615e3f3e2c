//! Search regressions, each with the smallest input found by tests/differential.rs; results
//! are compared with the in-memory reference store.

use std::sync::Arc;

use scimkit_filter::{parse_attr_path, parse_filter};
use scimkit_provision::{InMemoryStore, RequestContext, SearchQuery, Store};
use scimkit_schema::{SchemaRegistry, SortOrder};
use scimkit_sqlite::SqliteStore;
use serde_json::{Value, json};

async fn both(population: &[Value]) -> (SqliteStore, InMemoryStore, Arc<SchemaRegistry>) {
    let registry = Arc::new(SchemaRegistry::core());
    let sqlite = SqliteStore::open_temporary(registry.clone())
        .await
        .expect("open");
    let memory = InMemoryStore::new(registry.clone());
    let users = registry.resource_type("User").expect("User");
    let ctx = RequestContext::for_tenant("t");
    for u in population {
        sqlite.create(&ctx, users, u.clone()).await.expect("create");
        memory.create(&ctx, users, u.clone()).await.expect("create");
    }
    (sqlite, memory, registry)
}

async fn user_names(
    store: &dyn Store,
    registry: &SchemaRegistry,
    query: &SearchQuery,
) -> Vec<Value> {
    let users = registry.resource_type("User").expect("User");
    let page = store
        .search(&RequestContext::for_tenant("t"), users, query)
        .await
        .expect("search");
    page.resources
        .iter()
        .map(|r| r["userName"].clone())
        .collect()
}

fn user(name: &str, extra: Value) -> Value {
    let mut u =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name});
    if let (Some(u), Value::Object(extra)) = (u.as_object_mut(), extra) {
        u.extend(extra);
    }
    u
}

/// RFC 7644 §3.4.2.3: resources without a value (`""` or absent) sort last ascending, first
/// descending, and keep their creation order among themselves. SQL put NULL before `""`.
#[tokio::test]
async fn empty_and_absent_sort_keys_tie() {
    let population = [
        user("u1", json!({"title": ""})),
        user("u2", json!({})),
        user("u3", json!({"title": "a"})),
    ];
    let (sqlite, memory, registry) = both(&population).await;
    for order in [SortOrder::Ascending, SortOrder::Descending] {
        let query = SearchQuery::all(10).with_sort(parse_attr_path("title").unwrap(), order);
        let got = user_names(&sqlite, &registry, &query).await;
        assert_eq!(
            got,
            user_names(&memory, &registry, &query).await,
            "{order:?}"
        );
    }
    let query =
        SearchQuery::all(10).with_sort(parse_attr_path("title").unwrap(), SortOrder::Ascending);
    assert_eq!(
        user_names(&sqlite, &registry, &query).await,
        [json!("u3"), json!("u1"), json!("u2")]
    );
}

/// A page past the first of a filter translated to a correlated `EXISTS` (`emails.value pr`)
/// starts at `startIndex` (RFC 7644 §3.4.2.4).
#[tokio::test]
async fn offset_with_exists() {
    let population: Vec<Value> = (0..8)
        .map(|i| {
            user(
                &format!("u{i}"),
                json!({"name": {"givenName": if i % 2 == 0 { "" } else { "a" }},
                       "emails": [{"value": format!("u{i}@example.com")}]}),
            )
        })
        .collect();
    let (sqlite, memory, registry) = both(&population).await;
    let filter = parse_filter(r#"(emails.value pr) and (name.givenName lt "ada")"#).unwrap();
    for start in 1..6 {
        let query = SearchQuery::all(3)
            .with_filter(filter.clone())
            .with_page(start, 3);
        let got = user_names(&sqlite, &registry, &query).await;
        assert_eq!(
            got,
            user_names(&memory, &registry, &query).await,
            "startIndex {start}"
        );
    }
    let query = SearchQuery::all(3).with_filter(filter).with_page(2, 3);
    assert_eq!(
        user_names(&sqlite, &registry, &query).await,
        [json!("u1"), json!("u2"), json!("u3")]
    );
}

/// Regression: an `or` chain of 1,501 `eq` terms on several attributes (like a bulk lookup by
/// id, RFC 7644 §3.4.2.2; filters may hold 10,000 terms) was pushed down as one flat SQL chain, which SQLite
/// refuses ("Expression tree is too large (maximum depth 1000)"): the search failed.
#[tokio::test]
async fn a_long_or_chain_is_searched() {
    let population: Vec<Value> = (0..1_500)
        .map(|i| {
            user(
                &format!("u{i}"),
                json!({"externalId": format!("e{i}"), "title": format!("t{i}")}),
            )
        })
        .collect();
    let (sqlite, memory, registry) = both(&population).await;
    let terms: Vec<String> = (0..1_500)
        .rev()
        .map(|i| match i % 3 {
            0 => format!("userName eq \"U{i}\""),
            1 => format!("externalId eq \"e{i}\""),
            _ => format!("title eq \"t{i}\""),
        })
        .chain(std::iter::once("externalId eq \"nobody\"".to_owned()))
        .collect();
    let filter = parse_filter(&terms.join(" or ")).expect("parse");
    let query = SearchQuery::all(2_000).with_filter(filter);
    let from_memory = user_names(&memory, &registry, &query).await;
    let from_sqlite = user_names(&sqlite, &registry, &query).await;
    assert_eq!(from_memory.len(), 1_500);
    assert_eq!(from_sqlite, from_memory);
}

/// RFC 7644 §3.4.2.4: `totalResults` counts every match whatever `startIndex` and `count`
/// say. The page statement reads the first `startIndex - 1 + count` matches (at least one)
/// and counts the rest only when it read that many: every edge of that rule (no match, page
/// one short, exactly full, one over, `count` 0, past the end), with and without a filter
/// and a sort, must give the reference store's totals and pages.
#[tokio::test]
async fn totals_and_pages_at_the_page_limit() {
    for size in [0usize, 1, 2, 3, 5] {
        let population: Vec<Value> = (0..size)
            .map(|i| {
                user(
                    &format!("u{i}"),
                    json!({"title": if i % 2 == 0 { "even" } else { "odd" }}),
                )
            })
            .collect();
        let (sqlite, memory, registry) = both(&population).await;
        let users = registry.resource_type("User").expect("User");
        let ctx = RequestContext::for_tenant("t");
        for filter in [
            None,
            Some(r#"userName sw "u""#),
            Some(r#"userName eq "u1""#),
            Some(r#"userName eq "none""#),
        ] {
            for sort in [None, Some(SortOrder::Descending)] {
                for start in 1..=size as u64 + 2 {
                    for count in 0..=size as u64 + 1 {
                        let mut query = SearchQuery::all(count).with_page(start, count);
                        if let Some(f) = filter {
                            query = query.with_filter(parse_filter(f).expect("filter"));
                        }
                        if let Some(order) = sort {
                            query =
                                query.with_sort(parse_attr_path("userName").expect("path"), order);
                        }
                        let got = sqlite.search(&ctx, users, &query).await.expect("sqlite");
                        let want = memory.search(&ctx, users, &query).await.expect("memory");
                        let case = format!(
                            "{size} users, {filter:?}, {sort:?}, start {start}, count {count}"
                        );
                        assert_eq!(got.total_results, want.total_results, "total: {case}");
                        assert_eq!(
                            user_names(&sqlite, &registry, &query).await,
                            user_names(&memory, &registry, &query).await,
                            "page: {case}"
                        );
                    }
                }
            }
        }
    }
}
