//! What the service serves of a stored resource beyond the stored body: a User's readOnly
//! `groups` (RFC 7643 §4.1.2), derived from Group memberships on the way out, and the entity
//! tag of that representation (RFC 7644 §3.14, RFC 9110 §8.8.3).
//!
//! A User's stored body does not change when one of its groups is renamed, adds it or drops
//! it, yet the representation served does. So the tag served for a User is its stored version
//! followed by a digest of its derived `groups`: `W/"<stored>.<16 hex digits>"`, or just the
//! stored version when the user is in no group. It is the tag of `ETag`, of `meta.version`,
//! of list and bulk results; `If-Match` and `If-None-Match` on a User compare with it, while
//! the store's own version check keeps using the stored version. A membership change between
//! that comparison and the write is not detected (it is a write to another resource).
//!
//! `meta.lastModified` stays the time of the last write to the User itself: a removal from a
//! group leaves nothing to derive a time from, and a served time the store does not know would
//! make `meta.lastModified gt "..."` filters disagree with the values they return.

use scimkit_schema::{ResourceType, ScimError};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Call;
use super::view::View;
use crate::store::{ReadHint, SearchQuery, Version};

/// The entity tag and the derived attributes of one resource as served.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Served {
    /// The tag of the representation served (`None` when the store gave no version).
    pub(crate) version: Option<Version>,
    /// A User's derived `groups`, when they were loaded.
    groups: Option<Vec<Value>>,
}

impl Served {
    /// The stored resource as it is: its stored version, nothing derived.
    pub(crate) fn stored(resource: &Value) -> Served {
        Served {
            version: Version::of(resource),
            groups: None,
        }
    }

    /// Loads what the service derives for `resource` (a User's `groups`: one
    /// `members[value eq "<id>"]` search on Groups) and the tag that covers it.
    pub(crate) async fn load(
        call: &Call<'_>,
        rt: &ResourceType,
        resource: &Value,
    ) -> Result<Served, ScimError> {
        let mut served = Served::stored(resource);
        let id = resource.get("id").and_then(Value::as_str);
        let (Some(groups), Some(id)) = (group_type(call, rt), id) else {
            return Ok(served);
        };
        let listing = groups_listing(call, groups, id).await?;
        let list: Vec<Value> = listing.iter().filter_map(group_entry).collect();
        served.version = served.version.map(|v| served_version(&v, &list));
        served.groups = Some(list);
        Ok(served)
    }

    /// [`load`](Self::load) when the response can show what it loads (`groups`, or `meta`
    /// with the tag), else [`stored`](Self::stored).
    pub(crate) async fn for_view(
        call: &Call<'_>,
        rt: &ResourceType,
        resource: &Value,
        view: &View,
    ) -> Result<Served, ScimError> {
        if view.wants("groups") || view.wants("meta") {
            Served::load(call, rt, resource).await
        } else {
            Ok(Served::stored(resource))
        }
    }

    /// Writes the derived attributes and the served tag into the stored `resource` (before
    /// projection).
    pub(crate) fn apply(self, resource: &mut Value) {
        let Some(object) = resource.as_object_mut() else {
            return;
        };
        if let Some(groups) = self.groups {
            if groups.is_empty() {
                object.remove("groups");
            } else {
                object.insert("groups".into(), Value::Array(groups));
            }
        }
        if let (Some(version), Some(Value::Object(meta))) = (self.version, object.get_mut("meta")) {
            meta.insert("version".into(), Value::String(version.etag()));
        }
    }
}

/// Whether the service derives attributes for resources of `rt` (then `If-Match` needs the
/// served tag, not the stored one).
pub(crate) fn derives(call: &Call<'_>, rt: &ResourceType) -> bool {
    group_type(call, rt).is_some()
}

/// The Group resource type when `rt` is User and the service derives `groups`
/// ([`ServiceConfig::user_groups`](crate::ServiceConfig)).
pub(crate) fn group_type<'c>(call: &Call<'c>, rt: &ResourceType) -> Option<&'c ResourceType> {
    if rt.name != "User" || !call.inner.config.user_groups {
        return None;
    }
    call.inner.registry.resource_type("Group")
}

/// The Groups that list `member_id` in `members` (one `members[value eq "<id>"]` search),
/// read without their members.
pub(crate) async fn groups_listing(
    call: &Call<'_>,
    groups: &ResourceType,
    member_id: &str,
) -> Result<Vec<Value>, ScimError> {
    let filter = scimkit_filter::Filter::value_path(
        scimkit_filter::AttrPath::new("members"),
        scimkit_filter::AttrExp::compare(
            scimkit_filter::AttrPath::new("value"),
            scimkit_filter::CompareOp::Eq,
            member_id,
        )
        .into(),
    );
    let mut query = SearchQuery::all(u64::MAX).with_filter(filter);
    query.hint = ReadHint {
        omit: vec!["members".into()],
    };
    Ok(call
        .inner
        .store
        .search(call.ctx, groups, &query)
        .await?
        .resources)
}

/// A User's `groups` entry for a Group that lists it: `value`, `type: "direct"`, `display`
/// (no `$ref`, which would tie stored-looking data to the base URL of the request).
pub(crate) fn group_entry(group: &Value) -> Option<Value> {
    let id = group.get("id")?.as_str()?;
    let mut entry = json!({"value": id, "type": "direct"});
    if let Some(name) = group.get("displayName") {
        entry["display"] = name.clone();
    }
    Some(entry)
}

/// The served tag: `stored` when `groups` is empty, else `<stored>.<digest>` with the first
/// 8 bytes of the SHA-256 of the `groups` JSON in hex (stable across restarts and stores).
pub(crate) fn served_version(stored: &Version, groups: &[Value]) -> Version {
    if groups.is_empty() {
        return stored.clone();
    }
    let bytes = serde_json::to_vec(groups).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Version::new(format!("{}.{hex}", stored.token()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_changes_with_the_groups_and_only_with_them() {
        let stored = Version::new("7");
        assert_eq!(served_version(&stored, &[]), stored);
        let a = [json!({"value": "g1", "type": "direct", "display": "Sales"})];
        let renamed = [json!({"value": "g1", "type": "direct", "display": "Sales EU"})];
        let tag = served_version(&stored, &a);
        assert_eq!(tag, served_version(&stored, &a), "deterministic");
        assert!(
            tag.token().starts_with("7.") && tag.token().len() == 2 + 16,
            "{tag}"
        );
        assert_ne!(tag, served_version(&stored, &renamed));
        assert_ne!(tag, served_version(&Version::new("8"), &a));
        assert_eq!(Version::from_etag(&tag.etag()), Some(tag));
    }
}
