//! Arbitrary PatchOp JSON against a fixed user and a fixed group, under every preset: no
//! panic; an error leaves the resource exactly as it was (RFC 7644 §3.5.2 atomicity); a
//! success passes schema validation; `Outcome::changed() == false` means nothing changed;
//! the typed path (`apply_user`, `apply_group`) gives the same result or the same error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit_patch::{PatchOptions, Preset, apply, apply_group, apply_user, plan_membership};
use scimkit_schema::{Compat, Group, Operation, PatchOp, SchemaRegistry, User, validate};
use serde_json::{Value, json};
use std::sync::OnceLock;

static REGISTRY: OnceLock<SchemaRegistry> = OnceLock::new();

fn resources() -> [(&'static str, Value); 2] {
    [
        ("User", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": "u1", "userName": "ada", "active": true,
            "name": {"givenName": "Ada", "familyName": "Example"},
            "emails": [{"value": "a@x.org", "type": "work", "primary": true}, {"value": "b@x.org", "type": "home"}],
            "addresses": [{"type": "work", "locality": "Paris"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D", "manager": {"value": "boss"}},
            "meta": {"resourceType": "User", "version": "W/\"1\""}
        })),
        ("Group", json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "g1", "displayName": "Staff",
            "members": [{"value": "u1", "display": "Ada"}, {"value": "u2"}, {"value": "u3", "type": "User"}]
        })),
    ]
}

fuzz_target!(|data: &[u8]| {
    let registry = REGISTRY.get_or_init(SchemaRegistry::core);
    let patch = match PatchOp::from_json(data) {
        Ok(p) => p,
        Err(_) => match serde_json::from_slice::<PatchOp>(data) {
            Ok(p) => p,
            Err(_) => return,
        },
    };
    for (rt_name, resource) in resources() {
        let rt = registry.resource_type(rt_name).unwrap();
        for preset in Preset::ALL {
            let options = PatchOptions::preset(preset);
            let mut r = resource.clone();
            let generic = apply(&mut r, &patch, registry, rt, &options);
            match &generic {
                Err(_) => assert_eq!(r, resource, "an error must leave the resource unchanged"),
                Ok(outcome) => {
                    let mut checked = r.clone();
                    if let Err(e) = validate(registry, rt, &mut checked, Operation::Response, &Compat::lenient()) {
                        panic!("result fails validation: {e}\n{r}");
                    }
                    if !outcome.changed() {
                        assert_eq!(r, resource, "unchanged outcome, changed resource");
                    }
                }
            }
            if rt_name == "Group" {
                let _ = plan_membership(&patch, registry, rt, "members", &options);
            }
            // The typed path gives the generic path's result and error, losslessly (key
            // order aside), and leaves the typed value as it was on error.
            let typed = match rt_name {
                "User" => {
                    let before = User::from_value(resource.clone()).unwrap();
                    let mut u = before.clone();
                    let result = apply_user(&mut u, &patch, registry, &options);
                    if result.is_err() {
                        assert_eq!(u, before, "an error must leave the typed user unchanged");
                    }
                    result.map(|o| (o, u.to_value()))
                }
                _ => {
                    let before = Group::from_value(resource.clone()).unwrap();
                    let mut g = before.clone();
                    let result = apply_group(&mut g, &patch, registry, &options);
                    if result.is_err() {
                        assert_eq!(g, before, "an error must leave the typed group unchanged");
                    }
                    result.map(|o| (o, g.to_value()))
                }
            };
            match (typed, generic) {
                (Ok((t_outcome, t)), Ok(g_outcome)) => {
                    assert_eq!(t, r, "typed and generic results differ");
                    assert_eq!(t_outcome.changed(), g_outcome.changed());
                }
                (Err(t), Err(g)) => assert_eq!(t, g, "typed and generic errors differ"),
                (t, g) => panic!("typed {t:?} but generic {g:?}"),
            }
        }
    }
});
