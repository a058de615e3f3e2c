//! proptest: generic ↔ typed conversion is lossless for User and Group, including unknown
//! attributes, unknown extension objects, `null` values and absent ones (RFC 7643 §2.5).

use proptest::prelude::*;
use scimkit_schema::{
    Compat, Field, Group, Operation, SchemaRegistry, User, canonicalize, urn, validate,
};
use serde_json::{Map, Value, json};

/// A string, or `null` (kept apart from absent).
fn text_or_null() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => "[a-zA-Z0-9 @._-]{0,12}".prop_map(Value::String),
        1 => Just(Value::Null),
    ]
}

/// Arbitrary JSON for unknown attributes.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-z]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An object with some of `keys` (each a string or null) plus unknown keys prefixed `x-`.
fn object_with(keys: &'static [&'static str]) -> impl Strategy<Value = Map<String, Value>> {
    (
        prop::collection::vec(prop::option::of(text_or_null()), keys.len()),
        prop::collection::btree_map("x-[a-z]{1,5}", any_json(), 0..2),
    )
        .prop_map(move |(values, unknown)| {
            let mut object: Map<String, Value> = keys
                .iter()
                .zip(values)
                .filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v)))
                .collect();
            object.extend(unknown);
            object
        })
}

fn multi_value() -> impl Strategy<Value = Value> {
    (
        object_with(&["value", "display", "type"]),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(mut o, primary)| {
            if let Some(p) = primary {
                o.insert("primary".into(), Value::Bool(p));
            }
            Value::Object(o)
        })
}

fn list(item: impl Strategy<Value = Value>) -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop_oneof![
        4 => prop::collection::vec(item, 0..3).prop_map(Value::Array),
        1 => Just(Value::Null),
    ])
}

prop_compose! {
    fn user_json()(
        mut top in object_with(&["id", "externalId", "userName", "displayName", "nickName", "profileUrl",
            "title", "userType", "preferredLanguage", "locale", "timezone", "password"]),
        name in prop::option::of(object_with(&["formatted", "familyName", "givenName", "middleName",
            "honorificPrefix", "honorificSuffix"])),
        active in prop::option::of(prop_oneof![any::<bool>().prop_map(Value::Bool), Just(Value::Null)]),
        emails in list(multi_value()),
        roles in list(multi_value()),
        addresses in list(object_with(&["formatted", "streetAddress", "locality", "region",
            "postalCode", "country", "type"]).prop_map(Value::Object)),
        groups in list(object_with(&["value", "$ref", "display", "type"]).prop_map(Value::Object)),
        enterprise in prop::option::of(
            (object_with(&["employeeNumber", "costCenter", "organization", "division", "department"]),
             prop::option::of(object_with(&["value", "$ref", "displayName"])))
            .prop_map(|(mut e, m)| { if let Some(m) = m { e.insert("manager".into(), Value::Object(m)); } Value::Object(e) })),
        other_extension in prop::option::of(any_json()),
        meta in prop::option::of(object_with(&["resourceType", "created", "lastModified", "location", "version"])),
    ) -> Value {
        top.insert("schemas".into(), json!([urn::USER]));
        for (key, value) in [("active", active), ("emails", emails), ("roles", roles), ("addresses", addresses),
                             ("groups", groups), (urn::ENTERPRISE_USER, enterprise),
                             ("urn:example:other:2.0:Thing", other_extension)] {
            if let Some(v) = value { top.insert(key.into(), v); }
        }
        if let Some(n) = name { top.insert("name".into(), Value::Object(n)); }
        if let Some(m) = meta { top.insert("meta".into(), Value::Object(m)); }
        Value::Object(top)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Value → User → Value is the identity (modulo key order).
    #[test]
    fn user_round_trip_is_lossless(resource in user_json()) {
        let user = User::from_value(resource.clone()).unwrap();
        prop_assert_eq!(user.to_value(), resource);
    }

    /// Value → Group → Value is the identity.
    #[test]
    fn group_round_trip_is_lossless(
        mut top in object_with(&["id", "externalId", "displayName"]),
        members in list(object_with(&["value", "$ref", "display", "type"]).prop_map(Value::Object)),
    ) {
        top.insert("schemas".into(), json!([urn::GROUP]));
        if let Some(m) = members { top.insert("members".into(), m); }
        let resource = Value::Object(top);
        let group = Group::from_value(resource.clone()).unwrap();
        prop_assert_eq!(group.to_value(), resource);
    }

    /// Canonicalising and validating never panics, and canonicalisation is idempotent.
    #[test]
    fn canonicalise_is_idempotent(resource in user_json()) {
        let registry = SchemaRegistry::core();
        let user = registry.resource_type("User").unwrap();
        let mut once = resource;
        if canonicalize(&registry, user, &mut once, &Compat::lenient()).is_ok() {
            let mut twice = once.clone();
            canonicalize(&registry, user, &mut twice, &Compat::lenient()).unwrap();
            prop_assert_eq!(&twice, &once);
            let _ = validate(&registry, user, &mut twice, Operation::Response, &Compat::lenient());
        }
    }
}

/// RFC 7644 §3.5.1: absent, `null` and set stay distinguishable through the typed form.
#[test]
fn absent_null_and_set_are_distinct() {
    let user = User::from_value(json!({"userName": "a", "title": null, "emails": []})).unwrap();
    assert_eq!(user.title, Field::Null);
    assert_eq!(user.nick_name, Field::Absent);
    assert_eq!(user.emails, Field::Set(vec![]));
    let back = user.to_value();
    assert_eq!(back, json!({"userName": "a", "title": null, "emails": []}));
    assert!(User::from_value(json!({"active": "yes"})).is_err());
    assert!(User::from_value(json!([1])).is_err());
}
