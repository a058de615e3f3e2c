//! Tenants and the per-request context every store call carries (RFC 7644 §6).

use std::sync::Arc;

use scimkit_patch::{PatchOptions, Preset};

/// One customer workspace: its own data (strict isolation in every store), its own switch
/// and its own compatibility settings. A bearer token selects it (see
/// [`Authenticator`](crate::Authenticator)); one base URL serves every tenant.
///
/// RFC 7644 §6 leaves multi-tenancy to the service provider; `id` need not be unique across
/// tenants and `externalId` is only unique within one (§6.2), which is how every store keys
/// data: `(tenant, resource type, id)`.
///
/// ```
/// use scimkit_provision::Tenant;
///
/// let tenant = Tenant::new("acme")
///     .with_allowed_email_domains(["acme.example", "acme.example.org"]);
/// assert!(tenant.enabled);
/// assert_eq!(tenant.allowed_email_domains.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Tenant {
    /// Stable tenant id, the isolation key of every store. Never shown to SCIM clients.
    pub id: String,
    /// The "SCIM sync active" switch: when `false`, every authenticated request gets 403
    /// with a SCIM Error and nothing is read or changed.
    pub enabled: bool,
    /// Email domains (lower case, without `@`) a provisioned user's `userName` (when it is an
    /// address) and `emails` values must belong to; empty means "any". Enforced by
    /// [`AllowedEmailDomains`](crate::AllowedEmailDomains), the default policy.
    pub allowed_email_domains: Vec<String>,
    /// How PATCH answers on success: 200 with the resource (the default) or 204 No Content
    /// (RFC 7644 §3.5.2; a request with `attributes` always gets 200).
    pub patch_response: PatchResponse,
    /// The IdP compatibility preset: PATCH dialect ([`scimkit_patch::PatchOptions::preset`]),
    /// request body coercions (its `compat`) and filter grammar (its `filter`).
    pub preset: Preset,
}

impl Tenant {
    /// An enabled tenant with no domain restriction, 200 PATCH responses and the
    /// [`Preset::Lenient`] preset.
    pub fn new(id: impl Into<String>) -> Tenant {
        Tenant {
            id: id.into(),
            enabled: true,
            allowed_email_domains: Vec::new(),
            patch_response: PatchResponse::Resource,
            preset: Preset::Lenient,
        }
    }

    /// Sets the allowed email domains (builder style); they are stored lower case, without a
    /// leading `@`.
    pub fn with_allowed_email_domains<I, S>(mut self, domains: I) -> Tenant
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allowed_email_domains = domains
            .into_iter()
            .map(|d| d.as_ref().trim().trim_start_matches('@').to_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        self
    }

    /// Turns provisioning on or off (builder style).
    pub fn with_enabled(mut self, enabled: bool) -> Tenant {
        self.enabled = enabled;
        self
    }

    /// Sets the compatibility preset (builder style).
    pub fn with_preset(mut self, preset: Preset) -> Tenant {
        self.preset = preset;
        self
    }

    /// The PATCH options of the tenant's preset.
    pub fn patch_options(&self) -> PatchOptions {
        PatchOptions::preset(self.preset)
    }

    /// Sets how PATCH answers (builder style).
    pub fn with_patch_response(mut self, patch_response: PatchResponse) -> Tenant {
        self.patch_response = patch_response;
        self
    }
}

/// What a successful PATCH returns (RFC 7644 §3.5.2: "either 200 OK with the entire resource
/// or 204 No Content").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PatchResponse {
    /// 200 with the resource, honouring `attributes` / `excludedAttributes`. The default.
    #[default]
    Resource,
    /// 204 with no body (but `ETag`), unless the request named `attributes`.
    NoContent,
}

impl PatchResponse {
    /// Its name in configuration and storage: `resource` or `no-content`.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchResponse::Resource => "resource",
            PatchResponse::NoContent => "no-content",
        }
    }

    /// The variant named `name` (as [`as_str`](Self::as_str) spells it), if any.
    ///
    /// ```
    /// use scimkit_provision::PatchResponse;
    ///
    /// assert_eq!(PatchResponse::from_name("no-content"), Some(PatchResponse::NoContent));
    /// assert_eq!(PatchResponse::from_name(PatchResponse::Resource.as_str()), Some(PatchResponse::Resource));
    /// assert_eq!(PatchResponse::from_name("204"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<PatchResponse> {
        [PatchResponse::Resource, PatchResponse::NoContent]
            .into_iter()
            .find(|p| p.as_str() == name)
    }
}

/// What every store call and hook receives: the authenticated tenant and, when the
/// authenticator knows it, the subject the token belongs to (used by `/Me`).
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The tenant the request acts for.
    pub tenant: Arc<Tenant>,
    /// The authenticated subject, if the authenticator names one (RFC 7644 §3.11).
    pub subject: Option<String>,
}

impl RequestContext {
    /// A context for `tenant` with no subject.
    pub fn new(tenant: Arc<Tenant>) -> RequestContext {
        RequestContext {
            tenant,
            subject: None,
        }
    }

    /// A context for a fresh [`Tenant::new`] with this id (tests, tools).
    pub fn for_tenant(id: impl Into<String>) -> RequestContext {
        RequestContext::new(Arc::new(Tenant::new(id)))
    }

    /// The tenant id: the isolation key.
    pub fn tenant_id(&self) -> &str {
        &self.tenant.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_preset_is_lenient() {
        let t = Tenant::new("t").with_preset(Preset::Okta);
        assert_eq!(Tenant::new("t").preset, Preset::Lenient);
        assert!(t.patch_options().pathless_own_id);
    }

    #[test]
    fn domains_are_normalised() {
        let t = Tenant::new("t").with_allowed_email_domains(["@Example.COM ", ""]);
        assert_eq!(t.allowed_email_domains, ["example.com"]);
    }
}
