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

/// The filter parse corpus: 48 realistic filters, as identity providers and admin tools send
/// them (simple lookups, value paths, URN-prefixed names, long and nested and/or/not chains,
/// escaped and non-ASCII strings). Shared by the `filter` bench and the peer bench in
/// `benches/peers`.
pub const FILTER_CORPUS: &[&str] = &[
    // Simple lookups (Entra ID, Okta, OneLogin, JumpCloud, RFC 7644 §3.4.2.2).
    r#"userName eq "bjensen@example.com""#,
    r#"externalId eq "00u1abcd2EFGH3ijk4l5""#,
    r#"id eq "2819c223-7f76-453a-919d-413861904646""#,
    r#"displayName eq "Engineering Team""#,
    r#"userName eq "ada.lovelace@contoso.onmicrosoft.com""#,
    r#"active eq true"#,
    r#"title pr"#,
    r#"emails.value eq "bjensen@example.com""#,
    r#"name.familyName sw "Jen""#,
    r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
    r#"userName co "jensen""#,
    r#"userName sw "J""#,
    r#"members.value eq "2819c223-7f76-453a-919d-413861904646""#,
    r#"userType ne "Employee""#,
    r#"meta.created ge "2024-01-01T00:00:00.000Z""#,
    // Value paths.
    r#"emails[type eq "work" and value co "@example.com"]"#,
    r#"emails[type eq "work"]"#,
    r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
    r#"addresses[type eq "work" and postalCode eq "91608"]"#,
    r#"phoneNumbers[type eq "mobile" and value sw "+1"]"#,
    r#"emails[primary eq true and value ew "@contoso.com"]"#,
    r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
    r#"emails[type eq "work" or (type eq "home" and value ew "@example.org")]"#,
    // URN-prefixed names.
    r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
    r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Tour Operations" and active eq true"#,
    r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
    r#"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "Jensen""#,
    // and / or / not, including 10+-clause chains and nests.
    r#"title pr and userType eq "Employee""#,
    r#"title pr or userType eq "Intern""#,
    r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
    r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
    r#"not (userName eq "bjensen") and not (active eq false)"#,
    r#"id eq "a1" or id eq "a2" or id eq "a3" or id eq "a4" or id eq "a5" or id eq "a6" or id eq "a7" or id eq "a8" or id eq "a9" or id eq "a10" or id eq "a11" or id eq "a12""#,
    r#"(userType eq "Employee" or userType eq "Contractor") and active eq true and (title sw "Senior" or title sw "Staff" or title sw "Principal") and not (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales") and meta.created ge "2020-01-01T00:00:00Z" and meta.created lt "2021-01-01T00:00:00Z" and emails[type eq "work" and value ew "@example.com"] and name.familyName pr"#,
    r#"((userType eq "Employee" or userType eq "Intern") and (title pr or (nickName pr and not (active eq false)))) or (displayName sw "A" and (locale eq "en-US" or locale eq "en-GB" or preferredLanguage eq "en"))"#,
    r#"displayName sw "A" or displayName sw "B" or displayName sw "C" or displayName sw "D" or displayName sw "E" or displayName sw "F" or displayName sw "G" or displayName sw "H" or displayName sw "I" or displayName sw "J""#,
    r#"userName eq "bjensen" and name.familyName sw "J" and name.givenName sw "B" and active eq true and title pr and userType eq "Employee" and emails.type eq "work" and phoneNumbers.type eq "mobile" and addresses.country eq "US" and locale eq "en-US""#,
    r#"not (emails.value ew "@example.org")"#,
    r#"USERNAME EQ "bjensen" AND ACTIVE EQ TRUE OR NOT (TITLE PR)"#,
    // Escaped and non-ASCII strings.
    r#"displayName eq "Barbara \"Babs\" Jensen""#,
    r#"userName eq "o\u0027malley@example.com""#,
    r#"name.formatted eq "Ms. Barbara J Jensen, III\nHollywood""#,
    r#"displayName co "Zoë Müller-Lüdenscheidt""#,
    r#"title eq "C:\\Program Files\\SCIM\\Agent""#,
    r#"nickName eq "\u00e9l\u00e8ve \ud83d\ude00""#,
];

/// Five representative filters for the evaluation bench, with what they exercise: a
/// case-insensitive lookup, a value path, an extension attribute, a dateTime range with
/// `not`, and a grouped `or` with substring operators and a value path.
pub const EVAL_FILTERS: &[(&str, &str)] = &[
    ("lookup", r#"userName eq "USER5000@example.com""#),
    (
        "value_path",
        r#"emails[type eq "work" and value ew "@example.com"] and active eq true"#,
    ),
    (
        "extension",
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "engineering" and title pr"#,
    ),
    (
        "date_not",
        r#"meta.lastModified gt "2011-01-01T00:00:00Z" and not (userType eq "Contractor")"#,
    ),
    (
        "nested",
        r#"(name.familyName sw "jensen1" or displayName co "99") and phoneNumbers[type eq "mobile" and value sw "555"]"#,
    ),
];

/// The user-PATCH corpus (`data/patch-corpus.json`): 24 realistic PatchOp bodies as Microsoft
/// Entra ID (both dialects: `entra` with aadOptscim062020, `entra-legacy` without), Okta and
/// the RFC 7644 §3.5.2 examples send them, each with the result its sender intends on
/// [`enterprise_user`]`(1)`. Shared by the `patch` bench, the peer bench in `benches/peers`
/// and the corpus test (`tests/patch_corpus.rs`).
pub const PATCH_CORPUS: &str = include_str!("../data/patch-corpus.json");

/// One request of [`PATCH_CORPUS`].
#[derive(Debug, Clone)]
pub struct PatchRequest {
    /// Short description.
    pub name: String,
    /// Who sends it: `entra`, `entra-legacy`, `okta`, or `rfc` (an RFC 7644 example shape).
    pub idp: String,
    /// The PatchOp body.
    pub body: Value,
    /// The body as bytes, as a service receives it.
    pub bytes: Vec<u8>,
    /// What the sender intends, as the top-level attributes (extension objects by their URN)
    /// that the request changes, each with its whole value afterwards; `null` means absent.
    /// Every attribute not listed stays as it was. Written for [`enterprise_user`]`(1)`.
    pub expect: serde_json::Map<String, Value>,
}

impl PatchRequest {
    /// `user` with [`PatchRequest::expect`] applied: the resource the sender intends.
    pub fn expected(&self, user: &Value) -> Value {
        let mut out = user.clone();
        for (key, value) in &self.expect {
            match value {
                Value::Null => out.as_object_mut().map(|o| o.shift_remove(key)),
                v => out
                    .as_object_mut()
                    .map(|o| o.insert(key.clone(), v.clone())),
            };
        }
        out
    }
}

/// [`PATCH_CORPUS`], in file order.
pub fn patch_corpus() -> Vec<PatchRequest> {
    let entries: Vec<Value> = serde_json::from_str(PATCH_CORPUS).expect("the corpus is JSON");
    entries
        .into_iter()
        .map(|e| PatchRequest {
            name: e["name"].as_str().expect("name").to_owned(),
            idp: e["idp"].as_str().expect("idp").to_owned(),
            bytes: serde_json::to_vec(&e["body"]).expect("body"),
            body: e["body"].clone(),
            expect: e["expect"].as_object().expect("expect").clone(),
        })
        .collect()
}

/// The Tokio runtime the store benches run on: multi-threaded with 2 workers (this machine's
/// cores, as `scimkit serve` has), timers and I/O enabled.
///
/// # Panics
/// When the runtime cannot be built (no threads available).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
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
    fn corpus_has_at_least_40_distinct_filters() {
        let mut corpus = FILTER_CORPUS.to_vec();
        corpus.sort_unstable();
        corpus.dedup();
        assert_eq!(corpus.len(), FILTER_CORPUS.len());
        assert!(FILTER_CORPUS.len() >= 40);
        assert_eq!(EVAL_FILTERS.len(), 5);
    }

    #[test]
    fn groups_have_the_requested_members() {
        let g = group_with_members(1, 5);
        assert_eq!(g["members"].as_array().unwrap().len(), 5);
        assert_eq!(g["members"][4]["value"], enterprise_user(4)["id"]);
    }

    #[test]
    fn patch_corpus_has_at_least_20_requests_from_every_sender() {
        let corpus = patch_corpus();
        assert!(corpus.len() >= 20);
        for idp in ["entra", "entra-legacy", "okta", "rfc"] {
            assert!(corpus.iter().any(|r| r.idp == idp), "{idp}");
        }
        let disable = &corpus[0];
        assert_eq!(
            disable.expected(&enterprise_user(1))["active"],
            json!(false)
        );
        let clear = corpus
            .iter()
            .find(|r| r.expect.get("title") == Some(&Value::Null));
        assert!(
            clear
                .unwrap()
                .expected(&enterprise_user(1))
                .get("title")
                .is_none()
        );
    }
}
