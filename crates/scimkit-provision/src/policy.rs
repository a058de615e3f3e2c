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
/// [`allowed_email_domains`](crate::Tenant::allowed_email_domains): the domain of `userName`
/// (when it holds an `@`) and of every `emails[].value` must be one of them (ASCII
/// case-insensitive, exact domain: `sub.example.com` is not `example.com`). A tenant with no
/// domains allows everything. Applies to the `User` resource type only.
///
/// A refused user gets 400 `invalidValue` with a detail naming the domain and the attribute.
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
/// let bad = json!({"userName": "ada@acme.example", "emails": [{"value": "ada@evil.example"}]});
/// let err = AllowedEmailDomains.check(&ctx, users, &bad).unwrap_err();
/// assert!(err.detail.unwrap().contains("evil.example"));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AllowedEmailDomains;

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
            && user_name.contains('@')
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
            let domain = address.rsplit_once('@').map_or("", |(_, d)| d.trim());
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
