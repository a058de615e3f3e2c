//! Arbitrary text through `AttrRef::parse` and `SchemaRegistry::resolve`: no panic, and every
//! accepted reference prints back to the text it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit_schema::{AttrRef, SchemaRegistry};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(reference) = AttrRef::parse(text) else {
        return;
    };
    assert_eq!(reference.to_string(), text);
    let registry = SchemaRegistry::core();
    for resource_type in registry.resource_types() {
        let _ = registry.resolve(resource_type, reference);
    }
});
