//! Arbitrary text through `FilterOptions::parse_filter` (strict and lenient): no panic; every
//! accepted filter prints to text that parses back to the same tree and prints identically;
//! accepted filters compile against the User type and evaluate on a sample user without panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scimkit_filter::{FilterOptions, Matcher};
use scimkit_schema::SchemaRegistry;
use serde_json::{Value, json};

fn sample() -> &'static (SchemaRegistry, Value) {
    static SAMPLE: OnceLock<(SchemaRegistry, Value)> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "u1", "userName": "Ada", "active": true, "title": "",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [{"type": "work", "value": "ada@example.com", "primary": true}],
            "meta": {"lastModified": "2011-05-13T04:42:34Z"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "7"}
        });
        (SchemaRegistry::core(), user)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for options in [FilterOptions::strict(), FilterOptions::lenient()] {
        let Ok(filter) = options.parse_filter(text) else {
            continue;
        };
        let printed = filter.to_string();
        let reparsed = FilterOptions::strict()
            .parse_filter(&printed)
            .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}, which fails: {e}"));
        assert_eq!(reparsed, filter, "{text:?} -> {printed:?}");
        assert_eq!(reparsed.to_string(), printed);
        let (registry, user) = sample();
        let users = registry.resource_type("User").expect("core type");
        if let Ok(matcher) = Matcher::compile(&filter, registry, users, &options) {
            let _ = matcher.matches(user);
        }
    }
});
