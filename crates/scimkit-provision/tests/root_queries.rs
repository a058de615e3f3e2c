//! Queries across all resource types at the base URI (RFC 7644 §3.4.2.1).

mod common;

use common::{send, service};
use std::collections::HashMap;

use serde_json::{Value, json};

/// The label each resource of a ListResponse was created with, in the response's order.
fn labels(list: &Value, by_id: &HashMap<String, Value>) -> Vec<Value> {
    list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| by_id[r["id"].as_str().unwrap()].clone())
        .collect()
}

/// The merge across types orders by `sortBy` (RFC 7644 §3.4.2.3) even when the projection
/// does not return the sort attribute. Regression: with `excludedAttributes=externalId`
/// (and `attributes=id`) the merge compared resources already stripped of it, so every key
/// was equal and the types came one after the other (b, d, c).
#[tokio::test]
async fn the_merge_sorts_by_an_attribute_the_response_leaves_out() {
    let service = service();
    let mut ids = HashMap::new();
    for (path, body) in [
        (
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "b", "externalId": "b"}),
        ),
        (
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "d", "externalId": "d"}),
        ),
        (
            "/Groups",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "c", "externalId": "c"}),
        ),
    ] {
        let (status, _, created) = send(&service, "POST", path, &body.to_string(), &[]).await;
        assert_eq!(status, 201);
        ids.insert(
            created["id"].as_str().unwrap().to_owned(),
            body["externalId"].clone(),
        );
    }
    for projection in [
        "",
        "&excludedAttributes=externalId",
        "&attributes=id",
        "&attributes=userName",
    ] {
        let (status, _, list) = send(
            &service,
            "GET",
            &format!("/?sortBy=externalId{projection}"),
            "",
            &[],
        )
        .await;
        assert_eq!(status, 200, "{list}");
        let order = labels(&list, &ids);
        assert_eq!(order, ["b", "c", "d"], "{projection}");
        let shown = list["Resources"][0].get("externalId").is_some();
        assert_eq!(shown, projection.is_empty(), "{projection}: {list}");
    }
}

/// The same for an extension attribute, whichever way `sortBy` spells it (with its URN in
/// any case, or without it: all resolve to the one attribute). Regression (tester): only the
/// canonical URN was recognised, so `sortBy=employeeNumber&attributes=id` merged the types
/// one after the other.
#[tokio::test]
async fn the_merge_sorts_by_an_extension_attribute_however_spelled() {
    const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let service = service();
    let mut names = HashMap::new();
    for (path, body) in [
        (
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "u1", ENTERPRISE: {"employeeNumber": "1"}}),
        ),
        (
            "/Users",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "userName": "u2", ENTERPRISE: {"employeeNumber": "2"}}),
        ),
        (
            "/Groups",
            json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g"}),
        ),
    ] {
        let (status, _, created) = send(&service, "POST", path, &body.to_string(), &[]).await;
        assert_eq!(status, 201);
        let name = body
            .get("userName")
            .or(body.get("displayName"))
            .unwrap()
            .clone();
        names.insert(created["id"].as_str().unwrap().to_owned(), name);
    }
    // Descending: resources without the attribute (the group) come first (RFC 7644 §3.4.2.3).
    let expected = [json!("g"), json!("u2"), json!("u1")];
    for sort in [
        format!("{ENTERPRISE}:employeeNumber"),
        format!("{}:employeeNumber", ENTERPRISE.to_uppercase()),
        "employeeNumber".to_owned(),
        "EMPLOYEENUMBER".to_owned(),
    ] {
        for projection in ["", "&attributes=id", "&excludedAttributes=employeeNumber"] {
            let uri = format!("/?sortBy={sort}&sortOrder=descending{projection}");
            let (status, _, list) = send(&service, "GET", &uri, "", &[]).await;
            assert_eq!(status, 200, "{list}");
            let order = labels(&list, &names);
            assert_eq!(order, expected, "{uri}");
        }
    }
}
