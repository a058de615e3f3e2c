//! The typed convenience path: [`apply_user`] and [`apply_group`] run [`apply`](crate::apply)
//! on a [`scimkit_schema::User`] / [`scimkit_schema::Group`] by converting it to the generic
//! resource, applying, and converting back. The typed structs keep every attribute they do not
//! name in `extra`, so nothing is lost on the way (key order aside).

use scimkit_schema::{Group, PatchOp, SchemaRegistry, ScimError, User};
use serde_json::Value;

use crate::{Outcome, PatchOptions};

/// [`apply`](crate::apply) on a typed [`User`], against the registry's `User` resource type
/// (RFC 7643 §4.1, with the extensions the registry declares for it).
///
/// The user is converted with [`User::to_value`], patched, and read back with
/// [`User::from_value`]; it is replaced only if all of that succeeds, so on error it is
/// exactly as it was (RFC 7644 §3.5.2 atomicity).
///
/// # Errors
/// As [`apply`](crate::apply); 500 when the registry has no `User` resource type.
///
/// ```
/// use scimkit_patch::{apply_user, PatchOptions, Preset};
/// use scimkit_schema::{Field, PatchOp, SchemaRegistry, User};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let mut user = User::from_value(json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "id": "u1", "userName": "ada", "active": true}))?;
/// // Entra ID without aadOptscim062020 disables a user like this.
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///     "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#)?;
/// let outcome = apply_user(&mut user, &patch, &registry, &PatchOptions::preset(Preset::EntraLegacy))?;
/// assert!(outcome.attribute_changed("active"));
/// assert_eq!(user.active, Field::Set(false));
/// # Ok::<(), scimkit_schema::ScimError>(())
/// ```
pub fn apply_user(
    user: &mut User,
    patch: &PatchOp,
    registry: &SchemaRegistry,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    apply_typed(
        user,
        User::to_value,
        User::from_value,
        "User",
        patch,
        registry,
        options,
    )
}

/// [`apply`](crate::apply) on a typed [`Group`], against the registry's `Group` resource
/// type (RFC 7643 §4.2). Converted, patched and read back as in [`apply_user`]; unchanged on
/// error.
///
/// # Errors
/// As [`apply`](crate::apply); 500 when the registry has no `Group` resource type.
///
/// ```
/// use scimkit_patch::{apply_group, PatchOptions};
/// use scimkit_schema::{Group, PatchOp, SchemaRegistry};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let mut group = Group::from_value(json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
///     "id": "g1", "displayName": "Staff", "members": [{"value": "u1"}, {"value": "u2"}]}))?;
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///     "Operations": [{"op": "remove", "path": "members[value eq \"u1\"]"}]}"#)?;
/// apply_group(&mut group, &patch, &registry, &PatchOptions::default())?;
/// assert_eq!(group.to_value()["members"], json!([{"value": "u2"}]));
/// # Ok::<(), scimkit_schema::ScimError>(())
/// ```
pub fn apply_group(
    group: &mut Group,
    patch: &PatchOp,
    registry: &SchemaRegistry,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    apply_typed(
        group,
        Group::to_value,
        Group::from_value,
        "Group",
        patch,
        registry,
        options,
    )
}

fn apply_typed<T>(
    resource: &mut T,
    to_value: fn(&T) -> Value,
    from_value: fn(Value) -> Result<T, ScimError>,
    resource_type: &str,
    patch: &PatchOp,
    registry: &SchemaRegistry,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    let resource_type = registry.resource_type(resource_type).ok_or_else(|| {
        ScimError::with_status(
            500,
            format!("the schema registry has no {resource_type:?} resource type"),
        )
    })?;
    let mut value = to_value(resource);
    let outcome = crate::apply(&mut value, patch, registry, resource_type, options)?;
    *resource = from_value(value)?;
    Ok(outcome)
}
