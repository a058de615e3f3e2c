//! Every RFC 7643 §8 example and the RFC 7644 message examples, transcribed as fixtures in
//! `tests/fixtures/`: deserialize → validate → serialize gives the same JSON (modulo key
//! order). Errata applied: RFC 7643 EID 5990/5991 (`country` "US" in §8.2/§8.3), RFC 7644
//! EID 7898 (comma in the §3.12 example) and EID 7916 (§3.7.3 failed-operation example).

use std::fs;
use std::path::{Path, PathBuf};

use scimkit_schema::{
    BulkRequest, BulkResponse, Compat, Group, ListResponse, Operation, PatchOp, ResourceType,
    SchemaRegistry, ScimError, SearchRequest, ServiceProviderConfig, User, canonicalize, urn,
    validate,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixtures(kind: &str) -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind);
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

/// The core registry plus resource types for the discovery resources (RFC 7643 §5, §6, §7).
fn registry() -> SchemaRegistry {
    let mut registry = SchemaRegistry::core();
    for (name, endpoint, schema) in [
        (
            "ServiceProviderConfig",
            "/ServiceProviderConfig",
            urn::SERVICE_PROVIDER_CONFIG,
        ),
        ("ResourceType", "/ResourceTypes", urn::RESOURCE_TYPE),
        ("Schema", "/Schemas", urn::SCHEMA),
    ] {
        registry
            .add_resource_type(ResourceType::new(name, endpoint, schema))
            .unwrap();
    }
    registry
}

fn resource_type_for<'r>(registry: &'r SchemaRegistry, resource: &Value) -> &'r ResourceType {
    let base = resource["schemas"][0].as_str().unwrap();
    registry
        .resource_types()
        .iter()
        .find(|rt| rt.schema == base)
        .unwrap()
}

fn check(
    registry: &SchemaRegistry,
    resource: &Value,
    op: Operation<'_>,
) -> Result<Value, ScimError> {
    check_with(registry, resource, op, &Compat::strict())
}

fn check_with(
    registry: &SchemaRegistry,
    resource: &Value,
    op: Operation<'_>,
    compat: &Compat,
) -> Result<Value, ScimError> {
    let rt = resource_type_for(registry, resource);
    let mut copy = resource.clone();
    canonicalize(registry, rt, &mut copy, compat)?;
    validate(registry, rt, &mut copy, op, compat)?;
    Ok(copy)
}

fn typed_round_trip<T: DeserializeOwned + Serialize>(name: &str, value: &Value) {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        &serde_json::to_value(&typed).unwrap(),
        value,
        "{name}: typed round trip"
    );
}

#[test]
fn rfc_resources_validate_and_round_trip() {
    let registry = registry();
    let all = fixtures("resources");
    assert_eq!(all.len(), 13);
    for (name, resource) in &all {
        let out = check(&registry, resource, Operation::Response)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&out, resource, "{name}: validate changed the resource");
        let text = serde_json::to_string(&out).unwrap();
        assert_eq!(
            &serde_json::from_str::<Value>(&text).unwrap(),
            resource,
            "{name}"
        );
        match resource["schemas"][0].as_str().unwrap() {
            urn::USER => {
                let user = User::from_value(resource.clone()).unwrap();
                assert_eq!(&user.to_value(), resource, "{name}: User round trip");
            }
            urn::GROUP => {
                let group = Group::from_value(resource.clone()).unwrap();
                assert_eq!(&group.to_value(), resource, "{name}: Group round trip");
            }
            urn::SERVICE_PROVIDER_CONFIG => {
                typed_round_trip::<ServiceProviderConfig>(name, resource)
            }
            urn::RESOURCE_TYPE => {
                let rt: ResourceType = serde_json::from_value(resource.clone()).unwrap();
                assert_eq!(Some(rt.name.clone()), rt.id, "{name}");
                assert_eq!(
                    serde_json::to_value(&rt.schema_extensions).unwrap(),
                    resource
                        .get("schemaExtensions")
                        .cloned()
                        .unwrap_or(Value::Array(vec![]))
                );
            }
            other => panic!("{name}: unexpected schema {other}"),
        }
    }
}

/// RFC 7644 §3.3 / §3.5.1 request bodies also pass their request context, readOnly `id`
/// removed.
#[test]
fn rfc_request_bodies_validate_in_their_context() {
    let registry = registry();
    for (name, resource) in fixtures("resources") {
        let op = if name.contains("create-user-request") {
            Operation::Create
        } else if name.contains("replace-user-request") {
            Operation::Replace { current: &resource }
        } else {
            continue;
        };
        let out = check(&registry, &resource, op).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut expected = resource.clone();
        expected.as_object_mut().unwrap().remove("id");
        assert_eq!(out, expected, "{name}");
    }
}

/// RFC 7643 §8.7.1 / §8.7.2: the schema representations (our `data/`, errata applied) are
/// valid Schema resources and round-trip. Unknown attributes are kept, not refused: the
/// Schema schema defines `subAttributes` two levels deep, and its own representation (which
/// describes `attributes.subAttributes.subAttributes`) goes one level further.
#[test]
fn rfc7643_8_7_schema_representations_validate() {
    let registry = registry();
    for file in ["core-schemas.json", "service-provider-schemas.json"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(file);
        let schemas: Vec<Value> = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        for schema in &schemas {
            let out = check_with(&registry, schema, Operation::Response, &Compat::rfc())
                .unwrap_or_else(|e| panic!("{file} {}: {e}", schema["id"]));
            assert_eq!(&out, schema);
            let typed: scimkit_schema::Schema = serde_json::from_value(schema.clone()).unwrap();
            assert_eq!(
                &typed.to_resource("/v2"),
                schema,
                "{file} {}: typed round trip",
                typed.id
            );
        }
    }
}

#[test]
fn rfc_messages_round_trip() {
    let all = fixtures("messages");
    assert_eq!(all.len(), 21);
    for (name, message) in &all {
        let kind = name.split('-').next().unwrap();
        match kind {
            "list_response" => typed_round_trip::<ListResponse<Value>>(name, message),
            "search_request" => {
                typed_round_trip::<SearchRequest>(name, message);
                SearchRequest::from_json(message.to_string().as_bytes()).unwrap();
            }
            "patch_op" => {
                typed_round_trip::<PatchOp>(name, message);
                PatchOp::from_json(message.to_string().as_bytes()).unwrap();
            }
            "bulk_request" => {
                typed_round_trip::<BulkRequest>(name, message);
                let bulk = BulkRequest::from_json(message.to_string().as_bytes()).unwrap();
                let registry = registry();
                for op in bulk
                    .operations
                    .iter()
                    .filter(|o| o.method != scimkit_schema::BulkMethod::Patch)
                {
                    if let Some(data) = &op.data {
                        check(&registry, data, Operation::Response)
                            .unwrap_or_else(|e| panic!("{name}: {e}"));
                    }
                }
            }
            "bulk_response" => typed_round_trip::<BulkResponse>(name, message),
            "error" => typed_round_trip::<ScimError>(name, message),
            other => panic!("{name}: unknown message kind {other}"),
        }
    }
}

/// RFC 7644 §3.4.2 / §4: list responses whose resources carry `schemas` validate too.
#[test]
fn rfc_list_response_resources_validate() {
    let registry = registry();
    for (name, message) in fixtures("messages")
        .into_iter()
        .filter(|(n, _)| n.starts_with("list_response"))
    {
        let list: ListResponse<Value> = serde_json::from_value(message).unwrap();
        for resource in list.resources.iter().filter(|r| r.get("schemas").is_some()) {
            check(&registry, resource, Operation::Response)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
