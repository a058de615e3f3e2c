//! The filter cases from the project's shared reference material (real bug reports reduced to
//! inputs), copied into `tests/fixtures/cases/`. Each case's `expected` prose is encoded here
//! as the list of resource ids every filter must return, or the error it must raise.

use scimkit_filter::{FilterOptions, Matcher};
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError, ScimType, urn};
use serde_json::Value;

/// What one filter of a case must give: the matching ids, or 400 invalidFilter.
enum Expect {
    Ids(&'static [&'static str]),
    InvalidFilter,
}
use Expect::{Ids, InvalidFilter};

fn case(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/cases/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn run(
    name: &str,
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    options: &FilterOptions,
    expected: &[Expect],
) {
    let case = case(name);
    let filters = case["input"]["filters"].as_array().unwrap();
    let resources = case["input"]["resources"].as_array().unwrap();
    assert_eq!(
        filters.len(),
        expected.len(),
        "{name}: one expectation per filter"
    );
    for (filter, expect) in filters.iter().zip(expected) {
        let text = filter.as_str().unwrap();
        let result: Result<Matcher, ScimError> =
            options.compile_filter(text, registry, resource_type);
        match (result, expect) {
            (Ok(matcher), Ids(ids)) => {
                let got: Vec<&str> = resources
                    .iter()
                    .filter(|r| matcher.matches(r))
                    .map(|r| r["id"].as_str().unwrap())
                    .collect();
                assert_eq!(&got, ids, "{name}: {text}");
            }
            (Err(err), InvalidFilter) => {
                assert_eq!(err.status, 400, "{name}: {text}");
                assert_eq!(
                    err.scim_type,
                    Some(ScimType::InvalidFilter),
                    "{name}: {text}"
                );
                assert!(err.detail.is_some_and(|d| !d.is_empty()));
            }
            (Ok(_), InvalidFilter) => panic!("{name}: {text} should be refused"),
            (Err(err), Ids(_)) => panic!("{name}: {text} failed: {err}"),
        }
    }
}

/// [`run`] with the strict and the lenient options: both must give the same answers.
fn run_both(
    name: &str,
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    expected: &[Expect],
) {
    for options in [FilterOptions::strict(), FilterOptions::lenient()] {
        run(name, registry, resource_type, &options, expected);
    }
}

fn users(registry: &SchemaRegistry) -> &ResourceType {
    registry.resource_type("User").unwrap()
}

/// RFC 7644 §3.4.2.2: attribute names and operators are case-insensitive.
#[test]
fn case_07_case_insensitive_attributes_and_operators() {
    let registry = SchemaRegistry::core();
    let all_u1: [Expect; 5] = std::array::from_fn(|_| Ids(&["u1"]));
    run_both(
        "07-filter-case-insensitive-attr-and-operators",
        &registry,
        users(&registry),
        &all_u1,
    );
}

/// RFC 7644 §3.4.2.2, RFC 7643 §2.2/§7: string comparisons follow caseExact, for every
/// operator.
#[test]
fn case_08_case_exact_value_comparison() {
    let registry = SchemaRegistry::core();
    run(
        "08-filter-caseexact-value-comparison",
        &registry,
        users(&registry),
        &FilterOptions::strict(),
        &[
            Ids(&["u1"]),
            Ids(&["u1"]),
            Ids(&["u1", "u2"]),
            Ids(&["u1"]),
            Ids(&["u2"]),
            Ids(&["u2"]),
        ],
    );
}

/// RFC 7644 §3.4.2.2: `not` binds to its group only; `not(` without a space (errata 7319).
#[test]
fn case_10_leading_not_group() {
    let registry = SchemaRegistry::core();
    run(
        "10-filter-leading-not-group",
        &registry,
        users(&registry),
        &FilterOptions::strict(),
        &[
            Ids(&["u2"]),
            Ids(&["u2"]),
            Ids(&["u2", "u3"]),
            Ids(&["u3"]),
            InvalidFilter,
        ],
    );
}

/// RFC 7644 §3.4.2.2 attrPath with URN, §3.10, RFC 7643 §3.3. Filter 5 names a custom
/// extension, registered here on a resource type that allows it.
#[test]
fn case_13_urn_prefixed_extension_attributes() {
    let mut registry = SchemaRegistry::core();
    registry
        .add_schema_json(
            r#"{"id": "urn:example:scim:schemas:extension:acme-hr:1.0:User", "name": "AcmeHr",
                "attributes": [{"name": "badgeId", "type": "string"}]}"#,
        )
        .unwrap();
    registry
        .add_resource_type(
            ResourceType::new("AcmeUser", "/AcmeUsers", urn::USER)
                .with_extension(urn::ENTERPRISE_USER, false)
                .with_extension("urn:example:scim:schemas:extension:acme-hr:1.0:User", false),
        )
        .unwrap();
    let acme_users = registry.resource_type("AcmeUser").unwrap();
    let all_u1: [Expect; 6] = std::array::from_fn(|_| Ids(&["u1"]));
    run_both(
        "13-filter-urn-prefixed-extension-attrs",
        &registry,
        acme_users,
        &all_u1,
    );
}

/// RFC 7644 §3.4.2.2 valuePath: all conditions on the same value; `].sub` is not filter
/// syntax (strict), or the Entra form (lenient, never `[u1, u2]`).
#[test]
fn case_20_value_path_same_element() {
    let registry = SchemaRegistry::core();
    run(
        "20-filter-valuepath-same-element-semantics",
        &registry,
        users(&registry),
        &FilterOptions::strict(),
        &[
            Ids(&["u1"]),
            Ids(&["u1", "u2"]),
            Ids(&["u2", "u3"]),
            InvalidFilter,
            InvalidFilter,
        ],
    );
    run(
        "20-filter-valuepath-same-element-semantics",
        &registry,
        users(&registry),
        &FilterOptions::lenient(),
        &[
            Ids(&["u1"]),
            Ids(&["u1", "u2"]),
            Ids(&["u2", "u3"]),
            Ids(&["u1"]),
            InvalidFilter,
        ],
    );
}

/// RFC 7644 §3.4.2.2 and §3.12 Table 9: an unquoted value and an unknown operator are 400
/// invalidFilter, never a 500.
#[test]
fn case_h06_unsupported_filter_operator() {
    let case = case("h-06-unsupported-filter-operator");
    let registry = SchemaRegistry::core();
    for request in case["input"]["requests"].as_array().unwrap() {
        let query = request["query"].as_str().unwrap();
        let raw = query.strip_prefix("filter=").unwrap();
        let text = raw.replace('+', " ").replace("%22", "\"");
        let err = FilterOptions::lenient()
            .compile_filter(&text, &registry, users(&registry))
            .unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["status"], "400");
        assert_eq!(json["scimType"], "invalidFilter");
    }
}
