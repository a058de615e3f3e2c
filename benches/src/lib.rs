//! Shared, deterministic inputs for the criterion benches in `benches/benches/`.
//!
//! Every bench reports its figures as a ratio against a baseline measured in the same run, so
//! the inputs here are generated, not random: the same call gives the same JSON every time.

use serde_json::{Value, json};

/// A realistic enterprise user (RFC 7643 §8.3 shape): core attributes, the enterprise
/// extension with a manager, 3 emails, 2 phone numbers, 2 addresses and 2 groups.
/// `i` makes `userName`, `externalId` and `id` unique.
pub fn enterprise_user(i: usize) -> Value {
    json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "id": format!("2819c223-7f76-453a-919d-{i:012}"),
        "externalId": format!("ext-{i}"),
        "userName": format!("user{i}@example.com"),
        "name": {
            "formatted": format!("Ms. Barbara J Jensen{i} III"),
            "familyName": format!("Jensen{i}"),
            "givenName": "Barbara",
            "middleName": "Jane",
            "honorificPrefix": "Ms.",
            "honorificSuffix": "III"
        },
        "displayName": format!("Babs Jensen {i}"),
        "nickName": "Babs",
        "profileUrl": format!("https://login.example.com/user{i}"),
        "title": if i.is_multiple_of(3) { "Tour Guide" } else { "Engineer" },
        "userType": if i.is_multiple_of(5) { "Contractor" } else { "Employee" },
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "America/Los_Angeles",
        "active": !i.is_multiple_of(10),
        "emails": [
            {"value": format!("user{i}@example.com"), "type": "work", "primary": true},
            {"value": format!("user{i}@home.example.org"), "type": "home"},
            {"value": format!("u{i}@other.example.net"), "type": "other"}
        ],
        "phoneNumbers": [
            {"value": format!("555-555-{:04}", i % 10000), "type": "work"},
            {"value": format!("555-555-{:04}", (i * 7) % 10000), "type": "mobile"}
        ],
        "addresses": [
            {
                "type": "work",
                "streetAddress": format!("{} Hollywood Blvd", 100 + i % 900),
                "locality": "Hollywood",
                "region": "CA",
                "postalCode": "91608",
                "country": "US",
                "formatted": "100 Hollywood Blvd\nHollywood, CA 91608 US",
                "primary": true
            },
            {
                "type": "home",
                "streetAddress": "456 Hollywood Blvd",
                "locality": "Hollywood",
                "region": "CA",
                "postalCode": "91608",
                "country": "US"
            }
        ],
        "groups": [
            {"value": "e9e30dba-f08f-4109-8486-d5c6a331660a", "display": "Tour Guides"},
            {"value": "fc348aa8-3835-40eb-a20b-c726e15c55b5", "display": "Employees"}
        ],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": format!("{}", 700000 + i),
            "costCenter": format!("CC-{}", i % 50),
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": if i.is_multiple_of(4) { "Tour Operations" } else { "Engineering" },
            "manager": {
                "value": "26118915-6090-4610-87e4-49d8ca9f808d",
                "displayName": "John Smith"
            }
        },
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z",
            "version": format!("W/\"{i:x}\""),
            "location": format!("https://example.com/v2/Users/2819c223-7f76-453a-919d-{i:012}")
        }
    })
}

/// A group named `"Group {i}"` with `members` users as members (`value` = the
/// [`enterprise_user`] id of user `0..members`).
pub fn group_with_members(i: usize, members: usize) -> Value {
    let members: Vec<Value> = (0..members)
        .map(|m| json!({"value": format!("2819c223-7f76-453a-919d-{m:012}"), "display": format!("Babs Jensen {m}")}))
        .collect();
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": format!("e9e30dba-f08f-4109-8486-{i:012}"),
        "displayName": format!("Group {i}"),
        "members": members,
        "meta": {"resourceType": "Group", "created": "2010-01-23T04:56:22Z",
                 "lastModified": "2011-05-13T04:42:34Z", "version": "W/\"3694e05e9dff594\""}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_distinct_and_deterministic() {
        assert_eq!(enterprise_user(7), enterprise_user(7));
        assert_ne!(
            enterprise_user(7)["userName"],
            enterprise_user(8)["userName"]
        );
        assert_eq!(enterprise_user(3)["emails"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn groups_have_the_requested_members() {
        let g = group_with_members(1, 5);
        assert_eq!(g["members"].as_array().unwrap().len(), 5);
        assert_eq!(g["members"][4]["value"], enterprise_user(4)["id"]);
    }
}
