//! Arbitrary bytes through deserialize + canonicalise + validate (`ingest`) for User and
//! Group in every operation context and compat preset, then projection and the typed
//! conversion: no panic; an accepted resource validates again unchanged (idempotence) and
//! round-trips through the typed structs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit_schema::{
    Compat, Group, Operation, PatchOp, Projection, SchemaRegistry, User, ingest, validate,
};
use serde_json::json;
use std::sync::OnceLock;

static REGISTRY: OnceLock<SchemaRegistry> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let registry = REGISTRY.get_or_init(SchemaRegistry::core);
    let _ = PatchOp::from_json(data);
    let current = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "1", "userName": "a"});
    for rt in registry.resource_types() {
        for compat in [Compat::strict(), Compat::rfc(), Compat::lenient()] {
            for op in [
                Operation::Create,
                Operation::Replace { current: &current },
                Operation::PatchResult { original: &current },
                Operation::Response,
            ] {
                let Ok(resource) = ingest(registry, rt, data, op, &compat) else {
                    continue;
                };
                let mut again = resource.clone();
                validate(registry, rt, &mut again, Operation::Response, &compat)
                    .expect("an accepted resource stays valid");
                assert_eq!(again, resource);
                let mut projected = resource.clone();
                Projection::parse(registry, rt, None, Some("emails.value,members,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"))
                    .unwrap()
                    .apply(registry, rt, &mut projected)
                    .unwrap();
                if rt.name == "User" {
                    if let Ok(user) = User::from_value(resource.clone()) {
                        assert_eq!(user.to_value(), resource);
                    }
                } else if let Ok(group) = Group::from_value(resource.clone()) {
                    assert_eq!(group.to_value(), resource);
                }
            }
        }
    }
});
