//! Resolves attribute paths against the built-in User and Group resource types and prints
//! each one's characteristics (RFC 7643 §2.2, §7). Exits with status 1 if a path resolves for
//! neither type.
//!
//! ```text
//! cargo run -p scimkit-schema --example resolve -- userName EMAILS.value \
//!     urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value
//! ```

use scimkit_schema::{Resolved, SchemaRegistry};

fn main() {
    let registry = SchemaRegistry::core();
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        paths = [
            "userName",
            "emails.value",
            "members.value",
            "employeeNumber",
        ]
        .map(String::from)
        .to_vec();
    }
    let mut failed = false;
    for path in &paths {
        let mut resolved_somewhere = false;
        for resource_type in registry.resource_types() {
            if !["User", "Group"].contains(&resource_type.name.as_str()) {
                continue;
            }
            match registry.resolve_str(resource_type, path) {
                Ok(Resolved::Attribute(attr)) => {
                    resolved_somewhere = true;
                    let leaf = attr.leaf();
                    println!(
                        "{:<6} {path:<40} -> {} (type {}, multiValued {}, caseExact {}, mutability {:?}, returned {:?}, uniqueness {:?})",
                        resource_type.name,
                        attr.canonical_path(),
                        leaf.kind.as_str(),
                        leaf.multi_valued,
                        leaf.case_exact,
                        leaf.mutability,
                        leaf.returned,
                        leaf.uniqueness,
                    );
                }
                Ok(Resolved::Extension(schema)) => {
                    resolved_somewhere = true;
                    println!(
                        "{:<6} {path:<40} -> extension {}",
                        resource_type.name, schema.id
                    );
                }
                Err(err) => println!("{:<6} {path:<40} -> {err}", resource_type.name),
            }
        }
        failed |= !resolved_somewhere;
    }
    if failed {
        std::process::exit(1);
    }
}
