//! `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) become a read hint for the store;
//! what the store may skip never changes a response.

mod common;

use common::{send, service};
use serde_json::json;

/// A list of blanks names no attribute: it is "not given", for the response, the hint,
/// the entity tag and the PATCH answer alike. Regression (tester): `attributes=,` made the
/// store leave out every attribute while the projection showed the full resource, so a
/// group came back without `displayName` or `members`.
#[tokio::test]
async fn an_attributes_list_of_blanks_changes_nothing() {
    let service = service();
    let user =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada"});
    let (_, _, user) = send(&service, "POST", "/Users", &user.to_string(), &[]).await;
    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "g", "members": [{"value": user["id"]}]});
    let (status, _, group) = send(&service, "POST", "/Groups", &group.to_string(), &[]).await;
    assert_eq!(status, 201);
    for (path, id) in [("/Groups", &group["id"]), ("/Users", &user["id"])] {
        let uri = format!("{path}/{}", id.as_str().unwrap());
        let (_, full_headers, full) = send(&service, "GET", &uri, "", &[]).await;
        for blank in ["%2C", "%20%2C%20%2C", "%20"] {
            let (status, headers, shown) = send(
                &service,
                "GET",
                &format!("{uri}?attributes={blank}"),
                "",
                &[],
            )
            .await;
            assert_eq!(status, 200);
            assert_eq!(shown, full, "{uri}?attributes={blank}");
            assert_eq!(headers["etag"], full_headers["etag"]);
        }
    }
    assert_eq!(group["members"][0]["value"], user["id"]);
}
