//! Projection: `attributes` / `excludedAttributes` with `returned` (RFC 7644 §3.4.2.5, §3.9).

use scimkit_schema::{Projection, ResourceType, SchemaRegistry, ScimType, urn};
use serde_json::{Value, json};

fn user() -> Value {
    json!({
        "schemas": [urn::USER, urn::ENTERPRISE_USER], "id": "1", "externalId": "e1",
        "userName": "bjensen", "password": "t1meMa$heen", "title": "Tour Guide",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "b@example.com", "type": "work", "primary": true}],
        "favouriteColour": "blue",
        urn::ENTERPRISE_USER: {"employeeNumber": "701984", "department": "Tour Operations",
                               "manager": {"value": "m1", "displayName": "John Smith"}},
        "meta": {"resourceType": "User", "version": "W/\"1\""}
    })
}

fn project(
    resource_type: &str,
    resource: Value,
    attributes: Option<&str>,
    excluded: Option<&str>,
) -> Value {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type(resource_type).unwrap();
    let projection = Projection::parse(&registry, rt, attributes, excluded).unwrap();
    let mut resource = resource;
    projection.apply(&registry, rt, &mut resource).unwrap();
    resource
}

/// RFC 7643 §7 / §4.1: `returned: never` (password) never leaves the server.
#[test]
fn rfc7643_7_returned_never_is_always_removed() {
    for (a, e) in [
        (None, None),
        (Some("password,userName"), None),
        (None, Some("userName")),
    ] {
        let out = project("User", user(), a, e);
        assert!(out.get("password").is_none(), "{a:?} {e:?}");
    }
    let mut expected = user();
    expected.as_object_mut().unwrap().remove("password");
    assert_eq!(project("User", user(), None, None), expected);
}

/// RFC 7644 §3.9: `attributes=userName` gives `id`, `schemas` (always) and `userName`.
#[test]
fn rfc7644_3_9_attributes_replaces_the_default_set() {
    let out = project("User", user(), Some("userName"), None);
    assert_eq!(
        out,
        json!({"schemas": [urn::USER, urn::ENTERPRISE_USER], "id": "1", "userName": "bjensen"})
    );
    let out = project("User", user(), Some("NAME.givenName, emails.value"), None);
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    assert_eq!(out["emails"], json!([{"value": "b@example.com"}]));
    assert!(out.get("userName").is_none());
}

/// RFC 7644 §3.4.2.5: `excludedAttributes` removes from the default set, never `always`.
#[test]
fn rfc7644_3_4_2_5_excluded_attributes() {
    let out = project(
        "User",
        user(),
        None,
        Some("id,title,name.familyName,favouriteColour"),
    );
    assert_eq!(out["id"], "1", "id is returned always");
    assert!(out.get("title").is_none() && out.get("favouriteColour").is_none());
    assert_eq!(out["name"], json!({"givenName": "Barbara"}));
    let group = json!({"schemas": [urn::GROUP], "id": "g", "displayName": "G", "members": [{"value": "1"}]});
    let out = project("Group", group, None, Some("members"));
    assert_eq!(
        out,
        json!({"schemas": [urn::GROUP], "id": "g", "displayName": "G"})
    );
}

/// RFC 7644 §3.10 and §3.4.2.5: extension attributes by URN-qualified name.
#[test]
fn rfc7644_3_4_2_5_extension_attributes() {
    let ext = urn::ENTERPRISE_USER;
    let out = project(
        "User",
        user(),
        Some(&format!("{ext}:employeeNumber,{ext}:manager.value")),
        None,
    );
    assert_eq!(
        out[ext],
        json!({"employeeNumber": "701984", "manager": {"value": "m1"}})
    );
    let out = project("User", user(), Some(ext), None);
    assert_eq!(out[ext], user()[ext]);
    let out = project("User", user(), None, Some(&format!("{ext}:manager")));
    assert_eq!(
        out[ext],
        json!({"employeeNumber": "701984", "department": "Tour Operations"})
    );
    let out = project("User", user(), None, Some(ext));
    assert!(out.get(ext).is_none());
    let out = project("User", user(), Some("userName"), None);
    assert!(out.get(ext).is_none());
}

/// RFC 7643 §7: `returned: request` attributes appear only when named.
#[test]
fn rfc7643_7_returned_request() {
    let mut registry = SchemaRegistry::core();
    registry
        .add_schema_json(
            r#"{"id": "urn:example:Device", "attributes": [
        {"name": "serial"}, {"name": "secretNote", "returned": "request"}]}"#,
        )
        .unwrap();
    let rt = ResourceType::new("Device", "/Devices", "urn:example:Device");
    registry.add_resource_type(rt.clone()).unwrap();
    let device =
        json!({"schemas": ["urn:example:Device"], "id": "d", "serial": "S", "secretNote": "n"});
    let run = |a: Option<&str>, e: Option<&str>| {
        let mut d = device.clone();
        Projection::parse(&registry, &rt, a, e)
            .unwrap()
            .apply(&registry, &rt, &mut d)
            .unwrap();
        d
    };
    assert!(run(None, None).get("secretNote").is_none());
    assert!(run(None, Some("serial")).get("secretNote").is_none());
    assert_eq!(run(Some("secretNote"), None)["secretNote"], "n");
}

/// Both lists at once: 400 invalidValue (RFC-silent, documented choice).
#[test]
fn both_lists_are_refused() {
    let registry = SchemaRegistry::core();
    let rt = registry.resource_type("User").unwrap();
    let e = Projection::parse(&registry, rt, Some("userName"), Some("title")).unwrap_err();
    assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    assert!(Projection::parse(&registry, rt, Some("emails[type eq \"work\"]"), None).is_err());
    assert_eq!(
        Projection::parse(&registry, rt, Some(""), Some(" ")).unwrap(),
        Projection::default()
    );
}
