//! `scimkit filter` and `scimkit patch` as a developer runs them.

mod common;

use common::scimkit;
use serde_json::{Value, json};

#[test]
fn filter_prints_the_canonical_form_or_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let out = scimkit(dir.path())
        .args([
            "filter",
            r#"userName EQ "bjensen" and (emails co "example.org" or not(active eq true))"#,
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "userName eq \"bjensen\" and (emails co \"example.org\" or not (active eq true))\n"
    );
    let out = scimkit(dir.path())
        .args(["filter", r#"title pr and userType eq"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("error: invalid filter at byte 24"),
        "{err}"
    );
    assert_eq!(
        lines[1..],
        ["title pr and userType eq", "                        ^"]
    );
}

#[test]
fn patch_prints_the_result_or_the_scim_error() {
    let dir = tempfile::tempdir().unwrap();
    let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "u1",
        "userName": "ada@example.com", "emails": [{"value": "ada@example.com", "type": "home"}],
        "meta": {"resourceType": "User"}});
    // Entra ID (aadOptscim062020) creates the work email it targets (create-on-absent).
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada@work.example"}]});
    std::fs::write(dir.path().join("user.json"), user.to_string()).unwrap();
    std::fs::write(dir.path().join("patch.json"), patch.to_string()).unwrap();
    let run = |compat: &str| {
        scimkit(dir.path())
            .args([
                "patch",
                "--resource",
                "user.json",
                "--patch",
                "patch.json",
                "--compat",
                compat,
            ])
            .output()
            .unwrap()
    };
    let out = run("entra");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        result["emails"][1],
        json!({"type": "work", "value": "ada@work.example"})
    );
    // RFC 7644 §3.5.2.3: strictly, a filter matching nothing is noTarget.
    let out = run("strict");
    assert_eq!(out.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        error["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(error["status"], "400");
    // A missing file is an error on standard error, not a crash.
    let out = scimkit(dir.path())
        .args([
            "patch",
            "--resource",
            "missing.json",
            "--patch",
            "patch.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

/// The README's `scimkit patch` command, on the files it names.
#[test]
fn the_readme_patch_example_works() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    let out = scimkit(std::path::Path::new(data))
        .args([
            "patch",
            "--compat",
            "entra-legacy",
            "--resource",
            "user.json",
        ])
        .args(["--patch", "entra-legacy-patch.json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let user: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(user["active"], false);
    assert_eq!(
        user["emails"][1],
        json!({"type": "work", "value": "ada@work.example"})
    );
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    assert!(readme.contains("--resource crates/scimkit/tests/data/user.json"));
    assert!(readme.contains("--patch crates/scimkit/tests/data/entra-legacy-patch.json"));
}
