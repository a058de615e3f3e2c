//! Validation policies: host rules run on every resource before anything is stored.

use scimkit_schema::{ResourceType, ScimError};
use serde_json::Value;

use crate::tenant::RequestContext;

/// A host rule checked after a request's resource was parsed and validated and before the
/// store is called: on POST and PUT bodies and on the result of every PATCH. An error is
/// answered as is and nothing is stored.
pub trait ValidationPolicy: Send + Sync {
    /// Checks the resource about to be stored.
    ///
    /// # Errors
    /// The SCIM Error to answer with (usually 400 `invalidValue` naming the attribute).
    fn check(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        resource: &Value,
    ) -> Result<(), ScimError>;
}

/// Users may only have addresses in the tenant's
/// [`allowed_email_domains`](crate::Tenant::allowed_email_domains). A tenant with no domains
/// allows everything; the policy applies to the `User` resource type only. With domains
/// configured it checks:
///
/// - every `emails[].value`: it must be an address `local@domain` (exactly one `@`, both
///   parts non-empty) whose domain is one of the allowed ones (ASCII case-insensitive, exact
///   domain: `sub.example.com` is not `example.com`);
/// - `userName`, the same way when it holds an `@`. A `userName` without one (`carl`, an
///   employee number, `acme.example`) is a login name, not an address: it names no domain
///   and is allowed.
///
/// Refused, whatever the domain (each 400 `invalidValue` naming the attribute and value): an
/// address with more than one `@` (`x@evil.example@acme.example`: which domain would a mail
/// system use?), with an empty local part or domain, and any value holding a look-alike of
/// `@` (U+FF20 `＠`, U+FE6B `﹫`), which Unicode normalisation turns into `@` downstream.
/// Quoted local parts (`"a@b"@acme.example`, RFC 5321 §4.1.2) are refused with them.
///
/// ```
/// use scimkit_provision::{AllowedEmailDomains, RequestContext, Tenant, ValidationPolicy};
/// use scimkit_schema::SchemaRegistry;
/// use serde_json::json;
/// use std::sync::Arc;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let ctx = RequestContext::new(Arc::new(Tenant::new("acme").with_allowed_email_domains(["acme.example"])));
/// let ok = json!({"userName": "ada@ACME.example", "emails": [{"value": "ada@acme.example"}]});
/// assert!(AllowedEmailDomains.check(&ctx, users, &ok).is_ok());
/// let login = json!({"userName": "carl"});
/// assert!(AllowedEmailDomains.check(&ctx, users, &login).is_ok());
/// let bad = json!({"userName": "ada@acme.example", "emails": [{"value": "ada@evil.example"}]});
/// let err = AllowedEmailDomains.check(&ctx, users, &bad).unwrap_err();
/// assert!(err.detail.unwrap().contains("evil.example"));
/// let twice = json!({"userName": "x@evil.example@acme.example"});
/// assert!(AllowedEmailDomains.check(&ctx, users, &twice).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AllowedEmailDomains;

/// Characters that Unicode compatibility normalisation (NFKC) turns into `@`.
const AT_LOOK_ALIKES: [char; 2] = ['\u{FF20}', '\u{FE6B}'];

/// The domain of an address `local@domain`.
///
/// # Errors
/// The reason the value is not such an address.
fn domain_of(address: &str) -> Result<&str, &'static str> {
    if address.contains(AT_LOOK_ALIKES) {
        return Err("it holds a look-alike of @");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Err("it has no @");
    };
    if domain.contains('@') {
        return Err("it has more than one @");
    }
    let domain = domain.trim();
    if local.trim().is_empty() || domain.is_empty() {
        return Err("its local part or domain is empty");
    }
    Ok(domain)
}

impl ValidationPolicy for AllowedEmailDomains {
    fn check(
        &self,
        ctx: &RequestContext,
        resource_type: &ResourceType,
        resource: &Value,
    ) -> Result<(), ScimError> {
        let allowed = &ctx.tenant.allowed_email_domains;
        if allowed.is_empty() || resource_type.name != "User" {
            return Ok(());
        }
        let mut addresses: Vec<(&str, &str)> = Vec::new();
        if let Some(user_name) = resource.get("userName").and_then(Value::as_str)
            && user_name.contains(|c| c == '@' || AT_LOOK_ALIKES.contains(&c))
        {
            addresses.push(("userName", user_name));
        }
        if let Some(emails) = resource.get("emails").and_then(Value::as_array) {
            for email in emails {
                if let Some(value) = email.get("value").and_then(Value::as_str) {
                    addresses.push(("emails.value", value));
                }
            }
        }
        for (attribute, address) in addresses {
            let domain = domain_of(address).map_err(|why| {
                ScimError::invalid_value(format!(
                    "{attribute} {address:?} is not an email address this tenant can check \
                     ({why}); its users must be in {}",
                    allowed.join(", ")
                ))
            })?;
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(domain)) {
                return Err(ScimError::invalid_value(format!(
                    "{attribute} {address:?}: the domain {domain:?} is not allowed for this \
                     tenant (allowed: {})",
                    allowed.join(", ")
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_of_addresses() {
        assert_eq!(domain_of("ada@acme.example"), Ok("acme.example"));
        assert_eq!(
            domain_of("x@evil.example@acme.example"),
            Err("it has more than one @")
        );
        assert_eq!(domain_of("carl"), Err("it has no @"));
        assert_eq!(
            domain_of("@acme.example"),
            Err("its local part or domain is empty")
        );
        assert_eq!(domain_of("ada@"), Err("its local part or domain is empty"));
        assert_eq!(
            domain_of("eve\u{FF20}evil.example"),
            Err("it holds a look-alike of @")
        );
    }
}
