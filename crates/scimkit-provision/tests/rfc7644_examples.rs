//! The request/response examples of RFC 7644, transcribed (bodies as in the RFC; ids and
//! versions are the server's own, captured from earlier responses) and sent through
//! `ScimService` with no network.

mod common;

use common::{BASE, send, service, service_with};
use scimkit_provision::{PatchResponse, Tenant};
use serde_json::{Value, json};

const BJENSEN: &str = r#"{
  "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName":"bjensen",
  "externalId":"bjensen",
  "name":{
    "formatted":"Ms. Barbara J Jensen III",
    "familyName":"Jensen",
    "givenName":"Barbara"
  }
}"#;

fn header<'h>(headers: &'h http::HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn id(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

async fn create_user(
    service: &scimkit_provision::ScimService,
    user_name: &str,
    extra: Value,
) -> Value {
    let mut body =
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let (status, _, created) = send(service, "POST", "/Users", &body.to_string(), &[]).await;
    assert_eq!(status, 201, "{created}");
    created
}

/// RFC 7644 §3.3: 201 with `Location` = `meta.location`, `ETag` = `meta.version`, and the
/// stored representation.
#[tokio::test]
async fn s3_3_create_user() {
    let service = service();
    let (status, headers, body) = send(&service, "POST", "/Users", BJENSEN, &[]).await;
    assert_eq!(status, 201);
    assert_eq!(header(&headers, "Content-Type"), "application/scim+json");
    let uid = id(&body);
    let location = format!("{BASE}/Users/{uid}");
    assert_eq!(header(&headers, "Location"), location);
    assert_eq!(body["meta"]["location"], json!(location));
    assert_eq!(
        header(&headers, "ETag"),
        body["meta"]["version"].as_str().unwrap()
    );
    assert!(header(&headers, "ETag").starts_with("W/\""));
    assert_eq!(body["meta"]["resourceType"], "User");
    assert_eq!(body["meta"]["created"], body["meta"]["lastModified"]);
    assert_eq!(body["userName"], "bjensen");
    assert_eq!(body["externalId"], "bjensen");
    assert_eq!(body["name"]["formatted"], "Ms. Barbara J Jensen III");

    // §3.3: a duplicate is 409 with scimType uniqueness.
    let (status, _, err) = send(&service, "POST", "/Users", BJENSEN, &[]).await;
    assert_eq!(status, 409);
    assert_eq!(err["status"], "409");
    assert_eq!(err["scimType"], "uniqueness");
    assert_eq!(
        err["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
}

/// RFC 7644 §3.4.1: GET a known resource; §3.14: `If-None-Match` with the current tag is
/// 304 with no body.
#[tokio::test]
async fn s3_4_1_get_and_s3_14_conditional_get() {
    let service = service();
    let (_, _, created) = send(&service, "POST", "/Users", BJENSEN, &[]).await;
    let uid = id(&created);
    let (status, headers, body) = send(&service, "GET", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body, created, "GET returns what POST returned");
    let etag = header(&headers, "ETag").to_owned();
    let (status, headers, body) = send(
        &service,
        "GET",
        &format!("/Users/{uid}"),
        "",
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(status, 304);
    assert_eq!(body, Value::Null);
    assert_eq!(header(&headers, "ETag"), etag);
    let (status, _, _) = send(
        &service,
        "GET",
        &format!("/Users/{uid}"),
        "",
        &[("If-None-Match", "W/\"other\"")],
    )
    .await;
    assert_eq!(status, 200);
}

/// RFC 7644 §3.4.2 / §3.9: `attributes=userName` returns `id`, `schemas` (returned always)
/// and `userName` only.
#[tokio::test]
async fn s3_4_2_query_with_attributes() {
    let service = service();
    create_user(&service, "bjensen", json!({"displayName": "Babs"})).await;
    create_user(&service, "jsmith", json!({"displayName": "Jim"})).await;
    let (status, _, list) = send(&service, "GET", "/Users?attributes=userName", "", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        list["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(list["totalResults"], 2);
    let names: Vec<&str> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["schemas", "id", "userName"], "{r}");
            r["userName"].as_str().unwrap()
        })
        .collect();
    assert_eq!(names, ["bjensen", "jsmith"]);
}

/// RFC 7644 §3.4.2.2: filters as sent on the wire (percent-encoded and `+`), with the RFC's
/// own examples.
#[tokio::test]
async fn s3_4_2_2_filters() {
    let service = service();
    let bjensen = create_user(
        &service,
        "bjensen",
        json!({"title": "Tour Guide",
        "name": {"familyName": "O'Malley"},
        "emails": [{"value": "bjensen@example.com", "type": "work"}], "userType": "Employee"}),
    )
    .await;
    create_user(
        &service,
        "jsmith",
        json!({"emails": [{"value": "js@example.org", "type": "home"}]}),
    )
    .await;
    let cases: [(&str, &[&str]); 8] = [
        ("userName+Eq+%22BJENSEN%22", &["bjensen"]),
        ("name.familyName%20co%20%22O%27Malley%22", &["bjensen"]),
        ("userName+sw+%22J%22", &["jsmith"]),
        ("title+pr", &["bjensen"]),
        ("emails+co+%22example.com%22", &["bjensen"]),
        (
            "emails%5Btype+eq+%22work%22+and+value+co+%22%40example.com%22%5D",
            &["bjensen"],
        ),
        (
            "userType+eq+%22Employee%22+and+%28emails+co+%22example.com%22+or+emails.value+co+%22example.org%22%29",
            &["bjensen"],
        ),
        ("not+%28title+pr%29", &["jsmith"]),
    ];
    for (filter, want) in cases {
        let (status, _, list) =
            send(&service, "GET", &format!("/Users?filter={filter}"), "", &[]).await;
        assert_eq!(status, 200, "{filter}: {list}");
        let got: Vec<&str> = list["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["userName"].as_str().unwrap())
            .collect();
        assert_eq!(got, want, "{filter}");
        assert_eq!(list["totalResults"], want.len());
    }
    let (status, _, err) = send(
        &service,
        "GET",
        "/Users?filter=userName+zz+%22x%22",
        "",
        &[],
    )
    .await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidFilter"))
    );
    assert_eq!(bjensen["userName"], "bjensen");
}

/// RFC 7644 §3.4.2.3 sorting and §3.4.2.4 paging, with the edge rules (startIndex < 1 is 1,
/// count < 0 is 0, count = 0 gives only totalResults).
#[tokio::test]
async fn s3_4_2_3_sort_and_s3_4_2_4_paging() {
    let service = service();
    for i in 0..12 {
        create_user(&service, &format!("user{i:02}"), json!({})).await;
    }
    let (_, _, list) = send(
        &service,
        "GET",
        "/Users?sortBy=userName&sortOrder=descending&count=3",
        "",
        &[],
    )
    .await;
    let names: Vec<&str> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["user11", "user10", "user09"]);
    let (_, _, page1) = send(&service, "GET", "/Users?startIndex=1&count=10", "", &[]).await;
    assert_eq!(
        (
            page1["totalResults"].as_u64(),
            page1["itemsPerPage"].as_u64(),
            page1["startIndex"].as_u64()
        ),
        (Some(12), Some(10), Some(1))
    );
    let (_, _, page2) = send(&service, "GET", "/Users?startIndex=11&count=10", "", &[]).await;
    assert_eq!(
        (page2["itemsPerPage"].as_u64(), page2["startIndex"].as_u64()),
        (Some(2), Some(11))
    );
    assert_eq!(page2["Resources"][1]["userName"], "user11");
    let (_, _, zero) = send(&service, "GET", "/Users?startIndex=0&count=-5", "", &[]).await;
    assert_eq!(
        (zero["startIndex"].as_u64(), zero["totalResults"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(zero["Resources"], json!([]));
    let (_, _, past) = send(&service, "GET", "/Users?startIndex=100", "", &[]).await;
    assert_eq!(
        (
            past["totalResults"].as_u64(),
            past["Resources"].as_array().map(Vec::len)
        ),
        (Some(12), Some(0))
    );
    let (status, _, err) = send(&service, "GET", "/Users?count=ten", "", &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidValue"))
    );
}

/// RFC 7644 §3.4.3: POST /.search with the RFC's SearchRequest, per type and at the root.
#[tokio::test]
async fn s3_4_3_search_request() {
    let service = service();
    create_user(
        &service,
        "bjensen",
        json!({"displayName": "Smith, Barbara", "title": "x"}),
    )
    .await;
    create_user(&service, "jsmith", json!({"displayName": "Jim Jones"})).await;
    let body = r#"{
      "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      "attributes": ["displayName", "userName"],
      "filter": "displayName sw \"smith\"",
      "startIndex": 1,
      "count": 10
    }"#;
    for path in ["/Users/.search", "/.search"] {
        let (status, _, list) = send(&service, "POST", path, body, &[]).await;
        assert_eq!(status, 200, "{path}: {list}");
        assert_eq!(list["totalResults"], 1, "{path}");
        let r = &list["Resources"][0];
        assert_eq!(r["displayName"], "Smith, Barbara");
        assert_eq!(r["userName"], "bjensen");
        assert!(r.get("title").is_none() && r.get("meta").is_none(), "{r}");
    }
    let (status, _, err) = send(
        &service,
        "POST",
        "/Users/.search",
        r#"{"filter": "x pr"}"#,
        &[],
    )
    .await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidSyntax"))
    );
}

/// RFC 7643 §2.1: the SearchRequest's attribute names are case-insensitive, so `"Count"`
/// limits the page (regression: it was ignored, and the whole default page came back), and
/// the PatchOp's (`"operations"`, `"Op"`) apply. One attribute in two spellings is 400
/// invalidSyntax, and nothing is changed.
#[tokio::test]
async fn rfc7643_2_1_message_attribute_names_in_any_case() {
    let service = service();
    let created = create_user(&service, "bjensen", json!({"title": "x"})).await;
    create_user(&service, "jsmith", json!({})).await;
    let body = r#"{"Schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "SortBy": "userName", "SORTORDER": "descending", "Count": 1, "Attributes": ["userName"]}"#;
    for path in ["/Users/.search", "/.search"] {
        let (status, _, list) = send(&service, "POST", path, body, &[]).await;
        assert_eq!(status, 200, "{path}: {list}");
        assert_eq!(
            (list["totalResults"].as_u64(), list["itemsPerPage"].as_u64()),
            (Some(2), Some(1)),
            "{path}"
        );
        assert_eq!(list["Resources"][0]["userName"], "jsmith", "{path}");
        assert!(list["Resources"][0].get("meta").is_none(), "{path}");
    }

    let uri = format!("/Users/{}", id(&created));
    let patch = r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "operations": [{"Op": "replace", "Path": "title", "Value": "y"}]}"#;
    let (status, _, user) = send(&service, "PATCH", &uri, patch, &[]).await;
    assert_eq!((status, &user["title"]), (200, &json!("y")), "{user}");

    let twice = r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "Path": "nickName", "value": "z"}]}"#;
    let (status, _, err) = send(&service, "PATCH", &uri, twice, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{err}"
    );
    assert!(
        err["detail"]
            .as_str()
            .unwrap()
            .contains("duplicate field `path`"),
        "{err}"
    );
    let (_, _, after) = send(&service, "GET", &uri, "", &[]).await;
    assert_eq!(
        (&after["title"], after.get("nickName")),
        (&json!("y"), None)
    );

    // Regression (tester): one name twice (exactly) in a body was read last-wins in the
    // default preset, dropping the first `Operations` without an error (RFC 8259 §4). Now
    // 400 invalidSyntax saying where, in PATCH, POST and bulk `data`; nothing changes.
    let twice = r#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "title", "value": "first"}],
        "Operations": [{"op": "replace", "path": "nickName", "value": "second"}]}"#;
    let (status, _, err) = send(&service, "PATCH", &uri, twice, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{err}"
    );
    let detail = err["detail"].as_str().unwrap();
    assert!(
        detail.contains("the name \"Operations\" appears twice in one object"),
        "{detail}"
    );
    assert!(detail.contains("at line 3 column"), "{detail}");
    let created = r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "one", "userName": "two"}"#;
    let (status, _, err) = send(&service, "POST", "/Users", created, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{err}"
    );
    let bulk = format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [{{"method": "PATCH", "path": "{uri}",
        "data": [{{"op": "replace", "path": "title", "value": "t1", "value": "t2"}}]}}]}}"#
    );
    let (status, _, err) = send(&service, "POST", "/Bulk", &bulk, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("invalidSyntax")),
        "{err}"
    );
    let (_, _, list) = send(&service, "GET", "/Users", "", &[]).await;
    assert_eq!(list["totalResults"], 2);
    let (_, _, after) = send(&service, "GET", &uri, "", &[]).await;
    assert_eq!(
        (&after["title"], after.get("nickName")),
        (&json!("y"), None)
    );
}

/// RFC 7644 §3.5.1: PUT replaces (omitted attributes cleared), with `If-Match`; a stale tag
/// is 412; PUT never creates.
#[tokio::test]
async fn s3_5_1_replace() {
    let service = service();
    let created = create_user(
        &service,
        "bjensen",
        json!({"nickName": "Babs", "externalId": "bjensen"}),
    )
    .await;
    let uid = id(&created);
    let v1 = created["meta"]["version"].as_str().unwrap().to_owned();
    let body = r#"{
      "schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
      "id":"2819c223-7f76-453a-919d-413861904646",
      "userName":"bjensen",
      "externalId":"bjensen",
      "name":{"formatted":"Ms. Barbara J Jensen III","familyName":"Jensen","givenName":"Barbara","middleName":"Jane"},
      "roles":[],
      "emails":[{"value":"bjensen@example.com"},{"value":"babs@jensen.org"}]
    }"#;
    let (status, headers, replaced) = send(
        &service,
        "PUT",
        &format!("/Users/{uid}"),
        body,
        &[("If-Match", &v1)],
    )
    .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(
        replaced["id"],
        json!(uid),
        "the id in the body is readOnly and ignored"
    );
    assert_eq!(replaced["name"]["middleName"], "Jane");
    assert!(
        replaced.get("nickName").is_none(),
        "omitted attributes are cleared"
    );
    assert_eq!(replaced["meta"]["created"], created["meta"]["created"]);
    assert_ne!(header(&headers, "ETag"), v1);
    let (status, _, err) = send(
        &service,
        "PUT",
        &format!("/Users/{uid}"),
        body,
        &[("If-Match", &v1)],
    )
    .await;
    assert_eq!((status, err["status"].as_str()), (412, Some("412")));
    let (status, _, _) = send(&service, "PUT", "/Users/nope", body, &[]).await;
    assert_eq!(status, 404);
}

const GROUP: &str =
    r#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Tour Guides"}"#;

/// RFC 7644 §3.5.2.1 (add members), §3.5.2.2 (remove by filter, remove all, no path is
/// noTarget), §3.5.2.3 (replace members, path-less replace, value-path sub-attribute).
#[tokio::test]
async fn s3_5_2_patch_examples() {
    let service = service();
    let babs = id(&create_user(&service, "bjensen", json!({})).await);
    let jim = id(&create_user(&service, "jsmith", json!({})).await);
    let (_, _, group) = send(&service, "POST", "/Groups", GROUP, &[]).await;
    let gid = id(&group);
    let add = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{{"op":"add","path":"members",
              "value":[{{"display":"Babs Jensen","$ref":"{BASE}/Users/{babs}","value":"{babs}"}}]}}]}}"#
    );
    let etag = group["meta"]["version"].as_str().unwrap().to_owned();
    let (status, _, patched) = send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}"),
        &add,
        &[("If-Match", &etag)],
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["members"][0]["value"], json!(babs));
    let (status, _, _) = send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}"),
        &add,
        &[("If-Match", &etag)],
    )
    .await;
    assert_eq!(status, 412, "stale If-Match");

    let replace_members = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{{"op":"replace","path":"members",
              "value":[{{"display":"Babs Jensen","value":"{babs}"}},{{"display":"James Smith","value":"{jim}"}}]}}]}}"#
    );
    let (_, _, patched) = send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}"),
        &replace_members,
        &[],
    )
    .await;
    assert_eq!(patched["members"].as_array().unwrap().len(), 2);

    let remove_one = format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations":[{{"op":"remove","path":"members[value eq \"{babs}\"]"}}]}}"#
    );
    let (_, _, patched) = send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}"),
        &remove_one,
        &[],
    )
    .await;
    assert_eq!(
        patched["members"],
        json!([{"display": "James Smith", "value": jim}])
    );

    let remove_all = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members"}]}"#;
    let (_, _, patched) = send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}"),
        remove_all,
        &[],
    )
    .await;
    assert!(patched.get("members").is_none(), "{patched}");

    let no_path = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}"#;
    let (status, _, err) = send(&service, "PATCH", &format!("/Groups/{gid}"), no_path, &[]).await;
    assert_eq!((status, err["scimType"].as_str()), (400, Some("noTarget")));

    let user_replace = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"replace","value":{
        "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
        "nickName":"Babs"}}]}"#;
    let (status, _, user) = send(
        &service,
        "PATCH",
        &format!("/Users/{babs}"),
        user_replace,
        &[],
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["nickName"], "Babs");
    assert_eq!(user["emails"].as_array().unwrap().len(), 2);

    let addresses = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      "Operations":[{"op":"add","path":"addresses","value":[{"type":"work","streetAddress":"911 Universal City Plaza","locality":"Hollywood"}]},
                    {"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}]}"#;
    let (_, _, user) = send(&service, "PATCH", &format!("/Users/{babs}"), addresses, &[]).await;
    assert_eq!(user["addresses"][0]["streetAddress"], "1010 Broadway Ave");
    assert_eq!(user["addresses"][0]["locality"], "Hollywood");

    // RFC 7644 §3.5.2: a PATCH that touches a readOnly attribute is 400 mutability and
    // changes nothing.
    let read_only = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"id","value":"x"}]}"#;
    let (status, _, err) = send(&service, "PATCH", &format!("/Users/{babs}"), read_only, &[]).await;
    assert_eq!(
        (status, err["scimType"].as_str()),
        (400, Some("mutability"))
    );
}

/// RFC 7644 §3.5.2: the tenant may answer PATCH with 204 (and an ETag); `attributes` forces
/// 200.
#[tokio::test]
async fn s3_5_2_patch_204_option() {
    let (service, _, _) =
        service_with(Tenant::new("acme").with_patch_response(PatchResponse::NoContent));
    let uid = id(&create_user(&service, "bjensen", json!({})).await);
    let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}"#;
    let (status, headers, reply) =
        send(&service, "PATCH", &format!("/Users/{uid}"), body, &[]).await;
    assert_eq!((status, reply), (204, Value::Null));
    assert!(header(&headers, "ETag").starts_with("W/"));
    let (status, _, reply) = send(
        &service,
        "PATCH",
        &format!("/Users/{uid}?attributes=active"),
        body,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply["active"], false);
}

/// RFC 7644 §3.5.2 and §3.9: a PATCH answered with the resource honours
/// `excludedAttributes`: `PATCH /Groups/{id}?excludedAttributes=members` is 200 without
/// `members`, with the new version as `ETag` and `meta.version`; the change is stored.
#[tokio::test]
async fn s3_5_2_patch_response_honours_excluded_attributes() {
    let service = service();
    let group = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Tour Guides","members":[{"value":"m1"}]}"#;
    let (status, _, created) = send(&service, "POST", "/Groups", group, &[]).await;
    assert_eq!(status, 201);
    let path = format!("/Groups/{}", id(&created));
    let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"m2"}]}]}"#;
    let (status, headers, reply) = send(
        &service,
        "PATCH",
        &format!("{path}?excludedAttributes=members"),
        body,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert!(reply.get("members").is_none(), "{reply}");
    assert_eq!(reply["displayName"], "Tour Guides");
    assert_ne!(reply["meta"]["version"], created["meta"]["version"]);
    assert_eq!(
        header(&headers, "ETag"),
        reply["meta"]["version"].as_str().unwrap()
    );
    let (_, headers, read) = send(&service, "GET", &path, "", &[]).await;
    assert_eq!(read["members"], json!([{"value": "m1"}, {"value": "m2"}]));
    assert_eq!(
        header(&headers, "ETag"),
        reply["meta"]["version"].as_str().unwrap()
    );
}

/// RFC 7644 §3.6 and §3.12: DELETE is 204; afterwards GET is 404 with a SCIM Error.
#[tokio::test]
async fn s3_6_delete_and_s3_12_not_found() {
    let service = service();
    let uid = id(&create_user(&service, "bjensen", json!({})).await);
    let (status, _, body) = send(&service, "DELETE", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, headers, err) = send(&service, "GET", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!(status, 404);
    assert_eq!(header(&headers, "Content-Type"), "application/scim+json");
    assert_eq!(err["status"], "404");
    assert_eq!(
        err["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert!(err["detail"].is_string());
    let (status, _, _) = send(&service, "DELETE", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!(status, 404);
    create_user(&service, "bjensen", json!({})).await; // §3.6: the userName is free again
}

/// RFC 7644 §3.7.2: a group POSTed in the same bulk request references the new user by
/// `bulkId:qwerty`; §3.7.3 statuses and locations.
#[tokio::test]
async fn s3_7_2_bulk_ids() {
    let service = service();
    let body = r#"{
     "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
     "Operations": [
       {"method": "POST", "path": "/Groups", "bulkId": "ytrewq",
        "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Tour Guides",
                 "members": [{"type": "User", "value": "bulkId:qwerty"}]}},
       {"method": "POST", "path": "/Users", "bulkId": "qwerty",
        "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "Alice"}}
     ]}"#;
    let (status, _, response) = send(&service, "POST", "/Bulk", body, &[]).await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(
        response["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:BulkResponse"])
    );
    let ops = response["Operations"].as_array().unwrap();
    assert_eq!(ops.len(), 2);
    assert!(ops.iter().all(|o| o["status"] == "201"), "{response}");
    let user_location = ops[1]["location"].as_str().unwrap();
    let user_id = user_location.rsplit('/').next().unwrap();
    let group_location = ops[0]["location"].as_str().unwrap();
    let gid = group_location.rsplit('/').next().unwrap();
    let (_, _, group) = send(&service, "GET", &format!("/Groups/{gid}"), "", &[]).await;
    assert_eq!(
        group["members"][0]["value"],
        json!(user_id),
        "forward reference resolved"
    );
    assert!(ops[0]["version"].as_str().unwrap().starts_with("W/"));
}

/// RFC 7644 §3.7.1: two groups that list each other as members (a cycle) are both created
/// and both hold the other.
#[tokio::test]
async fn s3_7_1_circular_bulk_ids() {
    let service = service();
    let body = r#"{
     "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
     "Operations": [
       {"method": "POST", "path": "/Groups", "bulkId": "qwerty",
        "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Group A",
                 "members": [{"type": "Group", "value": "bulkId:ytrewq"}]}},
       {"method": "POST", "path": "/Groups", "bulkId": "ytrewq",
        "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Group B",
                 "members": [{"type": "Group", "value": "bulkId:qwerty"}]}}
     ]}"#;
    let (status, _, response) = send(&service, "POST", "/Bulk", body, &[]).await;
    assert_eq!(status, 200);
    let ids: Vec<String> = response["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["status"], "201", "{response}");
            o["location"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    for (me, other) in [(&ids[0], &ids[1]), (&ids[1], &ids[0])] {
        let (_, _, group) = send(&service, "GET", &format!("/Groups/{me}"), "", &[]).await;
        assert_eq!(
            group["members"],
            json!([{"type": "Group", "value": other}]),
            "{group}"
        );
    }
}

/// RFC 7644 §3.7.3: with `failOnErrors: 1` processing stops at the first error; without it
/// every operation runs; a reference to a failed POST is 409.
#[tokio::test]
async fn s3_7_3_fail_on_errors() {
    let service = service();
    create_user(&service, "taken", json!({})).await;
    let ops = r#"[
       {"method": "POST", "path": "/Users", "bulkId": "a", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "taken"}},
       {"method": "POST", "path": "/Groups", "bulkId": "g", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "G", "members": [{"value": "bulkId:a"}]}},
       {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "fresh"}}
    ]"#;
    let body = format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "failOnErrors": 1, "Operations": {ops}}}"#
    );
    let (_, _, response) = send(&service, "POST", "/Bulk", &body, &[]).await;
    let results = response["Operations"].as_array().unwrap();
    assert_eq!(
        results.len(),
        1,
        "stopped after the first error: {response}"
    );
    assert_eq!(results[0]["status"], "409");
    assert_eq!(results[0]["response"]["scimType"], "uniqueness");
    let body = format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": {ops}}}"#
    );
    let (_, _, response) = send(&service, "POST", "/Bulk", &body, &[]).await;
    let statuses: Vec<&str> = response["Operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["409", "409", "201"], "{response}");
}

/// RFC 7644 §3.7.4: over `maxOperations` or `maxPayloadSize` is 413 naming the limit.
#[tokio::test]
async fn s3_7_4_bulk_limits() {
    let service = service();
    let op = r#"{"method": "DELETE", "path": "/Users/x"}"#;
    let ops = vec![op; 1001].join(",");
    let body = format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [{ops}]}}"#
    );
    let (status, _, err) = send(&service, "POST", "/Bulk", &body, &[]).await;
    assert_eq!(status, 413);
    assert_eq!(err["status"], "413");
    assert!(
        err["detail"]
            .as_str()
            .unwrap()
            .contains("maxOperations is 1000"),
        "{err}"
    );
    let (_, _, spc) = send(&service, "GET", "/ServiceProviderConfig", "", &[]).await;
    assert_eq!(
        spc["bulk"],
        json!({"supported": true, "maxOperations": 1000, "maxPayloadSize": 1048576})
    );
}

/// RFC 7644 §4: discovery endpoints, generated from the registry and the configuration;
/// filtering them is 403.
#[tokio::test]
async fn s4_discovery() {
    let service = service();
    let (status, _, spc) = send(&service, "GET", "/ServiceProviderConfig", "", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        spc["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
    );
    assert_eq!(spc["patch"]["supported"], true);
    assert_eq!(spc["etag"]["supported"], true);
    assert_eq!(spc["sort"]["supported"], true);
    assert_eq!(
        spc["filter"],
        json!({"supported": true, "maxResults": 1000})
    );
    assert_eq!(spc["authenticationSchemes"][0]["type"], "oauthbearertoken");
    assert_eq!(
        spc["meta"]["location"],
        json!(format!("{BASE}/ServiceProviderConfig"))
    );
    let (_, _, types) = send(&service, "GET", "/ResourceTypes", "", &[]).await;
    assert_eq!(types["totalResults"], 2);
    assert_eq!(types["Resources"][0]["endpoint"], "/Users");
    assert_eq!(
        types["Resources"][0]["schemaExtensions"][0]["schema"],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    );
    let (status, _, user_type) = send(&service, "GET", "/ResourceTypes/User", "", &[]).await;
    assert_eq!((status, user_type["name"].as_str()), (200, Some("User")));
    let (_, _, schemas) = send(&service, "GET", "/Schemas", "", &[]).await;
    assert!(schemas["totalResults"].as_u64().unwrap() >= 3);
    let (status, _, user_schema) = send(
        &service,
        "GET",
        "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
        "",
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(user_schema["attributes"][0]["name"], "userName");
    let (status, _, _) = send(&service, "GET", "/Schemas/urn:nope", "", &[]).await;
    assert_eq!(status, 404);
    let (status, _, _) = send(
        &service,
        "GET",
        "/ResourceTypes?filter=name+eq+%22User%22",
        "",
        &[],
    )
    .await;
    assert_eq!(status, 403);
}
