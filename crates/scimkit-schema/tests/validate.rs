//! One test per validation rule and coercion, each naming its RFC section.

use scimkit_schema::{
    Compat, Operation, SchemaRegistry, ScimError, ScimType, canonicalize, ingest, urn, validate,
};
use serde_json::{Value, json};

fn check(
    resource_type: &str,
    mut resource: Value,
    op: Operation<'_>,
    compat: &Compat,
) -> Result<Value, ScimError> {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type(resource_type).unwrap().clone();
    canonicalize(&registry, &rt, &mut resource, compat)?;
    validate(&registry, &rt, &mut resource, op, compat)?;
    Ok(resource)
}

fn user(extra: Value) -> Value {
    let mut base = json!({"schemas": [urn::USER], "userName": "bjensen"});
    base.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    base
}

fn err(result: Result<Value, ScimError>) -> (ScimType, String) {
    let e = result.expect_err("expected an error");
    assert_eq!(e.status, 400, "{e}");
    (e.scim_type.unwrap(), e.detail.unwrap())
}

/// RFC 7643 §3: `schemas` is REQUIRED; missing or malformed is a clear 400.
#[test]
fn rfc7643_3_schemas_required_and_shaped() {
    let (t, d) = err(check(
        "User",
        json!({"userName": "a"}),
        Operation::Create,
        &Compat::rfc(),
    ));
    assert_eq!(t, ScimType::InvalidValue);
    assert!(d.contains("schemas"));
    for bad in [json!("x"), json!([]), json!([1])] {
        let (t, _) = err(check(
            "User",
            json!({"schemas": bad, "userName": "a"}),
            Operation::Create,
            &Compat::rfc(),
        ));
        assert_eq!(t, ScimType::InvalidSyntax);
    }
    let (t, d) = err(check(
        "User",
        json!({"schemas": [urn::USER, urn::USER.to_uppercase()], "userName": "a"}),
        Operation::Create,
        &Compat::rfc(),
    ));
    assert_eq!(t, ScimType::InvalidValue);
    assert!(d.contains("twice"));
}

/// RFC 7643 §3: the base schema must be listed, and only the type's schemas.
#[test]
fn rfc7643_3_schemas_consistent_with_resource_type() {
    let (_, d) = err(check(
        "User",
        json!({"schemas": [urn::ENTERPRISE_USER], "userName": "a"}),
        Operation::Create,
        &Compat::rfc(),
    ));
    assert!(d.contains(urn::USER));
    let (_, d) = err(check(
        "Group",
        json!({"schemas": [urn::GROUP, urn::ENTERPRISE_USER], "displayName": "g"}),
        Operation::Create,
        &Compat::rfc(),
    ));
    assert!(d.contains("not an extension"));
}

/// RFC 7643 §3 with `extra_schema_uris`: Entra's extra Microsoft URI on group create.
#[test]
fn rfc7643_3_extra_schema_uri_tolerated_only_when_enabled() {
    let body = json!({"schemas": [urn::GROUP, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                      "displayName": "g"});
    let (t, _) = err(check(
        "Group",
        body.clone(),
        Operation::Create,
        &Compat::strict(),
    ));
    assert_eq!(t, ScimType::InvalidValue);
    let ok = check("Group", body, Operation::Create, &Compat::lenient()).unwrap();
    assert_eq!(ok["schemas"].as_array().unwrap().len(), 2, "kept as sent");
}

/// RFC 7643 §3: an extension object needs its URN in `schemas`.
#[test]
fn rfc7643_3_extension_object_needs_its_urn_listed() {
    let body = user(json!({urn::ENTERPRISE_USER: {"department": "R"}}));
    let (t, d) = err(check("User", body, Operation::Create, &Compat::rfc()));
    assert_eq!(t, ScimType::InvalidValue);
    assert!(d.contains(urn::ENTERPRISE_USER));
}

/// RFC 7643 §6: a required extension must be present.
#[test]
fn rfc7643_6_required_extension() {
    let mut registry = SchemaRegistry::core();
    let mut rt = registry.resource_type("User").unwrap().clone();
    rt.name = "Employee".into();
    rt.endpoint = "/Employees".into();
    rt.schema_extensions[0].required = true;
    registry.add_resource_type(rt.clone()).unwrap();
    let mut body = json!({"schemas": [urn::USER], "userName": "a"});
    let e = validate(&registry, &rt, &mut body, Operation::Create, &Compat::rfc()).unwrap_err();
    assert!(e.detail.unwrap().contains("requires the extension"));
}

/// RFC 7643 §2.2 and RFC 7644 §3.12: a required attribute must have a value.
#[test]
fn rfc7643_2_2_required_attributes() {
    for missing in [
        json!({"schemas": [urn::USER]}),
        user(json!({"userName": ""})),
        user(json!({"userName": null})),
    ] {
        let (t, d) = err(check("User", missing, Operation::Create, &Compat::rfc()));
        assert_eq!(t, ScimType::InvalidValue);
        assert!(d.contains("userName"), "{d}");
    }
    let (_, d) = err(check(
        "Group",
        json!({"schemas": [urn::GROUP]}),
        Operation::Create,
        &Compat::rfc(),
    ));
    assert!(d.contains("displayName"), "errata C1");
}

/// RFC 7643 §2.3: every value has its attribute's type; the detail names the path.
#[test]
fn rfc7643_2_3_types_are_checked_with_paths() {
    let cases = [
        (json!({"active": "yes"}), "active"),
        (json!({"name": "Barbara"}), "name"),
        (json!({"name": {"givenName": 5}}), "name.givenName"),
        (
            json!({"emails": [{"value": "a@x"}, {"value": 7}]}),
            "emails[1].value",
        ),
        (json!({"emails": {"value": "a@x"}}), "emails"),
        (json!({"emails": [null]}), "emails[0]"),
        (json!({"meta": {"created": "yesterday"}}), "meta.created"),
        (
            json!({"x509Certificates": [{"value": "not base64!"}]}),
            "x509Certificates[0].value",
        ),
        (json!({"profileUrl": "not a uri"}), "profileUrl"),
        (
            json!({urn::ENTERPRISE_USER: {"manager": {"value": 1}}}),
            "manager.value",
        ),
    ];
    for (extra, path) in cases {
        let mut body = user(extra);
        if body.get(urn::ENTERPRISE_USER).is_some() {
            body["schemas"] = json!([urn::USER, urn::ENTERPRISE_USER]);
        }
        let (t, d) = err(check("User", body, Operation::Response, &Compat::rfc()));
        assert_eq!(t, ScimType::InvalidValue);
        assert!(d.contains(path), "{d} should name {path}");
    }
}

/// RFC 7643 §2.5: `null` unassigns; it is accepted for optional attributes.
#[test]
fn rfc7643_2_5_null_is_unassigned() {
    let ok = check(
        "User",
        user(json!({"nickName": null, "emails": null, "name": {"givenName": null}})),
        Operation::Create,
        &Compat::rfc(),
    )
    .unwrap();
    assert_eq!(
        ok["nickName"],
        Value::Null,
        "kept: PUT tells null from absent"
    );
}

/// RFC 7643 §2.4: at most one `primary: true`.
#[test]
fn rfc7643_2_4_at_most_one_primary() {
    let body = user(
        json!({"emails": [{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]}),
    );
    let (t, d) = err(check("User", body, Operation::Create, &Compat::rfc()));
    assert_eq!(t, ScimType::InvalidValue);
    assert!(d.contains("emails") && d.contains("primary"));
    let one = user(
        json!({"emails": [{"value": "a@x", "primary": true}, {"value": "b@x", "primary": false}]}),
    );
    check("User", one, Operation::Create, &Compat::rfc()).unwrap();
}

/// RFC 7644 §3.3 / §3.5.1: readOnly input is ignored, not refused (h-14, Okta PUT).
#[test]
fn rfc7644_3_5_1_read_only_input_ignored() {
    let body = user(
        json!({"id": "u-ada", "groups": [{"value": "g-x", "display": "Bogus"}],
                           "meta": {"resourceType": "User", "created": "1999-01-01T00:00:00Z"},
                           "schemas": [urn::USER, urn::ENTERPRISE_USER],
                           urn::ENTERPRISE_USER: {"manager": {"value": "m", "displayName": "Boss"}}}),
    );
    let current = user(json!({"id": "u-ada"}));
    for op in [Operation::Create, Operation::Replace { current: &current }] {
        let out = check("User", body.clone(), op, &Compat::rfc()).unwrap();
        assert!(
            out.get("id").is_none() && out.get("groups").is_none() && out.get("meta").is_none()
        );
        assert_eq!(out[urn::ENTERPRISE_USER]["manager"], json!({"value": "m"}));
    }
    let response = check("User", body, Operation::Response, &Compat::rfc()).unwrap();
    assert_eq!(response["id"], "u-ada");
}

/// RFC 7644 §3.5.1: an immutable attribute with a value may not change on PUT.
#[test]
fn rfc7644_3_5_1_immutable_on_replace() {
    let mut registry = SchemaRegistry::core();
    registry
        .add_schema_json(
            r#"{"id": "urn:example:Device", "attributes": [
        {"name": "serial", "mutability": "immutable", "caseExact": true},
        {"name": "label"}]}"#,
        )
        .unwrap();
    let rt = scimkit_schema::ResourceType::new("Device", "/Devices", "urn:example:Device");
    registry.add_resource_type(rt.clone()).unwrap();
    let current = json!({"schemas": ["urn:example:Device"], "id": "d1", "serial": "S-1"});
    let run = |body: Value, current: &Value| {
        let mut body = body;
        validate(
            &registry,
            &rt,
            &mut body,
            Operation::Replace { current },
            &Compat::rfc(),
        )
    };
    let e = run(
        json!({"schemas": ["urn:example:Device"], "serial": "S-2"}),
        &current,
    )
    .unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    assert!(e.detail.unwrap().contains("serial"));
    run(
        json!({"schemas": ["urn:example:Device"], "serial": "S-1", "label": "x"}),
        &current,
    )
    .unwrap();
    run(
        json!({"schemas": ["urn:example:Device"], "label": "x"}),
        &current,
    )
    .unwrap();
    let unset = json!({"schemas": ["urn:example:Device"], "id": "d1"});
    run(
        json!({"schemas": ["urn:example:Device"], "serial": "S-9"}),
        &unset,
    )
    .unwrap();
    // RFC 7644 §3.5.2: a PATCH may set it when unset but neither change nor remove it.
    let mut removed = json!({"schemas": ["urn:example:Device"]});
    let e = validate(
        &registry,
        &rt,
        &mut removed,
        Operation::PatchResult { original: &current },
        &Compat::rfc(),
    )
    .unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
}

/// RFC 7644 §3.5.2: a PATCH result may not change readOnly attributes (other than meta).
#[test]
fn rfc7644_3_5_2_read_only_unchanged_by_patch() {
    let original =
        user(json!({"id": "u1", "groups": [{"value": "g1"}], "meta": {"version": "W/\"1\""}}));
    let mut changed = original.clone();
    changed["groups"] = json!([{"value": "g2"}]);
    let (t, d) = err(check(
        "User",
        changed,
        Operation::PatchResult {
            original: &original,
        },
        &Compat::rfc(),
    ));
    assert_eq!(t, ScimType::Mutability);
    assert!(d.contains("groups"));
    let mut restamped = original.clone();
    restamped["meta"]["version"] = json!("W/\"2\"");
    restamped["title"] = json!("Engineer");
    check(
        "User",
        restamped,
        Operation::PatchResult {
            original: &original,
        },
        &Compat::rfc(),
    )
    .unwrap();
}

/// RFC 7643 §3: unknown attributes are kept by default and refused in strict mode.
#[test]
fn rfc7643_3_unknown_attributes() {
    let body = user(json!({"favouriteColour": "blue", "urn:example:other:1.0:Thing": {"a": 1}}));
    let out = check("User", body.clone(), Operation::Create, &Compat::rfc()).unwrap();
    assert_eq!(out["favouriteColour"], "blue");
    let (t, d) = err(check("User", body, Operation::Create, &Compat::strict()));
    assert_eq!(t, ScimType::InvalidSyntax);
    assert!(d.contains("favouriteColour"));
}

/// RFC 7643 §2.3.2 with `string_booleans` (Entra, case 12 / h-20): "False" becomes false;
/// garbage and strict mode stay 400 invalidValue; never stored as a string.
#[test]
fn rfc7643_2_3_2_string_boolean_coercion() {
    let out = check(
        "User",
        user(json!({"active": "False"})),
        Operation::Create,
        &Compat::lenient(),
    )
    .unwrap();
    assert_eq!(out["active"], json!(false));
    let (t, _) = err(check(
        "User",
        user(json!({"active": "False"})),
        Operation::Create,
        &Compat::strict(),
    ));
    assert_eq!(t, ScimType::InvalidValue);
    let (t, _) = err(check(
        "User",
        user(json!({"active": "nope"})),
        Operation::Create,
        &Compat::lenient(),
    ));
    assert_eq!(t, ScimType::InvalidValue);
    let (t, _) = err(check(
        "User",
        user(json!({"title": true})),
        Operation::Create,
        &Compat::lenient(),
    ));
    assert_eq!(
        t,
        ScimType::InvalidValue,
        "coercion is for boolean attributes only"
    );
}

/// RFC 7643 §4.3 with `manager_as_string` (Entra, case 18): bare id becomes {"value": id}.
#[test]
fn rfc7643_4_3_manager_string_coercion() {
    let body = json!({"schemas": [urn::USER, urn::ENTERPRISE_USER], "userName": "a",
                      urn::ENTERPRISE_USER: {"manager": "u9", "department": "R"}});
    let out = check("User", body.clone(), Operation::Create, &Compat::lenient()).unwrap();
    assert_eq!(out[urn::ENTERPRISE_USER]["manager"], json!({"value": "u9"}));
    let (t, d) = err(check("User", body, Operation::Create, &Compat::strict()));
    assert_eq!(t, ScimType::InvalidValue);
    assert!(d.contains("manager"));
}

/// RFC 7644 §3.12: a body that is not JSON is 400 invalidSyntax with a position.
#[test]
fn rfc7644_3_12_unparsable_body() {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type("User").unwrap();
    let e = ingest(
        &registry,
        rt,
        b"{\"userName\": ",
        Operation::Create,
        &Compat::rfc(),
    )
    .unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
    assert!(e.detail.unwrap().contains("line 1"));
    let e = ingest(&registry, rt, b"[]", Operation::Create, &Compat::rfc()).unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax));
}

/// h-16: the enterprise extension stays under its URN key; flat URN keys move there.
#[test]
fn rfc7643_3_3_extension_container_round_trip() {
    let body = json!({"schemas": [urn::USER, urn::ENTERPRISE_USER], "userName": "ada@example.com",
        urn::ENTERPRISE_USER: {"employeeNumber": "1001", "department": "Research", "manager": {"value": "u-boss"}}});
    let out = check("User", body.clone(), Operation::Create, &Compat::rfc()).unwrap();
    assert_eq!(out, body);
}

/// Case 23 (RFC 7644 §3.5.2.3, §3.10): a path-less PATCH value with dotted and URN-qualified
/// keys canonicalises to a resource fragment the PATCH engine can merge; nothing is stored
/// under a key literally named "name.givenName".
#[test]
fn rfc7644_3_10_pathless_patch_value_with_dotted_keys() {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type("User").unwrap();
    let mut value = json!({
        "userName": "ada.l@example.com",
        "name.givenName": "Adeline",
        "name.familyName": "Sample",
        "name.formatted": "Adeline Sample",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Engineering"
    });
    canonicalize(&registry, rt, &mut value, &Compat::strict()).unwrap();
    assert_eq!(
        value,
        json!({
            "userName": "ada.l@example.com",
            "name": {"givenName": "Adeline", "familyName": "Sample", "formatted": "Adeline Sample"},
            urn::ENTERPRISE_USER: {"department": "Engineering"}
        })
    );
}

/// Case 01 (RFC 7643 §3.3): an extension URN key in a path-less value is a container, not an
/// attribute path; its members get the schema's spelling.
#[test]
fn rfc7643_3_3_extension_container_in_pathless_value() {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type("User").unwrap();
    let mut value = json!({"active": false, "title": "Engineer",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"Organization": "Example Corp"}});
    canonicalize(&registry, rt, &mut value, &Compat::strict()).unwrap();
    assert_eq!(
        value[urn::ENTERPRISE_USER],
        json!({"organization": "Example Corp"})
    );
}

const COMPATS: [Compat; 3] = [Compat::strict(), Compat::rfc(), Compat::lenient()];

/// Regression (tester report F13): under `UnknownAttributes::Keep` a create stored keys that
/// can never be attribute names verbatim (`""`, `"a b"`, a filtered path). RFC 7643 §2.1
/// `ATTRNAME`: such a key is refused with 400 `invalidSyntax` naming it, under every policy,
/// at the top level and inside complex values and extension objects; a replace (PUT) too.
#[test]
fn rfc7643_2_1_keys_that_are_not_attribute_names_are_refused_everywhere() {
    let current = user(json!({"id": "1"}));
    for compat in &COMPATS {
        for key in [
            "",
            "a b",
            "x[y]",
            "emails[type eq \"work\"].value",
            "1st",
            "name..x",
        ] {
            for op in [Operation::Create, Operation::Replace { current: &current }] {
                let (t, d) = err(check("User", user(json!({key: "v"})), op, compat));
                assert_eq!(t, ScimType::InvalidSyntax, "{key:?}");
                assert!(d.contains(&format!("{key:?}")), "{d}");
                assert!(d.contains("RFC 7643 §2.1"), "{d}");
            }
        }
        let (_, d) = err(check(
            "User",
            user(json!({"name": {"givenName": "B", "a b": 1}})),
            Operation::Create,
            compat,
        ));
        assert!(d.contains("\"a b\" in name"), "{d}");
        let (_, d) = err(check(
            "User",
            json!({"schemas": [urn::USER, urn::ENTERPRISE_USER], "userName": "b",
                   urn::ENTERPRISE_USER: {"x y": 1}}),
            Operation::Create,
            compat,
        ));
        assert!(d.contains("\"x y\""), "{d}");
    }
    // Well-formed unknown names keep the policy's behaviour: kept under Keep.
    let kept = check(
        "User",
        user(json!({"x-custom": 1})),
        Operation::Create,
        &Compat::lenient(),
    )
    .unwrap();
    assert_eq!(kept["x-custom"], json!(1));
}

/// Regression (tester report F6): scim2-tester repeats `schemas` inside the extension object;
/// strict refused it as an unknown attribute and lenient stored it. RFC 7643 §3: `schemas`
/// belongs to the resource, so the inner copy is dropped under every policy.
#[test]
fn rfc7643_3_schemas_inside_an_extension_object_is_not_stored() {
    for compat in &COMPATS {
        let body = json!({"schemas": [urn::USER, urn::ENTERPRISE_USER], "userName": "b",
            urn::ENTERPRISE_USER: {"Schemas": [urn::ENTERPRISE_USER], "employeeNumber": "42"}});
        let stored = check("User", body, Operation::Create, compat).unwrap();
        assert_eq!(
            stored[urn::ENTERPRISE_USER],
            json!({"employeeNumber": "42"})
        );
    }
}

/// Regression (tester report F3): a Group member without `value` (`{"display": "x"}`) was
/// stored, even under strict. RFC 7643 §4.2: `value` is the member's id, so each member needs
/// a non-empty string `value`: 400 `invalidValue` naming the member, on create and replace.
/// Whether the id names an existing resource, or the group itself, is not checked here
/// (RFC-silent; the service may check its store).
#[test]
fn rfc7643_4_2_a_member_needs_its_value() {
    let current = json!({"schemas": [urn::GROUP], "displayName": "g"});
    for compat in &COMPATS {
        for member in [
            json!({"display": "x"}),
            json!({"value": ""}),
            json!({"value": null}),
        ] {
            for op in [Operation::Create, Operation::Replace { current: &current }] {
                let body = json!({"schemas": [urn::GROUP], "displayName": "g",
                    "members": [{"value": "u1"}, member]});
                let (t, d) = err(check("Group", body, op, compat));
                assert_eq!(t, ScimType::InvalidValue);
                assert!(d.starts_with("members[1] has no \"value\""), "{d}");
            }
        }
        let dangling = json!({"schemas": [urn::GROUP], "displayName": "g",
            "members": [{"value": "does-not-exist", "display": "x"}]});
        check("Group", dangling, Operation::Create, compat).unwrap();
    }
}
