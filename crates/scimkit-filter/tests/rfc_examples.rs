//! Every filter example of RFC 7644 §3.4.2.2, evaluated against the RFC 7643 §8.1-§8.3 example
//! users (fixtures transcribed in `tests/fixtures/`), with the right answer for each.

use scimkit_filter::{FilterOptions, Matcher, parse_filter};
use scimkit_schema::SchemaRegistry;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn rfc7644_3_4_2_2_examples_against_rfc7643_8_users() {
    let registry = SchemaRegistry::core();
    let users_type = registry.resource_type("User").unwrap();
    let users = [
        ("minimal", fixture("rfc7643/user-minimal.json")),
        ("full", fixture("rfc7643/user-full.json")),
        ("enterprise", fixture("rfc7643/user-enterprise.json")),
    ];
    let examples = fixture("rfc7644-filter-examples.json");
    let examples = examples["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 19);
    for example in examples {
        let text = example["filter"].as_str().unwrap();
        let expected: Vec<&str> = example["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        for options in [FilterOptions::strict(), FilterOptions::lenient()] {
            let filter = options.parse_filter(text).unwrap_or_else(|e| panic!("{e}"));
            // The canonical form parses to the same tree.
            assert_eq!(parse_filter(&filter.to_string()).unwrap(), filter, "{text}");
            let matcher = Matcher::compile(&filter, &registry, users_type, &options)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let got: Vec<&str> = users
                .iter()
                .filter(|(_, user)| matcher.matches(user))
                .map(|(name, _)| *name)
                .collect();
            assert_eq!(got, expected, "{text}");
        }
    }
}

/// Variants of the RFC examples chosen so that they do match the example users, so that each
/// operator is seen matching as well as not matching.
#[test]
fn matching_variants_of_the_rfc_examples() {
    let registry = SchemaRegistry::core();
    let users_type = registry.resource_type("User").unwrap();
    let full = fixture("rfc7643/user-full.json");
    let enterprise = fixture("rfc7643/user-enterprise.json");
    for text in [
        r#"userName eq "BJENSEN@example.com""#,
        r#"name.familyName co "ense""#,
        r#"userName sw "B""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName ew "EXAMPLE.COM""#,
        r#"meta.lastModified gt "2011-05-13T04:42:33Z""#,
        r#"meta.lastModified lt "2011-05-13T06:42:35+02:00""#,
        r#"meta.created lt "2010-01-23T04:56:23Z""#,
        r#"title pr or userType eq "Intern""#,
        r#"emails[type eq "home" and value ew "jensen.org"]"#,
        r#"ims[type eq "aim"] and not (ims[type eq "xmpp"])"#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
    ] {
        let matcher = FilterOptions::strict()
            .compile_filter(text, &registry, users_type)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(matcher.matches(&enterprise), "{text}");
        let only_enterprise = text.contains("enterprise");
        assert_eq!(matcher.matches(&full), !only_enterprise, "{text}");
    }
}
