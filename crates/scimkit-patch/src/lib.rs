//! The SCIM 2.0 PATCH engine (RFC 7644 §3.5.2), with named compatibility presets for the
//! identity providers that provision into SCIM services: Microsoft Entra ID in both its
//! dialects (with and without `aadOptscim062020`), Okta, OneLogin, JumpCloud.
//!
//! [`apply`] runs a [`PatchOp`](scimkit_schema::PatchOp) against the generic resource (a
//! `serde_json::Value` object, as [`scimkit_schema`] canonicalises it) and returns an
//! [`Outcome`] saying what changed; [`apply_user`] and [`apply_group`] do the same on the
//! typed [`User`](scimkit_schema::User) and [`Group`](scimkit_schema::Group). [`plan_membership`] turns the same request into native
//! membership changes for stores that keep group members in their own table.
//!
//! # Example
//!
//! ```
//! use scimkit_patch::{apply, PatchOptions, Preset};
//! use scimkit_schema::{PatchOp, SchemaRegistry, ScimType};
//! use serde_json::json;
//!
//! let registry = SchemaRegistry::core();
//! let groups = registry.resource_type("Group").unwrap();
//! let mut group = json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
//!     "id": "g1", "displayName": "Staff",
//!     "members": [{"value": "u1"}, {"value": "u2"}, {"value": "u3"}]
//! });
//!
//! // Entra ID without aadOptscim062020 removes one member like this. A literal RFC reading
//! // ("remove members") would empty the group.
//! let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!   "Operations": [{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "u2"}]}]}"#)?;
//!
//! let outcome = apply(&mut group, &patch, &registry, groups, &PatchOptions::preset(Preset::EntraLegacy))?;
//! assert_eq!(group["members"], json!([{"value": "u1"}, {"value": "u3"}]));
//! assert_eq!(outcome.change("members").unwrap().removed, [json!({"value": "u2"})]);
//!
//! // The strict preset refuses the shape instead, and leaves the group as it was.
//! let before = group.clone();
//! let err = apply(&mut group, &patch, &registry, groups, &PatchOptions::preset(Preset::Strict)).unwrap_err();
//! assert_eq!(err.scim_type, Some(ScimType::InvalidSyntax)); // "Remove" is not the RFC spelling
//! assert_eq!(group, before);
//! # Ok::<(), scimkit_schema::ScimError>(())
//! ```
//!
//! # Semantics
//!
//! RFC 7644 §3.5.2 in full, with these rules where the RFC is silent or loose (each one is
//! tested):
//!
//! - **Atomic.** Operations apply in order, each to the result of the previous one; if one
//!   fails, the resource is restored exactly (key order included) and the error's `detail`
//!   starts with `Operations[i] (op "...", path "...")`, quoting the op and path as sent. Errors carry the RFC 7644 Table 9
//!   `scimType`: `invalidPath` (malformed path, unknown attribute), `invalidFilter` (a filter
//!   that cannot apply to the attribute), `noTarget` (remove without path; replace through a
//!   filter matching nothing), `mutability` (readOnly, immutable with a value, removing a
//!   required attribute), `invalidValue` (a value of the wrong type or shape),
//!   `invalidSyntax` (an `op` spelling the options refuse, no operations).
//! - **Validated.** What each operation changes is checked against the schema (types,
//!   multi-valued shape, at most one `primary`, required sub-attributes) with
//!   [`scimkit_schema::validate`]; for an `add` to a multi-valued attribute only the added
//!   values are checked, so adding 100 members to a 100,000-member group stays cheap.
//! - **Membership at scale.** Adding or removing k values of a multi-valued attribute of n
//!   (100 members of a 100,000-member group) costs one pass over the n stored values plus
//!   O(k): the k requested values go into a hash index (behind a fingerprint prefilter) and
//!   each stored value is looked up once, by reference, never cloned. On attributes of
//!   32,768 values or more that read-only pass is split into contiguous parts searched on
//!   up to four threads (`std::thread::scope`, as many as
//!   [`available_parallelism`](std::thread::available_parallelism) allows; the calling
//!   thread takes a part, and a thread that cannot be started leaves its part to it): the
//!   pass mostly waits on memory, and parts wait in parallel. Removal is in place: the pass
//!   finds the positions, then the values after the first removed one shift down once.
//!   A run of consecutive `remove members[value eq "..."]` operations (Entra ID's
//!   aadOptscim062020 dialect sends one per member) is applied in one such pass. Only what
//!   changed is validated: the stored resource was valid, removing values can break no
//!   per-value rule and no "at most one `primary`" rule, and a removal that would leave a
//!   required attribute empty is refused; added values are validated themselves, and a
//!   new `primary` demotes the others, so the result is valid as a whole.
//! - **Values are canonicalised** like request bodies ([`scimkit_schema::canonicalize`]:
//!   schema spelling of names, the [`Compat`](scimkit_schema::Compat) coercions).
//! - **Same value.** Two values of a multi-valued complex attribute are the same when their
//!   `value` sub-attributes are equal (per its `caseExact`), whatever `display`, `$ref` or
//!   `type` say; values without a `value` sub-attribute (`addresses`) compare whole, ignoring
//!   `null` members. `add` appends only values not already present, each once; `replace`
//!   drops duplicates from the given set.
//! - **Path-less add / replace** applies each key of `value` as if it were the path:
//!   multi-valued attributes are appended to (add) or replaced whole (replace); complex
//!   attributes and extension objects merge, leaving sub-attributes not given unchanged.
//!   A key that is neither an attribute name (RFC 7643 §2.1) nor a path is `invalidValue`
//!   in every preset; a path key (`name.givenName`, `emails[type eq "work"].value`) needs
//!   [`PatchOptions::pathless_attr_paths`].
//! - **`schemas` inside an extension value** (`{"schemas": [...], "employeeNumber": "42"}`,
//!   as scim2-tester sends it) is ignored in every preset: `schemas` belongs to the resource
//!   (RFC 7643 §3), and the resource's own list follows what the extensions hold.
//! - **Unassigning.** `replace` with `null` unassigns (RFC 7643 §2.5); so does `[]` for a
//!   multi-valued attribute. An attribute left with no value (`[]`, `{}`) is removed from the
//!   JSON, and so is an extension object left empty, whose URN then leaves `schemas`; writing
//!   into an extension adds its URN to `schemas`.
//! - **Filters.** Every matching value is affected, not just the first. `remove` through a
//!   filter matching nothing succeeds and changes nothing (RFC 7644 §3.5.2.2's "no changes
//!   are made" example); `replace` and `add` through one are `noTarget` unless
//!   [`PatchOptions::create_on_filter_miss`] applies (a typed slot such as
//!   `emails[type eq "work"]`; never a filter on `value`, never a Group member).
//! - **primary.** Making one value `primary: true` sets `primary: false` on the others;
//!   making two primary in one operation is `invalidValue`.
//! - **Mutability.** readOnly attributes (`id`, `meta`, `groups`, `manager.displayName`) are
//!   never written (`mutability`); immutable ones may be added when they have no value
//!   (RFC 7644 §3.5.2), and the same value again (per `caseExact`) is no change. Values of
//!   Group `members` may be added and removed, but their sub-attributes are immutable
//!   (RFC 7643 §4.2): through a filtered path (`members[value eq "u1"].display`,
//!   `members[value eq "u1"]`) a sub-attribute that has a value cannot be changed or
//!   removed, one without a value may be set. Adding a member that is already present
//!   changes nothing whatever its `display` says; a whole-set `replace members` removes the
//!   old values and adds the given ones, so it is not a change of sub-attributes.
//!   When the `value` of a single-valued reference changes or is removed (a new `manager`),
//!   its readOnly sub-attributes (`manager.displayName`, RFC 7643 §4.3), which the service
//!   provider derived from the previous reference, are removed rather than left describing
//!   someone else.
//! - **No-ops.** An operation that leaves a value as it was changes nothing;
//!   [`Outcome::changed`] is false when the whole request changed nothing.
//!
//! # Compatibility
//!
//! See [`PatchOptions`] for every switch and the [`Preset`] table. The safety invariant holds
//! in every preset: a request that names specific values (through a filter, or a `value` list
//! on `remove`) never removes any other value.
#![forbid(unsafe_code)]

mod engine;
mod identity;
mod index;
mod journal;
mod membership;
mod options;
mod outcome;
mod scan;
mod target;
mod typed;
mod value_keys;

pub use membership::{MemberChange, MembershipPlan, plan_membership};
pub use options::{DEFAULT_MAX_OPERATIONS, PatchOptions, Preset, UnknownPreset};
pub use outcome::{AttributeChange, Outcome};
pub use typed::{apply_group, apply_user};

use scimkit_schema::{PatchOp, PatchOperation, ResourceType, SchemaRegistry, ScimError};
use serde_json::Value;

use engine::Engine;

/// Applies a PATCH request to a resource, atomically (RFC 7644 §3.5.2).
///
/// `resource` is the stored generic resource (a canonical JSON object, see
/// [`scimkit_schema::canonicalize`]) of type `resource_type`; `registry` holds its schemas.
/// On success the resource holds the result and the [`Outcome`] says what changed; the caller
/// sets `meta.lastModified` / `meta.version` only if [`Outcome::changed`]. On error the
/// resource is exactly as it was.
///
/// # Errors
/// A 400 [`ScimError`] with the RFC 7644 Table 9 `scimType` whose `detail` names the failing
/// operation's index and path (see the crate docs); 413 when the request has more than
/// [`PatchOptions::max_operations`] operations; 400 `invalidSyntax` when `Operations` is empty
/// (unless [`PatchOptions::empty_operations_noop`]) or `resource` is not an object.
///
/// ```
/// use scimkit_patch::{apply, PatchOptions, Preset};
/// use scimkit_schema::{PatchOp, SchemaRegistry, ScimType};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let mut user = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "id": "u1", "userName": "ada", "emails": [{"value": "ada@example.com", "type": "home"}]});
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///     "Operations": [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada@work.example.com"}]}"#)?;
///
/// // RFC 7644 §3.5.2.3: a filter that matches nothing is noTarget ...
/// let err = apply(&mut user, &patch, &registry, users, &PatchOptions::preset(Preset::Strict)).unwrap_err();
/// assert_eq!(err.scim_type, Some(ScimType::NoTarget));
/// assert!(err.detail.unwrap().starts_with("Operations[0]"));
///
/// // ... while Entra ID expects the work email to be created.
/// apply(&mut user, &patch, &registry, users, &PatchOptions::preset(Preset::Entra))?;
/// assert_eq!(user["emails"][1], json!({"type": "work", "value": "ada@work.example.com"}));
/// # Ok::<(), scimkit_schema::ScimError>(())
/// ```
pub fn apply(
    resource: &mut Value,
    patch: &PatchOp,
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    check_request(patch, options)?;
    apply_indexed(
        resource,
        patch.operations.iter().enumerate(),
        registry,
        resource_type,
        options,
    )
}

/// [`apply`] over operations numbered as in the original request.
pub(crate) fn apply_indexed<'p>(
    resource: &mut Value,
    operations: impl Iterator<Item = (usize, &'p PatchOperation)>,
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    options: &PatchOptions,
) -> Result<Outcome, ScimError> {
    let Value::Object(object) = resource else {
        return Err(ScimError::invalid_syntax(
            "a SCIM resource must be a JSON object (RFC 7643 §2)",
        ));
    };
    let mut engine = Engine::new(registry, resource_type, options);
    let operations: Vec<(usize, &PatchOperation)> = operations.collect();
    let mut at = 0;
    while at < operations.len() {
        match engine.step(object, &operations[at..]) {
            Ok(applied) => at += applied,
            Err((failed, err)) => {
                engine.journal.rollback(object);
                let (index, op) = operations[at + failed];
                return Err(err.context(describe(index, op)));
            }
        }
    }
    engine.tidy(object);
    Ok(engine.outcome(object))
}

/// Limits and the empty-request rule, shared with [`plan_membership`].
pub(crate) fn check_request(patch: &PatchOp, options: &PatchOptions) -> Result<(), ScimError> {
    if patch.operations.len() > options.max_operations {
        return Err(ScimError::with_status(
            413,
            format!(
                "the request has {} operations; at most {} are accepted (PatchOptions::max_operations)",
                patch.operations.len(),
                options.max_operations
            ),
        ));
    }
    if patch.operations.is_empty() && !options.empty_operations_noop {
        return Err(ScimError::invalid_syntax(
            "\"Operations\" must hold at least one operation (RFC 7644 §3.5.2)",
        ));
    }
    Ok(())
}

/// `Operations[2] (op "Remove", path "members[value eq \"x\"]")`, the op and path quoted as
/// the client sent them.
pub(crate) fn describe(index: usize, op: &PatchOperation) -> String {
    let sent = op.op_as_sent();
    match &op.path {
        Some(path) => format!("Operations[{index}] (op {sent:?}, path {path:?})"),
        None => format!("Operations[{index}] (op {sent:?}, no path)"),
    }
}
