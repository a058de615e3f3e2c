//! Reads a SCIM request body (a file, or standard input), canonicalises and validates it for
//! a resource type and prints the canonical resource, or the SCIM Error and exit status 1.
//!
//! ```text
//! cargo run -p scimkit-schema --example ingest -- [User|Group] [strict|rfc|lenient] [FILE]
//! echo '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"USERNAME":"ada","active":"True"}' \
//!     | cargo run -p scimkit-schema --example ingest -- User lenient
//! ```

use std::io::Read;

use scimkit_schema::{Compat, Operation, SchemaRegistry, ingest};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let type_name = args.first().map_or("User", String::as_str);
    let compat = match args.get(1).map_or("lenient", String::as_str) {
        "strict" => Compat::strict(),
        "rfc" => Compat::rfc(),
        _ => Compat::lenient(),
    };
    let mut body = Vec::new();
    let read = match args.get(2) {
        Some(path) => std::fs::read(path).map(|bytes| body = bytes),
        None => std::io::stdin().read_to_end(&mut body).map(|_| ()),
    };
    if let Err(e) = read {
        eprintln!("cannot read the body: {e}");
        std::process::exit(2);
    }
    let registry = SchemaRegistry::core();
    let Some(resource_type) = registry.resource_type(type_name) else {
        eprintln!("unknown resource type {type_name:?} (try User or Group)");
        std::process::exit(2);
    };
    match ingest(&registry, resource_type, &body, Operation::Create, &compat) {
        Ok(resource) => println!(
            "{}",
            serde_json::to_string_pretty(&resource).unwrap_or_default()
        ),
        Err(error) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&error).unwrap_or_default()
            );
            std::process::exit(1);
        }
    }
}
