//! What a request can never do to stored data, over HTTP and in every preset: fabricate a
//! group member from a filter that matched nothing, store a member without `value`, store
//! keys that are not attribute names, or store `schemas` inside an extension object. Each is
//! a regression from the new-user test report (F1, F3, F6, F13); the engine-level tests are
//! in scimkit-patch and scimkit-schema.

mod common;

use common::{send, service_with};
use scimkit_provision::{Preset, ScimService, Tenant};
use serde_json::{Value, json};

const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn patch(ops: Value) -> String {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
        .to_string()
}

async fn create(service: &ScimService, endpoint: &str, body: Value) -> Value {
    let (status, _, created) = send(service, "POST", endpoint, &body.to_string(), &[]).await;
    assert_eq!(status, 201, "{created}");
    created
}

/// Sends `body` and expects 400 with `scim_type`; the resource at `location` reads back the
/// same as before.
async fn refused(service: &ScimService, method: &str, location: &str, body: &str, scim_type: &str) {
    let (_, _, before) = send(service, "GET", location, "", &[]).await;
    let (status, _, err) = send(service, method, location, body, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some(scim_type)),
        "{body}: {err}"
    );
    assert_eq!(err["status"], "400");
    let (_, _, after) = send(service, "GET", location, "", &[]).await;
    assert_eq!(after, before, "{body}: unchanged");
}

/// F1 (RFC 7644 §3.5.2.3) and F3 (RFC 7643 §4.2) over HTTP: no phantom member from a filter
/// that matched nothing, no member without `value` through PATCH, POST or PUT.
#[tokio::test]
async fn group_members_are_only_what_was_named() {
    for preset in Preset::ALL {
        let (service, _, _) = service_with(Tenant::new("t").with_preset(preset));
        let user = create(
            &service,
            "/Users",
            json!({"schemas": [USER], "userName": "a"}),
        )
        .await;
        let uid = user["id"].as_str().unwrap();
        let group = create(
            &service,
            "/Groups",
            json!({"schemas": [GROUP], "displayName": "G", "members": [{"value": uid}]}),
        )
        .await;
        let at = format!("/Groups/{}", group["id"].as_str().unwrap());
        for path in [
            r#"members[value eq "zzz"].value"#,
            r#"members[value eq "nope"].display"#,
        ] {
            let body = patch(json!([{"op": "replace", "path": path, "value": "yyy"}]));
            refused(&service, "PATCH", &at, &body, "noTarget").await;
        }
        let body = patch(json!([{"op": "add", "path": "members", "value": [{"display": "x"}]}]));
        refused(&service, "PATCH", &at, &body, "invalidValue").await;
        let put = json!({"schemas": [GROUP], "displayName": "G", "members": [{"display": "x"}]});
        refused(&service, "PUT", &at, &put.to_string(), "invalidValue").await;
        let (status, _, err) = send(&service, "POST", "/Groups", &put.to_string(), &[]).await;
        assert_eq!(
            (status, err["scimType"].as_str()),
            (400, Some("invalidValue"))
        );
        assert!(
            err["detail"].as_str().unwrap().contains("members[0]"),
            "{err}"
        );
    }
}

/// F6 and F13 (RFC 7643 §2.1, §3) over HTTP: `schemas` inside the extension is not stored; a
/// path-less key that is a filtered path is applied (lenient) or refused (strict), never
/// stored as an attribute; a key that is not an attribute name is refused at create.
#[tokio::test]
async fn nothing_is_stored_under_a_key_that_is_not_an_attribute() {
    for preset in [Preset::Strict, Preset::Lenient] {
        let (service, _, _) = service_with(Tenant::new("t").with_preset(preset));
        let user = create(
            &service,
            "/Users",
            json!({"schemas": [USER], "userName": "ada",
                   "emails": [{"type": "work", "value": "old@x.example"}]}),
        )
        .await;
        let at = format!("/Users/{}", user["id"].as_str().unwrap());
        let ext = patch(json!([{"op": "add", "path": ENTERPRISE,
            "value": {"schemas": [ENTERPRISE], "employeeNumber": "42"}}]));
        let (status, _, patched) = send(&service, "PATCH", &at, &ext, &[]).await;
        assert_eq!(status, 200, "{preset}: {patched}");
        assert_eq!(
            patched[ENTERPRISE],
            json!({"employeeNumber": "42"}),
            "{preset}"
        );

        let keyed = patch(json!([{"op": "replace",
            "value": {"emails[type eq \"work\"].value": "new@x.example"}}]));
        if preset == Preset::Strict {
            refused(&service, "PATCH", &at, &keyed, "invalidValue").await;
        } else {
            let (status, _, patched) = send(&service, "PATCH", &at, &keyed, &[]).await;
            assert_eq!(status, 200, "{patched}");
            assert_eq!(
                patched["emails"],
                json!([{"type": "work", "value": "new@x.example"}])
            );
            assert!(patched.get("emails[type eq \"work\"].value").is_none());
        }

        for key in ["", "a b", "x[y]"] {
            let body = json!({"schemas": [USER], "userName": format!("u{}", key.len()), key: 1});
            let (status, _, err) = send(&service, "POST", "/Users", &body.to_string(), &[]).await;
            assert_eq!(
                (status, err["scimType"].as_str()),
                (400, Some("invalidSyntax")),
                "{err}"
            );
            assert!(
                err["detail"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{key:?}"))
            );
        }
    }
}
