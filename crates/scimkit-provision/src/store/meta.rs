//! Helpers every store uses the same way: ids, timestamps and `meta`.

use serde_json::{Map, Value};

use super::Version;

/// A fresh resource id: a random (v4) UUID, e.g. `2819c223-7f76-453a-919d-413861904646`.
/// Unique, stable, and never containing the reserved word `bulkId` (RFC 7643 §3.1).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The current time as an `xsd:dateTime` in UTC with milliseconds, e.g.
/// `2026-01-23T04:56:22.123Z` (RFC 7643 §2.3.5).
pub fn now_timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Writes `id` and `meta` into a resource about to be stored: `meta.resourceType` from
/// `resource_type`, `meta.created` (kept from `created` when given, else `now`),
/// `meta.lastModified` = `now`, `meta.version` = `version`'s ETag. Any `meta.location` is
/// removed (the service adds it per base URL). Other `meta` keys are dropped: every `meta`
/// sub-attribute is readOnly (RFC 7643 §3.1).
pub fn stamp_meta(
    resource: &mut Value,
    resource_type: &str,
    id: &str,
    version: &Version,
    created: Option<&str>,
    now: &str,
) {
    let Value::Object(object) = resource else {
        return;
    };
    // RFC 7643 §8 order: schemas, id, the attributes as given, meta.
    let mut ordered = Map::with_capacity(object.len() + 2);
    if let Some(schemas) = object.remove("schemas") {
        ordered.insert("schemas".into(), schemas);
    }
    ordered.insert("id".into(), Value::String(id.to_owned()));
    object.remove("id");
    object.remove("meta");
    ordered.extend(std::mem::take(object));
    *object = ordered;
    let mut meta = Map::new();
    meta.insert(
        "resourceType".into(),
        Value::String(resource_type.to_owned()),
    );
    meta.insert(
        "created".into(),
        Value::String(created.unwrap_or(now).to_owned()),
    );
    meta.insert("lastModified".into(), Value::String(now.to_owned()));
    meta.insert("version".into(), Value::String(version.etag()));
    object.insert("meta".into(), Value::Object(meta));
}

/// `meta.created` of a stored resource.
pub(crate) fn created_of(resource: &Value) -> Option<&str> {
    resource.get("meta")?.get("created")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stamp_sets_every_meta_field_and_drops_location() {
        let mut r =
            json!({"id": "client", "userName": "a", "meta": {"location": "x", "created": "1999"}});
        stamp_meta(
            &mut r,
            "User",
            "u1",
            &Version::new("3"),
            Some("2020-01-01T00:00:00Z"),
            "2021-01-01T00:00:00Z",
        );
        assert_eq!(
            r,
            json!({"id": "u1", "userName": "a", "meta": {"resourceType": "User",
                "created": "2020-01-01T00:00:00Z", "lastModified": "2021-01-01T00:00:00Z",
                "version": "W/\"3\""}})
        );
    }

    #[test]
    fn ids_are_uuids_and_distinct() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert!(now_timestamp().ends_with('Z'));
    }
}
