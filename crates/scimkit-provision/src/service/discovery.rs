//! Discovery endpoints (RFC 7644 §4): `/ServiceProviderConfig`, `/Schemas`,
//! `/ResourceTypes`, generated from the registry and the service's real configuration.

use scimkit_schema::{
    AuthenticationScheme, BulkConfig, FilterConfig, ListResponse, Pagination, PaginationMethod,
    ScimError, ServiceProviderConfig, Supported, urn,
};
use serde_json::{Value, json};

use super::Inner;
use super::route::Route;
use super::wire::{Query, Reply};

/// The published configuration: what this service really does, with its real limits.
pub(crate) fn service_provider_config(inner: &Inner) -> ServiceProviderConfig {
    let limits = &inner.config.limits;
    ServiceProviderConfig {
        documentation_uri: inner.config.documentation_uri.clone(),
        patch: Supported { supported: true },
        bulk: BulkConfig {
            supported: true,
            max_operations: limits.bulk_max_operations as u64,
            max_payload_size: limits.bulk_max_payload_bytes.min(limits.max_body_bytes) as u64,
        },
        filter: FilterConfig {
            supported: true,
            max_results: limits.max_page_size,
        },
        change_password: Supported { supported: false },
        sort: Supported { supported: true },
        etag: Supported { supported: true },
        authentication_schemes: vec![AuthenticationScheme {
            kind: "oauthbearertoken".into(),
            name: "OAuth Bearer Token".into(),
            description: "A bearer token in the Authorization header (RFC 6750); each token \
                          selects one tenant"
                .into(),
            spec_uri: Some("https://www.rfc-editor.org/info/rfc6750".into()),
            documentation_uri: None,
            primary: Some(true),
        }],
        pagination: Some(Pagination {
            cursor: true,
            index: true,
            default_pagination_method: Some(PaginationMethod::Index),
            // RFC 9865 §4: positive integers; a limit set to 0 is not published.
            default_page_size: Some(limits.default_page_size).filter(|n| *n > 0),
            max_page_size: Some(limits.max_page_size).filter(|n| *n > 0),
            cursor_timeout: Some(limits.cursor_timeout_secs).filter(|n| *n > 0),
        }),
        ..ServiceProviderConfig::default()
    }
}

fn meta(resource_type: &str, location: String) -> Value {
    json!({"resourceType": resource_type, "location": location})
}

fn schema_json(inner: &Inner, schema: &scimkit_schema::Schema, base_url: &str) -> Value {
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        object.insert("schemas".into(), json!([urn::SCHEMA]));
        object.insert(
            "meta".into(),
            meta("Schema", format!("{base_url}/Schemas/{}", schema.id)),
        );
    }
    let _ = inner;
    value
}

fn resource_type_json(rt: &scimkit_schema::ResourceType, base_url: &str) -> Value {
    let mut value = serde_json::to_value(rt).unwrap_or(Value::Null);
    if let Value::Object(object) = &mut value {
        object.insert("schemas".into(), json!([urn::RESOURCE_TYPE]));
        object.insert(
            "meta".into(),
            meta(
                "ResourceType",
                format!("{base_url}/ResourceTypes/{}", rt.name),
            ),
        );
    }
    value
}

fn list(items: Vec<Value>) -> Reply {
    let n = items.len() as u64;
    let list = ListResponse::new(items, n).paged(1, n);
    Reply::json(200, serde_json::to_value(list).unwrap_or(Value::Null))
}

/// GET on a discovery endpoint (the service routes only GET and HEAD here).
pub(crate) fn handle(
    inner: &Inner,
    route: &Route<'_>,
    query: &Query,
    base_url: &str,
) -> Result<Reply, ScimError> {
    if query.get("filter").is_some_and(|f| !f.trim().is_empty()) {
        return Err(ScimError::with_status(
            403,
            "discovery endpoints do not support filtering (RFC 7644 §4)",
        ));
    }
    let registry = &inner.registry;
    match route {
        Route::ServiceProviderConfig => {
            let mut value = serde_json::to_value(service_provider_config(inner))
                .map_err(|e| ScimError::with_status(500, e.to_string()))?;
            value["meta"] = meta(
                "ServiceProviderConfig",
                format!("{base_url}/ServiceProviderConfig"),
            );
            Ok(Reply::json(200, value))
        }
        Route::Schemas(None) => Ok(list(
            registry
                .schemas()
                .iter()
                .map(|s| schema_json(inner, s, base_url))
                .collect(),
        )),
        Route::Schemas(Some(id)) => registry
            .schema(id)
            .map(|s| Reply::json(200, schema_json(inner, s, base_url)))
            .ok_or_else(|| ScimError::not_found(format!("no schema {id:?} (RFC 7644 §4)"))),
        Route::ResourceTypes(None) => Ok(list(
            registry
                .resource_types()
                .iter()
                .map(|rt| resource_type_json(rt, base_url))
                .collect(),
        )),
        Route::ResourceTypes(Some(name)) => registry
            .resource_types()
            .iter()
            .find(|rt| rt.name == *name || rt.name.eq_ignore_ascii_case(name))
            .map(|rt| Reply::json(200, resource_type_json(rt, base_url)))
            .ok_or_else(|| {
                ScimError::not_found(format!("no resource type {name:?} (RFC 7644 §4)"))
            }),
        _ => Err(ScimError::not_found("not a discovery endpoint")),
    }
}
