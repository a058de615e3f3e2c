//! The debugging tools: `scimkit filter` and `scimkit patch`. Each returns what to print and
//! whether it succeeded, so `main` owns all output and exit codes.

use std::io::Read;
use std::path::Path;

use scimkit_patch::{PatchOptions, Preset, apply};
use scimkit_schema::{PatchOp, ResourceType, SchemaRegistry, ScimError, canonicalize};
use serde_json::Value;

/// What a tool prints: on success to standard output (exit 0), on failure to standard error
/// (exit 1) for `filter`, to standard output as a SCIM Error document for `patch`.
#[derive(Debug, PartialEq, Eq)]
pub enum ToolOutput {
    /// The result, printed on standard output; exit status 0.
    Ok(String),
    /// The failure, printed on standard output (a JSON document); exit status 1.
    ErrorDocument(String),
    /// The failure, printed on standard error; exit status 1.
    Error(String),
}

/// `scimkit filter EXPR`: the canonical form of the filter under `preset`'s grammar
/// (`FilterOptions` of [`PatchOptions::preset`]), or the parse error with a caret under the
/// offending character (RFC 7644 §3.4.2.2).
pub fn filter(expression: &str, preset: Preset) -> ToolOutput {
    let options = PatchOptions::preset(preset).filter;
    match options.parse_filter(expression) {
        Ok(filter) => ToolOutput::Ok(filter.to_string()),
        Err(err) => ToolOutput::Error(format!("error: {err}\n{}", err.caret())),
    }
}

/// `scimkit patch`: reads the resource and the `PatchOp`, canonicalises the resource (as the
/// server's ingest does), applies the request with `preset`, and returns the resulting
/// resource or the SCIM Error (RFC 7644 §3.12) as pretty JSON.
pub fn patch(
    resource_file: &Path,
    patch_file: &Path,
    preset: Preset,
    type_name: Option<&str>,
) -> ToolOutput {
    let registry = SchemaRegistry::core();
    let (resource, patch) = match (read_input(resource_file), read_input(patch_file)) {
        (Ok(r), Ok(p)) => (r, p),
        (Err(e), _) | (_, Err(e)) => return ToolOutput::Error(format!("error: {e}")),
    };
    match patch_bytes(&registry, &resource, &patch, preset, type_name) {
        Ok(result) => ToolOutput::Ok(pretty(&result)),
        Err(err) => {
            ToolOutput::ErrorDocument(pretty(&serde_json::to_value(&err).unwrap_or(Value::Null)))
        }
    }
}

/// The core of [`patch`], on bytes.
///
/// # Errors
/// The SCIM Error a server would answer: 400 `invalidSyntax` for JSON that is not a resource
/// or a `PatchOp`, 400 `invalidValue` when the resource type cannot be told, and whatever
/// [`scimkit_patch::apply`] refuses.
pub fn patch_bytes(
    registry: &SchemaRegistry,
    resource: &[u8],
    patch: &[u8],
    preset: Preset,
    type_name: Option<&str>,
) -> Result<Value, ScimError> {
    // As a service reads a body: one member named twice is refused, not read last-wins.
    let mut resource = scimkit_schema::parse_json_body(resource, "the resource")?;
    let resource_type = resource_type_of(registry, &resource, type_name)?;
    let options = PatchOptions::preset(preset);
    canonicalize(registry, resource_type, &mut resource, &options.compat)?;
    let patch = PatchOp::from_json(patch)?;
    apply(&mut resource, &patch, registry, resource_type, &options)?;
    Ok(resource)
}

/// The resource type: named, else `meta.resourceType`, else the first type whose core schema
/// is in `schemas`.
fn resource_type_of<'r>(
    registry: &'r SchemaRegistry,
    resource: &Value,
    named: Option<&str>,
) -> Result<&'r ResourceType, ScimError> {
    let by_name = |name: &str| {
        registry
            .resource_types()
            .iter()
            .find(|rt| rt.name.eq_ignore_ascii_case(name))
    };
    if let Some(name) = named.or_else(|| resource.pointer("/meta/resourceType")?.as_str()) {
        return by_name(name)
            .ok_or_else(|| ScimError::invalid_value(format!("unknown resource type {name:?}")));
    }
    let schemas: Vec<&str> = resource
        .get("schemas")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    registry
        .resource_types()
        .iter()
        .find(|rt| schemas.iter().any(|s| s.eq_ignore_ascii_case(&rt.schema)))
        .ok_or_else(|| {
            ScimError::invalid_value(
                "cannot tell the resource type: give --type, meta.resourceType or a core schema \
                 URN in schemas",
            )
        })
}

fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("standard input: {e}"))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn filter_prints_the_canonical_form() {
        assert_eq!(
            filter(
                r#"UserName Eq "bjensen" and not(emails co "example.org")"#,
                Preset::Strict
            ),
            ToolOutput::Ok(r#"UserName eq "bjensen" and not (emails co "example.org")"#.into())
        );
    }

    #[test]
    fn filter_errors_point_at_the_offending_character() {
        let ToolOutput::Error(text) = filter(r#"name.givenName zz "Ada""#, Preset::Lenient) else {
            panic!("accepted")
        };
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("error: invalid filter at byte 15: "),
            "{text}"
        );
        assert!(lines[0].contains("\"zz\""), "{text}");
        assert_eq!(
            lines[1..],
            ["name.givenName zz \"Ada\"", "               ^"]
        );
    }

    #[test]
    fn filter_grammar_follows_the_preset() {
        // Entra's `emails[type eq "work"].value eq "x"` filter (RFC 7644 has no such form).
        let entra = r#"emails[type eq "work"].value eq "ada@example.com""#;
        assert!(matches!(
            filter(entra, Preset::Strict),
            ToolOutput::Error(_)
        ));
        assert!(matches!(filter(entra, Preset::Entra), ToolOutput::Ok(_)));
    }

    fn group() -> Vec<u8> {
        serde_json::to_vec(&json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "id": "g1", "displayName": "Staff",
            "members": [{"value": "u1"}, {"value": "u2"}]
        }))
        .unwrap()
    }

    /// Entra ID without `aadOptscim062020` removes members with a `value` list (quirk E3).
    const LEGACY_REMOVE: &[u8] = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Remove", "path": "members", "value": [{"value": "u2"}]}]}"#;

    #[test]
    fn patch_applies_with_the_preset() {
        let registry = SchemaRegistry::core();
        let out = patch_bytes(
            &registry,
            &group(),
            LEGACY_REMOVE,
            Preset::EntraLegacy,
            None,
        )
        .unwrap();
        assert_eq!(out["members"], json!([{"value": "u1"}]));
        assert_eq!(out["displayName"], "Staff");
    }

    #[test]
    fn patch_errors_are_scim_errors() {
        let registry = SchemaRegistry::core();
        let err =
            patch_bytes(&registry, &group(), LEGACY_REMOVE, Preset::Strict, None).unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(err.scim_type, Some(scimkit_schema::ScimType::InvalidSyntax));
        let err = patch_bytes(&registry, b"[1]", LEGACY_REMOVE, Preset::Lenient, None).unwrap_err();
        assert_eq!(err.status, 400);
        let err = patch_bytes(&registry, &group(), b"{", Preset::Lenient, None).unwrap_err();
        assert_eq!(err.scim_type, Some(scimkit_schema::ScimType::InvalidSyntax));
    }

    /// Regression (tester): the resource file was read with serde_json, keeping the last of
    /// two `title` members where the server refuses the body; it is read as the server does.
    #[test]
    fn a_resource_naming_a_member_twice_is_refused_as_the_server_refuses_it() {
        let registry = SchemaRegistry::core();
        let user = br#"{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ada", "title": "first", "title": "second"}"#;
        let patch = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "nickName", "value": "A"}]}"#;
        let err = patch_bytes(&registry, user, patch, Preset::Lenient, None).unwrap_err();
        assert_eq!(err.scim_type, Some(scimkit_schema::ScimType::InvalidSyntax));
        let detail = err.detail.unwrap_or_default();
        assert!(
            detail.starts_with("the resource cannot be read: the name \"title\" appears twice"),
            "{detail}"
        );
    }

    #[test]
    fn the_resource_type_comes_from_meta_schemas_or_the_flag() {
        let registry = SchemaRegistry::core();
        let user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]});
        assert_eq!(
            resource_type_of(&registry, &user, None).unwrap().name,
            "User"
        );
        let meta = json!({"meta": {"resourceType": "Group"}});
        assert_eq!(
            resource_type_of(&registry, &meta, None).unwrap().name,
            "Group"
        );
        assert_eq!(
            resource_type_of(&registry, &meta, Some("user"))
                .unwrap()
                .name,
            "User"
        );
        assert!(resource_type_of(&registry, &json!({}), None).is_err());
    }
}
