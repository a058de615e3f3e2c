//! Full provisioning cycles as Microsoft Entra ID (both PATCH dialects) and Okta run them,
//! through `ScimService` with no network, each with its tenant preset, checking state and
//! the provisioning events.

mod common;

use common::{send, service_with};
use scimkit_provision::{Change, Event, Preset, ScimService, Tenant};
use serde_json::{Value, json};

fn changes(events: Vec<Event>) -> Vec<(String, Change)> {
    events
        .into_iter()
        .map(|e| (e.resource_type, e.change))
        .collect()
}

fn patch(ops: Value) -> String {
    json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})
        .to_string()
}

async fn get(service: &ScimService, path: &str) -> Value {
    let (status, _, body) = send(service, "GET", path, "", &[]).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

fn entra_user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "8b1c2d3e-ada",
        "userName": "ada@contoso.example",
        "active": true,
        "displayName": "Ada Lovelace",
        "emails": [{"primary": true, "type": "work", "value": "ada@contoso.example"}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "1815", "department": "Analytics"}
    })
}

/// Steps both Entra dialects share: test connection, create, find by userName and by
/// externalId. Returns the user id.
async fn entra_connect_and_create(service: &ScimService, flag: &str) -> String {
    let (status, _, probe) = send(
        service,
        "GET",
        &format!("/Users?{flag}filter=userName+eq+%2258a2f6c0-1c3e-4b8e-9d11-7e0c5f2b9a44%22"),
        "",
        &[],
    )
    .await;
    assert_eq!(
        (status, probe["totalResults"].as_u64()),
        (200, Some(0)),
        "test connection"
    );
    let (status, _, created) = send(
        service,
        "POST",
        &format!("/Users?{flag}"),
        &entra_user().to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let uid = created["id"].as_str().unwrap().to_owned();
    for filter in [
        "userName+eq+%22ada%40contoso.example%22",
        "externalId+eq+%228b1c2d3e-ada%22",
    ] {
        let list = get(service, &format!("/Users?{flag}filter={filter}")).await;
        assert_eq!(list["totalResults"], 1, "{filter}");
        assert_eq!(list["Resources"][0]["id"], json!(uid));
    }
    uid
}

/// Entra ID with `?aadOptscim062020` (preset `entra`): RFC-style lowercase ops, path-less
/// replace with path keys, members removed by filter.
#[tokio::test]
async fn entra_cycle_aadoptscim062020_dialect() {
    let (service, log, _) = service_with(Tenant::new("contoso").with_preset(Preset::Entra));
    let flag = "aadOptscim062020&";
    let uid = entra_connect_and_create(&service, flag).await;

    let update = patch(json!([
        {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada.lovelace@contoso.example"},
        {"op": "replace", "value": {"displayName": "Ada King", "name.familyName": "King",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Engines"}}
    ]));
    let (status, _, _) = send(
        &service,
        "PATCH",
        &format!("/Users/{uid}?{flag}"),
        &update,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let user = get(&service, &format!("/Users/{uid}")).await;
    assert_eq!(user["displayName"], "Ada King");
    assert_eq!(user["name"]["familyName"], "King");
    assert_eq!(user["emails"][0]["value"], "ada.lovelace@contoso.example");
    assert_eq!(
        user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"],
        "Engines"
    );

    let disable = patch(json!([{"op": "replace", "path": "active", "value": false}]));
    send(
        &service,
        "PATCH",
        &format!("/Users/{uid}?{flag}"),
        &disable,
        &[],
    )
    .await;
    assert_eq!(
        get(&service, &format!("/Users/{uid}")).await["active"],
        false
    );

    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
        "externalId": "grp-1", "displayName": "Engineers", "meta": {"resourceType": "Group"}});
    let (status, _, group) = send(
        &service,
        "POST",
        &format!("/Groups?{flag}"),
        &group.to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 201, "{group}");
    let gid = group["id"].as_str().unwrap().to_owned();
    let add = patch(json!([{"op": "add", "path": "members", "value": [{"value": uid}]}]));
    send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}?{flag}"),
        &add,
        &[],
    )
    .await;
    assert_eq!(
        get(&service, &format!("/Groups/{gid}")).await["members"],
        json!([{"value": uid}])
    );
    let remove = patch(json!([{"op": "remove", "path": format!("members[value eq \"{uid}\"]")}]));
    send(
        &service,
        "PATCH",
        &format!("/Groups/{gid}?{flag}"),
        &remove,
        &[],
    )
    .await;
    assert!(
        get(&service, &format!("/Groups/{gid}"))
            .await
            .get("members")
            .is_none()
    );

    let (status, _, _) = send(&service, "DELETE", &format!("/Users/{uid}?{flag}"), "", &[]).await;
    assert_eq!(status, 204);
    let (status, _, _) = send(&service, "GET", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!(status, 404);

    assert_eq!(
        changes(log.take()),
        [
            ("User".into(), Change::Created),
            ("User".into(), Change::Updated),
            ("User".into(), Change::Deactivated),
            ("Group".into(), Change::Created),
            ("Group".into(), Change::MembersAdded(vec![uid.clone()])),
            ("Group".into(), Change::MembersRemoved(vec![uid.clone()])),
            ("User".into(), Change::Deleted),
        ]
    );
}

/// Entra ID without the flag (preset `entra-legacy`): capitalised ops, `"False"`, members
/// removed with a `value` list, `$ref: null`.
#[tokio::test]
async fn entra_cycle_legacy_dialect() {
    let (service, log, _) = service_with(Tenant::new("contoso").with_preset(Preset::EntraLegacy));
    let uid = entra_connect_and_create(&service, "").await;
    let (_, _, other) = send(&service, "POST", "/Users", &json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "grace@contoso.example"}).to_string(), &[]).await;
    let other = other["id"].as_str().unwrap().to_owned();

    let update = patch(json!([
        {"op": "Replace", "path": "displayName", "value": "Ada King"},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada.king@contoso.example"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": other}
    ]));
    let (status, _, body) = send(&service, "PATCH", &format!("/Users/{uid}"), &update, &[]).await;
    assert_eq!(status, 200, "{body}");
    let user = get(&service, &format!("/Users/{uid}")).await;
    assert_eq!(user["displayName"], "Ada King");
    assert_eq!(
        user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"],
        json!(other)
    );

    let disable = patch(json!([{"op": "Replace", "path": "active", "value": "False"}]));
    send(&service, "PATCH", &format!("/Users/{uid}"), &disable, &[]).await;
    assert_eq!(
        get(&service, &format!("/Users/{uid}")).await["active"],
        false
    );
    let enable = patch(json!([{"op": "Replace", "path": "active", "value": "True"}]));
    send(&service, "PATCH", &format!("/Users/{uid}"), &enable, &[]).await;
    assert_eq!(
        get(&service, &format!("/Users/{uid}")).await["active"],
        true
    );

    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Engineers"});
    let (_, _, group) = send(&service, "POST", "/Groups", &group.to_string(), &[]).await;
    let gid = group["id"].as_str().unwrap().to_owned();
    let add = patch(
        json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": uid}, {"$ref": null, "value": other}]}]),
    );
    send(&service, "PATCH", &format!("/Groups/{gid}"), &add, &[]).await;
    let remove = patch(
        json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": other}]}]),
    );
    send(&service, "PATCH", &format!("/Groups/{gid}"), &remove, &[]).await;
    let members = get(&service, &format!("/Groups/{gid}")).await["members"].clone();
    let values: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, [uid.as_str()], "only the listed member is removed");

    let (status, _, _) = send(&service, "DELETE", &format!("/Users/{uid}"), "", &[]).await;
    assert_eq!(status, 204);
    assert!(
        get(&service, &format!("/Groups/{gid}"))
            .await
            .get("members")
            .is_none(),
        "a deleted user leaves its groups"
    );

    let kinds: Vec<Change> = changes(log.take()).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        kinds,
        [
            Change::Created,
            Change::Created,
            Change::Updated,
            Change::Deactivated,
            Change::Reactivated,
            Change::Created,
            Change::MembersAdded(vec![uid.clone(), other.clone()]),
            Change::MembersRemoved(vec![other.clone()]),
            Change::Deleted,
            Change::MembersRemoved(vec![uid.clone()]),
        ]
    );
}

/// Okta (preset `okta`): lookup with paging, create with password, GET then full PUT,
/// path-less deactivate, group push (create, rename repeating its id, members add and
/// remove), group delete.
#[tokio::test]
async fn okta_cycle() {
    let (service, log, _) = service_with(Tenant::new("okta-org").with_preset(Preset::Okta));
    let okta = [
        ("User-Agent", "Okta SCIM Client 1.0.0"),
        ("Content-Type", "application/scim+json; charset=utf-8"),
    ];
    let lookup = "/Users?filter=userName%20eq%20%22ada%40okta.example%22&startIndex=1&count=100";
    assert_eq!(get(&service, lookup).await["totalResults"], 0);
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@okta.example",
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "emails": [{"primary": true, "value": "ada@okta.example", "type": "work"}],
        "displayName": "Ada Lovelace", "locale": "en-US", "externalId": "00u1", "groups": [],
        "password": "Synthetic-Passw0rd", "active": true});
    let (status, _, created) = send(&service, "POST", "/Users", &user.to_string(), &okta).await;
    assert_eq!(status, 201, "{created}");
    assert!(
        created.get("password").is_none(),
        "password is never returned"
    );
    let uid = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        get(&service, lookup).await["Resources"][0]["id"],
        json!(uid)
    );

    let mut full = get(&service, &format!("/Users/{uid}")).await;
    full["name"]["middleName"] = json!("Byron");
    let (status, _, put) = send(
        &service,
        "PUT",
        &format!("/Users/{uid}"),
        &full.to_string(),
        &okta,
    )
    .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["name"]["middleName"], "Byron");

    let deactivate = patch(json!([{"op": "replace", "value": {"active": false}}]));
    send(
        &service,
        "PATCH",
        &format!("/Users/{uid}"),
        &deactivate,
        &okta,
    )
    .await;
    let user = get(&service, &format!("/Users/{uid}")).await;
    assert_eq!(
        (user["active"].as_bool(), user["displayName"].as_str()),
        (Some(false), Some("Ada Lovelace"))
    );
    assert_eq!(
        get(&service, lookup).await["totalResults"],
        1,
        "a deactivated user is still found"
    );

    let group = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Okta Admins", "members": []});
    let (_, _, group) = send(&service, "POST", "/Groups", &group.to_string(), &okta).await;
    let gid = group["id"].as_str().unwrap().to_owned();
    let rename =
        patch(json!([{"op": "replace", "value": {"id": gid, "displayName": "Okta Owners"}}]));
    let (status, _, _) = send(&service, "PATCH", &format!("/Groups/{gid}"), &rename, &okta).await;
    assert_eq!(status, 200);
    let add = patch(
        json!([{"op": "add", "path": "members", "value": [{"value": uid, "display": "ada@okta.example"}]}]),
    );
    send(&service, "PATCH", &format!("/Groups/{gid}"), &add, &okta).await;
    let group = get(&service, &format!("/Groups/{gid}")).await;
    assert_eq!(
        (
            group["displayName"].as_str(),
            group["members"][0]["value"].as_str()
        ),
        (Some("Okta Owners"), Some(uid.as_str()))
    );
    let remove = patch(json!([{"op": "remove", "path": format!("members[value eq \"{uid}\"]")}]));
    send(&service, "PATCH", &format!("/Groups/{gid}"), &remove, &okta).await;
    let (status, _, _) = send(&service, "DELETE", &format!("/Groups/{gid}"), "", &okta).await;
    assert_eq!(status, 204);

    let kinds: Vec<Change> = changes(log.take()).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        kinds,
        [
            Change::Created,
            Change::Updated,
            Change::Deactivated,
            Change::Created,
            Change::Renamed {
                from: Some("Okta Admins".into()),
                to: Some("Okta Owners".into())
            },
            Change::MembersAdded(vec![uid.clone()]),
            Change::MembersRemoved(vec![uid.clone()]),
            Change::Deleted,
        ]
    );
}
