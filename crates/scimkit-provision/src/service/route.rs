//! Routing a request path to an endpoint (RFC 7644 §3.2 Table 1).

use percent_encoding::percent_decode_str;
use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};

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
}
