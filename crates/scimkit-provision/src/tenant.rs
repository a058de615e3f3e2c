//! Tenants and the per-request context every store call carries (RFC 7644 §6).

use std::fmt;
use std::sync::Arc;

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
    /// The IdP compatibility preset: request body coercions and PATCH semantics.
    pub compat: CompatPreset,
}

impl Tenant {
    /// An enabled tenant with no domain restriction, 200 PATCH responses and the
    /// [`CompatPreset::Lenient`] preset.
    pub fn new(id: impl Into<String>) -> Tenant {
        Tenant {
            id: id.into(),
            enabled: true,
            allowed_email_domains: Vec::new(),
            patch_response: PatchResponse::Resource,
            compat: CompatPreset::Lenient,
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
    pub fn with_compat(mut self, compat: CompatPreset) -> Tenant {
        self.compat = compat;
        self
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

/// The identity-provider compatibility preset of a tenant: one name that decides how request
/// bodies are coerced ([`scimkit_schema::Compat`]) and, once PATCH is wired, which PATCH
/// dialects are accepted. Parsed from `strict`, `entra`, `entra-legacy`, `okta`, `lenient`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CompatPreset {
    /// RFC 7643 / 7644 only: no coercions, unknown attributes refused.
    Strict,
    /// Microsoft Entra ID with `aadOptscim062020` (the RFC-compliant dialect).
    Entra,
    /// Microsoft Entra ID without the flag (capitalised ops, string booleans, value arrays on
    /// remove).
    EntraLegacy,
    /// Okta.
    Okta,
    /// Everything any supported IdP sends. The default.
    #[default]
    Lenient,
}

impl CompatPreset {
    /// Every preset, in documentation order.
    pub const ALL: [CompatPreset; 5] = [
        CompatPreset::Strict,
        CompatPreset::Entra,
        CompatPreset::EntraLegacy,
        CompatPreset::Okta,
        CompatPreset::Lenient,
    ];

    /// The preset's name as accepted by [`str::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            CompatPreset::Strict => "strict",
            CompatPreset::Entra => "entra",
            CompatPreset::EntraLegacy => "entra-legacy",
            CompatPreset::Okta => "okta",
            CompatPreset::Lenient => "lenient",
        }
    }

    /// The request-body coercions of this preset: [`Compat::strict`](scimkit_schema::Compat::strict)
    /// for `strict`, [`Compat::lenient`](scimkit_schema::Compat::lenient) for the others (each
    /// IdP preset needs at least one of its coercions, and none of them loses data).
    pub fn body_compat(self) -> scimkit_schema::Compat {
        match self {
            CompatPreset::Strict => scimkit_schema::Compat::strict(),
            _ => scimkit_schema::Compat::lenient(),
        }
    }

    /// The filter grammar of this preset: the RFC grammar for `strict`, plus Entra's
    /// `emails[type eq "work"].value eq "x"` form for the others.
    pub fn filter_options(self) -> scimkit_filter::FilterOptions {
        match self {
            CompatPreset::Strict => scimkit_filter::FilterOptions::strict(),
            _ => scimkit_filter::FilterOptions::lenient(),
        }
    }
}

impl fmt::Display for CompatPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown preset name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility preset {0:?} (expected strict, entra, entra-legacy, okta or lenient)"
)]
pub struct UnknownPreset(pub String);

impl std::str::FromStr for CompatPreset {
    type Err = UnknownPreset;
    fn from_str(s: &str) -> Result<CompatPreset, UnknownPreset> {
        CompatPreset::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPreset(s.to_owned()))
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
    fn presets_parse_and_print() {
        for preset in CompatPreset::ALL {
            assert_eq!(preset.as_str().parse::<CompatPreset>(), Ok(preset));
        }
        assert_eq!("Entra-Legacy".parse(), Ok(CompatPreset::EntraLegacy));
        assert!("loose".parse::<CompatPreset>().is_err());
        assert_eq!(CompatPreset::default(), CompatPreset::Lenient);
    }

    #[test]
    fn domains_are_normalised() {
        let t = Tenant::new("t").with_allowed_email_domains(["@Example.COM ", ""]);
        assert_eq!(t.allowed_email_domains, ["example.com"]);
    }
}
