//! Routing a request path to an endpoint (RFC 7644 §3.2 Table 1).

use http::Method;
use percent_encoding::percent_decode_str;
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};

const READ: &[Method] = &[Method::GET, Method::HEAD];
const SEARCH: &[Method] = &[Method::POST];
const COLLECTION: &[Method] = &[Method::GET, Method::HEAD, Method::POST];
const RESOURCE: &[Method] = &[
    Method::GET,
    Method::HEAD,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The endpoint a path names, relative to the base path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Route<'r> {
    /// The base URI itself: a query across all resource types (RFC 7644 §3.4.2.1).
    Root,
    /// `/.search` at the root (RFC 7644 §3.4.3).
    RootSearch,
    /// `/ServiceProviderConfig`.
    ServiceProviderConfig,
    /// `/Schemas` or `/Schemas/{id}`.
    Schemas(Option<String>),
    /// `/ResourceTypes` or `/ResourceTypes/{name}`.
    ResourceTypes(Option<String>),
    /// `/Bulk`.
    Bulk,
    /// `/Me` and what follows it.
    Me(Vec<String>),
    /// A resource type endpoint, e.g. `/Users`.
    Type(&'r ResourceType),
    /// `/{type}/.search`.
    TypeSearch(&'r ResourceType),
    /// `/{type}/{id}`.
    Resource(&'r ResourceType, String),
}

impl<'r> Route<'r> {
    /// Routes `path`. Segments are percent-decoded; empty segments (trailing or doubled
    /// slashes) are ignored; endpoint names match exactly first, then ASCII
    /// case-insensitively.
    ///
    /// # Errors
    /// 404 for a path outside `base_path` or naming no endpoint.
    pub(crate) fn parse(
        registry: &'r SchemaRegistry,
        base_path: &str,
        path: &str,
    ) -> Result<Route<'r>, ScimError> {
        let not_found = || ScimError::not_found(format!("no SCIM endpoint at {path:?}"));
        let rest = if base_path.is_empty() {
            path
        } else {
            let rest = path.strip_prefix(base_path).ok_or_else(not_found)?;
            if !(rest.is_empty() || rest.starts_with('/')) {
                return Err(not_found());
            }
            rest
        };
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let is = |seg: &str, name: &str| seg.eq_ignore_ascii_case(name);
        let route = match segments.as_slice() {
            [] => Route::Root,
            [s] if s == ".search" => Route::RootSearch,
            [s] if is(s, "ServiceProviderConfig") || is(s, "ServiceProviderConfigs") => {
                Route::ServiceProviderConfig
            }
            [s] if is(s, "Schemas") => Route::Schemas(None),
            [s, id] if is(s, "Schemas") => Route::Schemas(Some(id.clone())),
            [s] if is(s, "ResourceTypes") => Route::ResourceTypes(None),
            [s, name] if is(s, "ResourceTypes") => Route::ResourceTypes(Some(name.clone())),
            [s] if is(s, "Bulk") => Route::Bulk,
            [s, rest @ ..] if is(s, "Me") => Route::Me(rest.to_vec()),
            [endpoint, rest @ ..] => {
                let rt = resource_type(registry, endpoint).ok_or_else(not_found)?;
                match rest {
                    [] => Route::Type(rt),
                    [s] if s == ".search" => Route::TypeSearch(rt),
                    [id] => Route::Resource(rt, id.clone()),
                    _ => return Err(not_found()),
                }
            }
        };
        Ok(route)
    }

    /// The methods this endpoint supports (RFC 7644 §3.2 Table 1; HEAD wherever GET, RFC 9110
    /// §9.1), in the order the `Allow` header lists them. `/Me` lists those of a resource
    /// (POST to `/Me` is answered 501, RFC 7644 §3.11, not 405).
    pub(crate) fn methods(&self) -> &'static [Method] {
        match self {
            Route::Root
            | Route::ServiceProviderConfig
            | Route::Schemas(_)
            | Route::ResourceTypes(_) => READ,
            Route::RootSearch | Route::Bulk | Route::TypeSearch(_) => SEARCH,
            Route::Type(_) => COLLECTION,
            Route::Resource(..) | Route::Me(_) => RESOURCE,
        }
    }

    /// Whether a request with `method` is routed to the endpoint's handler (the
    /// [`methods`](Self::methods), and POST to `/Me`, which its handler answers 501).
    pub(crate) fn accepts(&self, method: &Method) -> bool {
        self.methods().contains(method) || (matches!(self, Route::Me(_)) && method == Method::POST)
    }

    /// The endpoint as a 405 detail names it, with the RFC section that defines its methods.
    pub(crate) fn describe(&self) -> (String, &'static str) {
        let what = match self {
            Route::Root => "the service root".to_owned(),
            Route::RootSearch => "/.search".to_owned(),
            Route::ServiceProviderConfig => "/ServiceProviderConfig".to_owned(),
            Route::Schemas(_) => "/Schemas".to_owned(),
            Route::ResourceTypes(_) => "/ResourceTypes".to_owned(),
            Route::Bulk => "/Bulk".to_owned(),
            Route::Me(_) => "/Me".to_owned(),
            Route::Type(rt) => rt.endpoint.clone(),
            Route::TypeSearch(rt) => format!("{}/.search", rt.endpoint),
            Route::Resource(rt, _) => format!("{}/{{id}}", rt.endpoint),
        };
        let rfc = if self.is_discovery() {
            "RFC 7644 §4"
        } else {
            "RFC 7644 §3.2"
        };
        (what, rfc)
    }

    /// Whether this is a discovery endpoint (RFC 7644 §4).
    pub(crate) fn is_discovery(&self) -> bool {
        matches!(
            self,
            Route::ServiceProviderConfig | Route::Schemas(_) | Route::ResourceTypes(_)
        )
    }
}

fn resource_type<'r>(registry: &'r SchemaRegistry, segment: &str) -> Option<&'r ResourceType> {
    let endpoint = format!("/{segment}");
    registry.resource_type_by_endpoint(&endpoint).or_else(|| {
        registry
            .resource_types()
            .iter()
            .find(|rt| rt.endpoint.eq_ignore_ascii_case(&endpoint))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let registry = SchemaRegistry::core();
        let users = registry.resource_type("User").unwrap();
        let r = |p: &str| Route::parse(&registry, "/scim/v2", p);
        assert_eq!(r("/scim/v2/Users/").unwrap(), Route::Type(users));
        assert_eq!(
            r("/scim/v2//Users/abc").unwrap(),
            Route::Resource(users, "abc".into())
        );
        assert_eq!(
            r("/scim/v2/users/.search").unwrap(),
            Route::TypeSearch(users)
        );
        assert_eq!(r("/scim/v2").unwrap(), Route::Root);
        assert_eq!(r("/scim/v2/").unwrap(), Route::Root);
        assert_eq!(
            r("/scim/v2/Schemas/urn%3Aietf%3Aparams%3Ascim%3Aschemas%3Acore%3A2.0%3AUser").unwrap(),
            Route::Schemas(Some("urn:ietf:params:scim:schemas:core:2.0:User".into()))
        );
        assert_eq!(r("/scim/v2/Me/x").unwrap(), Route::Me(vec!["x".into()]));
        assert_eq!(r("/scim/v2x/Users").unwrap_err().status, 404);
        assert_eq!(r("/other").unwrap_err().status, 404);
        assert_eq!(r("/scim/v2/Devices").unwrap_err().status, 404);
        assert_eq!(r("/scim/v2/Users/a/b").unwrap_err().status, 404);
    }

    /// RFC 9110 §9.1: HEAD wherever GET; RFC 7644 §3.2 Table 1 for the rest.
    #[test]
    fn methods_per_endpoint() {
        let registry = SchemaRegistry::core();
        let r = |p: &str| Route::parse(&registry, "", p).unwrap();
        let names = |p: &str| {
            r(p).methods()
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        assert_eq!(names("/Users"), "GET, HEAD, POST");
        assert_eq!(names("/Users/x"), "GET, HEAD, PUT, PATCH, DELETE");
        assert_eq!(names("/Users/.search"), "POST");
        assert_eq!(names("/Bulk"), "POST");
        assert_eq!(names("/"), "GET, HEAD");
        assert_eq!(names("/Schemas/x"), "GET, HEAD");
        assert!(r("/Me").accepts(&Method::POST), "answered 501 by /Me");
        assert!(!r("/Users/x").accepts(&Method::POST));
        assert!(!r("/ServiceProviderConfig").accepts(&Method::OPTIONS));
    }
}
