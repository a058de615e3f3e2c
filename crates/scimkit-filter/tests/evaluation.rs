//! One test per evaluation rule (RFC 7644 §3.4.2.2 Table 3, RFC 7643 §2) and per RFC-silent
//! choice documented in the crate docs.

use scimkit_filter::{
    FilterOptions, Matcher, SortOrder, Sorter, UnknownAttribute, ValueMatcher, parse_attr_path,
    parse_filter, parse_patch_path,
};
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError, ScimType};
use serde_json::{Value, json};

const DEVICE: &str = "urn:example:scim:schemas:Device";

/// The core registry plus a `Device` type with one attribute of every type.
fn registry() -> SchemaRegistry {
    let mut registry = SchemaRegistry::core();
    registry
        .add_schema_json(&format!(
            r#"{{"id": "{DEVICE}", "name": "Device", "attributes": [
                {{"name": "ports", "type": "integer"}},
                {{"name": "weight", "type": "decimal"}},
                {{"name": "enabled", "type": "boolean"}},
                {{"name": "firmware", "type": "binary", "caseExact": true}},
                {{"name": "seen", "type": "dateTime"}},
                {{"name": "serial", "type": "string", "caseExact": true}},
                {{"name": "tags", "type": "string", "multiValued": true}},
                {{"name": "location", "type": "complex", "subAttributes": [
                    {{"name": "building", "type": "string"}}]}}
            ]}}"#
        ))
        .unwrap();
    registry
        .add_resource_type(ResourceType::new("Device", "/Devices", DEVICE))
        .unwrap();
    registry
}

fn compile(resource_type: &str, text: &str) -> Result<Matcher, ScimError> {
    compile_with(resource_type, text, &FilterOptions::strict())
}

fn compile_with(
    resource_type: &str,
    text: &str,
    options: &FilterOptions,
) -> Result<Matcher, ScimError> {
    let registry = registry();
    options.compile_filter(
        text,
        &registry,
        registry.resource_type(resource_type).unwrap(),
    )
}

fn user_matches(text: &str, user: &Value) -> bool {
    compile("User", text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .matches(user)
}

fn device_matches(text: &str, device: &Value) -> bool {
    compile("Device", text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .matches(device)
}

fn refused(resource_type: &str, text: &str) -> String {
    let err = compile(resource_type, text).expect_err(text);
    assert_eq!(err.status, 400, "{text}");
    assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{text}");
    err.detail.unwrap()
}

/// RFC 7644 §3.4.2.2 / RFC 7643 §2.1: attribute names (and sub-attribute names, and the URN)
/// are case-insensitive; values are found under the schema's spelling.
#[test]
fn attribute_names_are_case_insensitive() {
    let user = json!({"userName": "ada", "name": {"givenName": "Ada"}});
    assert!(user_matches(r#"USERNAME eq "ada""#, &user));
    assert!(user_matches(r#"Name.GivenName eq "ada""#, &user));
    assert!(user_matches(
        r#"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:username eq "ada""#,
        &user
    ));
}

/// Non-canonical resources (keys in another case) still evaluate: exact key first, then an
/// ASCII case-insensitive scan (documented choice).
#[test]
fn non_canonical_keys_fall_back_to_case_insensitive_lookup() {
    let user = json!({
        "USERNAME": "ada",
        "Emails": [{"TYPE": "work", "Value": "ada@example.com"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"EmployeeNumber": "7"}
    });
    assert!(user_matches(r#"userName eq "ada""#, &user));
    assert!(user_matches(
        r#"emails[type eq "work" and value co "@example"]"#,
        &user
    ));
    assert!(user_matches(r#"employeeNumber eq "7""#, &user));
}

/// RFC 7644 §3.4.2.2 with RFC 7643 §2.2/§7: caseExact decides case sensitivity: userName is
/// case-insensitive (§4.1.1), id and externalId case-exact (§3.1).
#[test]
fn strings_compare_per_case_exact() {
    let user = json!({"id": "AbC", "externalId": "Ext-1", "userName": "Ada.Example"});
    assert!(user_matches(r#"userName eq "ada.example""#, &user));
    assert!(user_matches(r#"userName co "A.EX""#, &user));
    assert!(!user_matches(r#"id eq "abc""#, &user));
    assert!(user_matches(r#"id eq "AbC""#, &user));
    assert!(!user_matches(r#"externalId sw "ext""#, &user));
    assert!(user_matches(r#"externalId sw "Ext""#, &user));
    // Non-ASCII folding (Unicode lower-case mapping).
    let user = json!({"userName": "ZOË"});
    assert!(user_matches(r#"userName eq "zoë""#, &user));
}

/// RFC 7644 §3.4.2.2 Table 3: `co`, `sw` (identical strings match), `ew`.
#[test]
fn substring_operators_on_strings() {
    let user = json!({"userName": "bjensen"});
    for (text, expected) in [
        (r#"userName co "jen""#, true),
        (r#"userName co "xyz""#, false),
        (r#"userName sw "bjensen""#, true),
        (r#"userName sw "jensen""#, false),
        (r#"userName ew "bjensen""#, true),
        (r#"userName ew "bjen""#, false),
        (r#"userName co """#, true),
    ] {
        assert_eq!(user_matches(text, &user), expected, "{text}");
    }
}

/// RFC 7644 §3.4.2.2 Table 3: ordering is lexicographic for strings (on case-folded text when
/// caseExact is false, by code point when true).
#[test]
fn string_ordering_is_lexicographic_per_case_exact() {
    let user = json!({"userName": "bob", "externalId": "bob"});
    assert!(user_matches(r#"userName gt "ALICE""#, &user));
    assert!(user_matches(r#"userName lt "CAROL""#, &user));
    assert!(user_matches(r#"userName ge "BOB""#, &user));
    assert!(user_matches(r#"userName le "BOB""#, &user));
    // Case-exact: "B" (0x42) sorts before "b" (0x62).
    assert!(user_matches(r#"externalId gt "CAROL""#, &user));
    assert!(!user_matches(r#"externalId le "BOB""#, &user));
}

/// RFC 7644 §3.4.2.2 Table 3 / RFC 7643 §2.3.5: dateTime ordering is chronological, with time
/// zone offsets honoured; `eq` compares instants too (RFC-silent choice).
#[test]
fn date_times_compare_as_instants() {
    let user = json!({"meta": {"lastModified": "2011-05-13T04:42:34Z"}});
    assert!(user_matches(
        r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#,
        &user
    ));
    assert!(user_matches(
        r#"meta.lastModified gt "2011-05-13T05:00:00+01:00""#,
        &user
    ));
    assert!(!user_matches(
        r#"meta.lastModified gt "2011-05-13T04:42:34.000Z""#,
        &user
    ));
    assert!(user_matches(
        r#"meta.lastModified lt "2011-05-13T04:42:34.001Z""#,
        &user
    ));
    // A stored value that is not a dateTime matches nothing.
    let bad = json!({"meta": {"lastModified": "last tuesday"}});
    assert!(!user_matches(
        r#"meta.lastModified lt "2099-01-01T00:00:00Z""#,
        &bad
    ));
    // A filter value that is not a dateTime is refused.
    assert!(refused("User", r#"meta.lastModified gt "yesterday""#).contains("dateTime"));
}

/// RFC 7644 §3.4.2.2 Table 3: numbers compare numerically (integer and decimal).
#[test]
fn numbers_compare_numerically() {
    let device = json!({"ports": 8, "weight": 2.5});
    assert!(device_matches("ports gt 7", &device));
    assert!(device_matches("ports eq 8.0", &device));
    assert!(device_matches("ports lt 1e1", &device));
    assert!(device_matches("weight ge 2.5", &device));
    assert!(device_matches("weight lt 3", &device));
    assert!(!device_matches("weight gt 2.5", &device));
    assert!(device_matches("ports ne 9", &device));
}

/// RFC 7644 §3.4.2.2: `gt`/`ge`/`lt`/`le` on boolean or binary attributes SHALL be
/// invalidFilter; `eq`/`ne` work.
#[test]
fn ordering_on_boolean_and_binary_is_invalid_filter() {
    for op in ["gt", "ge", "lt", "le"] {
        refused("Device", &format!("enabled {op} true"));
        refused("Device", &format!(r#"firmware {op} "AAAA""#));
        refused("User", &format!("active {op} false"));
    }
    let device = json!({"enabled": true, "firmware": "AAAA"});
    assert!(device_matches("enabled eq true", &device));
    assert!(device_matches("enabled ne false", &device));
    assert!(device_matches(r#"firmware eq "AAAA""#, &device));
    assert!(!device_matches(r#"firmware eq "aaaa""#, &device));
}

/// RFC-silent, chosen: `co`/`sw`/`ew` are defined on strings and references only; on numbers,
/// booleans, binary and dateTimes they are invalidFilter.
#[test]
fn substring_operators_on_non_strings_are_invalid_filter() {
    refused("Device", "ports co 1");
    refused("Device", "enabled sw true");
    refused("Device", r#"firmware co "AA""#);
    refused("Device", r#"seen sw "2011""#);
    assert!(user_matches(
        r#"profileUrl sw "https://""#,
        &json!({"profileUrl": "https://x"})
    ));
}

/// RFC-silent, chosen: a value of the wrong type (`userName eq 5`, `active eq "true"`) is
/// invalidFilter naming both types, rather than a silent non-match.
#[test]
fn type_mismatch_is_invalid_filter() {
    assert!(refused("User", "userName eq 5").contains("number"));
    assert!(refused("User", r#"active eq "true""#).contains("string"));
    refused("Device", r#"ports gt "7""#);
    refused("Device", "seen gt 5");
}

/// FilterOptions::string_booleans (lenient): Microsoft Entra ID's app-role path
/// `roles[primary eq "True"]` compares the boolean with the string "True" / "False" in any
/// case; strict keeps RFC 7644 §3.4.2.2 (a boolean compares with `true` / `false`) and any
/// other string stays invalidFilter either way.
#[test]
fn string_booleans_switch() {
    let user = json!({"roles": [{"value": "Reader", "primary": false},
                                {"value": "Admin", "primary": true}],
                      "active": false});
    let lenient = FilterOptions::lenient();
    let matches = |text: &str| {
        compile_with("User", text, &lenient)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .matches(&user)
    };
    assert!(matches(r#"roles[primary eq "True" and value eq "Admin"]"#));
    assert!(!matches(
        r#"roles[primary eq "TRUE" and value eq "Reader"]"#
    ));
    assert!(matches(
        r#"roles[primary eq "false" and value eq "Reader"]"#
    ));
    assert!(matches(r#"active ne "True""#));
    assert!(!matches(r#"active eq "true""#));
    for text in [
        r#"active eq "yes""#,
        r#"active eq "1""#,
        r#"active gt "true""#,
    ] {
        let err = compile_with("User", text, &lenient).expect_err(text);
        assert_eq!(err.scim_type, Some(ScimType::InvalidFilter), "{text}");
    }
    assert!(refused("User", r#"roles[primary eq "True"]"#).contains("string"));
}

/// RFC-silent, chosen: stored values of the wrong JSON type never match (not even `ne`).
#[test]
fn stored_values_of_the_wrong_type_never_match() {
    let user = json!({"userName": 5, "active": "true"});
    assert!(!user_matches(r#"userName eq "5""#, &user));
    assert!(!user_matches(r#"userName ne "x""#, &user));
    assert!(!user_matches("active eq true", &user));
    assert!(user_matches("userName pr", &user));
}

/// RFC 7644 §3.4.2.2 Table 3 `pr` with RFC 7643 §2.5: false for absent, null, "", [], {}.
#[test]
fn present_is_false_for_empty_values() {
    for user in [
        json!({}),
        json!({"title": null}),
        json!({"title": ""}),
        json!({"emails": []}),
        json!({"name": {}}),
        json!({"name": {"givenName": null}}),
    ] {
        assert!(!user_matches("title pr", &user), "{user}");
        assert!(!user_matches("emails pr", &user), "{user}");
        assert!(!user_matches("name pr", &user), "{user}");
    }
    assert!(user_matches("title pr", &json!({"title": "x"})));
    assert!(user_matches(
        "emails pr",
        &json!({"emails": [{"value": "a"}]})
    ));
    assert!(user_matches(
        "name pr",
        &json!({"name": {"givenName": "A"}})
    ));
    assert!(user_matches(
        "emails.value pr",
        &json!({"emails": [{"type": "x"}, {"value": "a"}]})
    ));
}

/// RFC 7644 §3.4.2.2: a multi-valued attribute matches if any value matches, `ne` included
/// (read literally: some value differs).
#[test]
fn multi_valued_any_value_matches() {
    let user = json!({"emails": [{"value": "a@x"}, {"value": "b@x"}]});
    assert!(user_matches(r#"emails.value eq "b@x""#, &user));
    assert!(user_matches(r#"emails.value ne "a@x""#, &user));
    let single = json!({"emails": [{"value": "a@x"}]});
    assert!(!user_matches(r#"emails.value ne "a@x""#, &single));
    let device = json!({"tags": ["red", "Blue"]});
    assert!(device_matches(r#"tags eq "blue""#, &device));
    assert!(device_matches(r#"tags sw "R""#, &device));
}

/// RFC-silent, chosen: `ne` on an absent attribute is false (no value exists to differ; the
/// same as SQL's `<>` on NULL). `not (x eq v)` is the form that includes absent attributes.
#[test]
fn ne_on_an_absent_attribute_is_false() {
    let user = json!({"userName": "a"});
    assert!(!user_matches(r#"title ne "Boss""#, &user));
    assert!(user_matches(r#"not (title eq "Boss")"#, &user));
}

/// RFC-silent, chosen: `eq null` matches when the attribute has no value, `ne null` when it
/// has one (`pr`); other operators with null are invalidFilter.
#[test]
fn null_comparisons() {
    let with = json!({"title": "x"});
    let without = json!({"title": null});
    assert!(user_matches("title eq null", &without));
    assert!(!user_matches("title eq null", &with));
    assert!(user_matches("title ne null", &with));
    assert!(!user_matches("title ne null", &json!({})));
    refused("User", "title gt null");
    refused("User", "title co null");
}

/// RFC 7644 §3.4.2.2: inside `[...]` every condition must hold for the same value.
#[test]
fn value_path_conditions_hold_on_one_value() {
    let user = json!({"emails": [
        {"type": "work", "value": "bob@other.test"},
        {"type": "home", "value": "bob@example.com"}
    ]});
    assert!(!user_matches(
        r#"emails[type eq "work" and value co "@example.com"]"#,
        &user
    ));
    assert!(user_matches(
        r#"emails.type eq "work" and emails.value co "@example.com""#,
        &user
    ));
    assert!(user_matches(
        r#"emails[type eq "home" and value co "@example.com"]"#,
        &user
    ));
    assert!(user_matches(r#"emails[not (type eq "work")]"#, &user));
    assert!(user_matches(
        r#"emails[type eq "x" or (type eq "home" and value ew ".com")]"#,
        &user
    ));
    // A single-valued complex attribute is one value.
    assert!(user_matches(
        r#"name[givenName eq "Ada" and familyName pr]"#,
        &json!({"name": {"givenName": "ada", "familyName": "L"}})
    ));
    // No values: no value can match, and `not` of it holds.
    assert!(!user_matches(r#"emails[type pr]"#, &json!({})));
    assert!(user_matches(r#"not (emails[type pr])"#, &json!({})));
}

#[test]
fn value_path_misuse_is_invalid_filter() {
    refused("User", r#"userName[value eq "x"]"#);
    refused("User", r#"name.givenName[value eq "x"]"#);
    refused("User", r#"emails[name.givenName eq "x"]"#);
    refused(
        "User",
        r#"emails[urn:ietf:params:scim:schemas:core:2.0:User:type eq "x"]"#,
    );
}

/// RFC 7644 §3.4.2.2 example `emails co "example.com"`: a complex attribute named without a
/// sub-attribute compares its `value` sub-attribute; without one it is invalidFilter.
#[test]
fn complex_without_sub_attribute_compares_value() {
    let user = json!({"emails": [{"value": "ada@example.com"}]});
    assert!(user_matches(r#"emails co "example.com""#, &user));
    assert!(user_matches(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m1""#,
        &json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m1"}}})
    ));
    assert!(refused("User", r#"name eq "Ada""#).contains("sub-attribute"));
}

/// RFC 7644 §3.4.2.1 / Table 9: unknown attributes are "no value" by default, or
/// invalidFilter when the caller asks.
#[test]
fn unknown_attributes_follow_the_policy() {
    let user = json!({"userName": "a", "shoeSize": "x"});
    for (text, expected) in [
        (r#"shoeSize eq "x""#, false),
        ("shoeSize pr", false),
        ("shoeSize eq null", true),
        (r#"not (shoeSize eq "x")"#, true),
        (r#"userName eq "a" or nope.sub pr"#, true),
        (r#"emails[nope eq "x"]"#, false),
        (r#"nope[type eq "x"]"#, false),
        (r#"urn:example:unknown:1.0:User:x pr"#, false),
    ] {
        assert_eq!(user_matches(text, &user), expected, "{text}");
        let strict = FilterOptions {
            unknown_attribute: UnknownAttribute::Error,
            ..FilterOptions::strict()
        };
        let err = compile_with("User", text, &strict).expect_err(text);
        assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
        let detail = err.detail.unwrap();
        assert!(
            ["shoeSize", "nope", "urn:example"]
                .iter()
                .any(|name| detail.contains(name)),
            "{detail}"
        );
    }
    // Group has no userName.
    let group = json!({"displayName": "g"});
    assert!(
        !compile("Group", r#"userName eq "a""#)
            .unwrap()
            .matches(&group)
    );
}

/// RFC 7643 §3.3: a bare extension URN names the extension object; `pr` tests it.
#[test]
fn extension_urn_as_attribute() {
    let ext = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let with = json!({ext: {"employeeNumber": "1"}});
    assert!(user_matches(&format!("{ext} pr"), &with));
    assert!(!user_matches(&format!("{ext} pr"), &json!({ext: {}})));
    refused("User", &format!(r#"{ext} eq "x""#));
}

/// RFC 7644 §3.4.2.2 Figure 2: filtering on `schemas`.
#[test]
fn schemas_is_filterable() {
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]});
    assert!(user_matches(
        r#"schemas eq "urn:ietf:params:scim:schemas:core:2.0:User""#,
        &user
    ));
    assert!(!user_matches(
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        &user
    ));
}

/// A long or-chain of `eq` on one attribute is evaluated as a set lookup; it must agree with
/// the plain chain, case folding included.
#[test]
fn bulk_lookup_agrees_with_the_plain_chain() {
    let ids: Vec<String> = (0..50).map(|i| format!("Id-{i}")).collect();
    let by_id = ids
        .iter()
        .map(|id| format!(r#"id eq "{id}""#))
        .collect::<Vec<_>>()
        .join(" or ");
    let by_name = ids
        .iter()
        .map(|id| format!(r#"userName eq "{id}""#))
        .collect::<Vec<_>>()
        .join(" or ");
    let id_matcher = compile("User", &by_id).unwrap();
    let name_matcher = compile("User", &by_name).unwrap();
    for (id, expected_id, expected_name) in [
        ("Id-7", true, true),
        ("id-7", false, true),
        ("ID-49", false, true),
        ("Id-50", false, false),
    ] {
        let user = json!({"id": id, "userName": id});
        assert_eq!(id_matcher.matches(&user), expected_id, "{id}");
        assert_eq!(name_matcher.matches(&user), expected_name, "{id}");
    }
    // A mixed chain is not turned into a set, and still evaluates.
    let mixed = format!(r#"{by_id} or userName eq "zed""#);
    assert!(
        compile("User", &mixed)
            .unwrap()
            .matches(&json!({"userName": "ZED"}))
    );
}

#[test]
fn ten_thousand_term_bulk_lookup_compiles_and_matches() {
    let text = (0..10_000)
        .map(|i| format!(r#"id eq "u{i}""#))
        .collect::<Vec<_>>()
        .join(" or ");
    let matcher = compile("User", &text).unwrap();
    assert!(matcher.matches(&json!({"id": "u9999"})));
    assert!(!matcher.matches(&json!({"id": "u10000"})));
}

#[test]
fn resources_that_are_not_objects_match_only_absence() {
    let matcher = compile("User", "userName pr").unwrap();
    assert!(!matcher.matches(&json!("text")));
    assert!(!matcher.matches(&json!(null)));
    assert!(
        compile("User", "not (userName pr)")
            .unwrap()
            .matches(&json!([1]))
    );
}

/// RFC 7644 §3.5.2: a PATCH path's filter selects values of the attribute.
#[test]
fn value_matcher_selects_patch_targets() {
    let registry = registry();
    let groups = registry.resource_type("Group").unwrap();
    let path =
        parse_patch_path(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#).unwrap();
    let selector = ValueMatcher::compile(
        &path.attr,
        path.filter.as_ref().unwrap(),
        &registry,
        groups,
        &FilterOptions::strict(),
    )
    .unwrap();
    let group = json!({"members": [
        {"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs"},
        {"value": "902c246b-6245-4190-8e05-00816be7344a"}
    ]});
    assert_eq!(selector.select(&group).count(), 1);
    assert!(selector.matches(&group["members"][0]));
    assert!(!selector.matches(&group["members"][1]));
    // members.value is caseExact? It is an id reference: the schema decides.
    let err = ValueMatcher::compile(
        &parse_attr_path("displayName").unwrap(),
        &parse_filter("value pr").unwrap(),
        &registry,
        groups,
        &FilterOptions::strict(),
    )
    .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidFilter));
}

fn sorted_ids(sort_by: &str, order: Option<&str>, resources: &[Value]) -> Vec<String> {
    let registry = registry();
    let users = registry.resource_type("User").unwrap();
    let sorter = FilterOptions::strict()
        .compile_sort(sort_by, order, &registry, users)
        .unwrap_or_else(|e| panic!("{sort_by}: {e}"));
    let mut list = resources.to_vec();
    sorter.sort(&mut list);
    list.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// RFC 7644 §3.4.2.3: missing values last ascending, first descending; caseExact respected.
#[test]
fn sort_missing_last_and_case_exact() {
    let users = [
        json!({"id": "1", "userName": "bob", "externalId": "b"}),
        json!({"id": "2", "externalId": "C"}),
        json!({"id": "3", "userName": "Alice", "externalId": "a"}),
        json!({"id": "4", "userName": "carol", "externalId": ""}),
    ];
    assert_eq!(sorted_ids("userName", None, &users), ["3", "1", "4", "2"]);
    assert_eq!(
        sorted_ids("userName", Some("descending"), &users),
        ["2", "4", "1", "3"]
    );
    // externalId is caseExact: "C" < "a" < "b"; "" counts as no value.
    assert_eq!(
        sorted_ids("externalId", Some("ascending"), &users),
        ["2", "3", "1", "4"]
    );
}

/// RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else its first.
#[test]
fn sort_multi_valued_by_primary_then_first() {
    let users = [
        json!({"id": "1", "emails": [{"value": "z@x"}, {"value": "a@x", "primary": true}]}),
        json!({"id": "2", "emails": [{"value": "m@x"}, {"value": "b@x"}]}),
        json!({"id": "3", "emails": []}),
    ];
    assert_eq!(sorted_ids("emails.value", None, &users), ["1", "2", "3"]);
    assert_eq!(sorted_ids("emails", None, &users), ["1", "2", "3"]);
    assert_eq!(
        sorted_ids("emails", Some("descending"), &users),
        ["3", "2", "1"]
    );
}

#[test]
fn sort_date_times_as_instants_and_errors() {
    let users = [
        json!({"id": "1", "meta": {"created": "2011-05-13T04:42:34Z"}}),
        json!({"id": "2", "meta": {"created": "2011-05-13T05:42:33+02:00"}}),
    ];
    assert_eq!(sorted_ids("meta.created", None, &users), ["2", "1"]);
    let registry = registry();
    let users_type = registry.resource_type("User").unwrap();
    let opts = FilterOptions::strict();
    let err = opts
        .compile_sort("name", None, &registry, users_type)
        .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    let err = opts
        .compile_sort("userName", Some("up"), &registry, users_type)
        .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    let err = opts
        .compile_sort("user name", None, &registry, users_type)
        .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
    assert_eq!(
        SortOrder::from_param(Some("DESCENDING")).unwrap(),
        SortOrder::Descending
    );
    // Unknown attribute: no-op under NoValue, invalidValue under Error.
    assert_eq!(
        sorted_ids("shoeSize", None, &[json!({"id": "b"}), json!({"id": "a"})]),
        ["b", "a"]
    );
    let strict = FilterOptions {
        unknown_attribute: UnknownAttribute::Error,
        ..FilterOptions::strict()
    };
    let err = Sorter::compile(
        &parse_attr_path("shoeSize").unwrap(),
        SortOrder::Ascending,
        &registry,
        users_type,
        &strict,
    )
    .unwrap_err();
    assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
}

#[test]
fn sort_mixed_types_is_total_and_never_panics() {
    let users: Vec<Value> = [
        json!(3),
        json!("b"),
        json!(true),
        json!(null),
        json!(1.5),
        json!({"a": 1}),
        json!("A"),
        json!(-2),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, v)| json!({"id": i.to_string(), "userName": v}))
    .collect();
    assert_eq!(
        sorted_ids("userName", None, &users),
        ["2", "7", "4", "0", "6", "1", "3", "5"]
    );
}
