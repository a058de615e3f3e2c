//! Validation of a canonical resource for one operation (RFC 7643 §2, §3; RFC 7644 §3.3,
//! §3.5.1, §3.5.2).

use serde_json::{Map, Value};

use crate::attribute::{AttributeDef, AttributeType, Mutability};
use crate::compat::Compat;
use crate::error::ScimError;
use crate::layout::{Layout, TopKey, find, resource_object};
use crate::location::Loc;
use crate::registry::SchemaRegistry;
use crate::resource_type::ResourceType;
use crate::value_type::check_type;

mod prior;
mod schemas;

/// The operation a resource is validated for; it decides which mutability rules apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operation<'a> {
    /// A POST body (RFC 7644 §3.3): readOnly attributes are removed (the RFC says they
    /// SHALL be ignored), required attributes must be present.
    Create,
    /// A PUT body (RFC 7644 §3.5.1) replacing `current`, the stored resource: readOnly
    /// attributes are removed, required attributes must be present, and an immutable
    /// attribute that has a value in `current` may only be given with that same value.
    Replace {
        /// The stored resource being replaced.
        current: &'a Value,
    },
    /// The resource a PATCH produced from `original` (RFC 7644 §3.5.2): required attributes
    /// must be present, readOnly attributes other than `meta` must equal the original's, and
    /// an immutable attribute with a value in `original` must keep it.
    PatchResult {
        /// The stored resource before the PATCH.
        original: &'a Value,
    },
    /// A resource about to be returned (or stored): types, required, `schemas`.
    Response,
}

impl Operation<'_> {
    fn is_request(&self) -> bool {
        matches!(self, Operation::Create | Operation::Replace { .. })
    }

    fn prior(&self) -> Option<&Value> {
        match self {
            Operation::Replace { current } => Some(current),
            Operation::PatchResult { original } => Some(original),
            _ => None,
        }
    }
}

/// Validates a canonical resource ([`canonicalize`](crate::canonicalize) first) for
/// `operation`; in request contexts removes readOnly input.
///
/// Rules, each failure a 400 [`ScimError`] whose `detail` names the attribute path:
///
/// | rule | source | scimType |
/// |---|---|---|
/// | the resource is a JSON object | RFC 7643 §2 | `invalidSyntax` |
/// | `schemas` present, a non-empty array of unique strings | RFC 7643 §3 | `invalidValue` (missing) / `invalidSyntax` (shape) |
/// | `schemas` holds the base schema and only the type's extensions (unknown URIs tolerated with [`Compat::extra_schema_uris`]) | RFC 7643 §3 | `invalidValue` |
/// | an extension object's URN is listed in `schemas`; a required extension is present | RFC 7643 §3, §6 | `invalidValue` |
/// | every value has its attribute's type; multi-valued attributes are arrays without `null` elements | RFC 7643 §2.3, §2.4 | `invalidValue` |
/// | at most one element of a multi-valued attribute has `primary: true` | RFC 7643 §2.4 | `invalidValue` |
/// | required attributes and sub-attributes have a value (`null`, `[]`, `""` do not count) | RFC 7643 §2.2, §2.5; RFC 7644 §3.5.1 | `invalidValue` |
/// | readOnly input is ignored (removed) on create and replace | RFC 7644 §3.3, §3.5.1 | — |
/// | immutable: a stored value may not change (replace, PATCH result) | RFC 7644 §3.5.1, §3.5.2 | `mutability` |
/// | readOnly attributes other than `meta` unchanged by a PATCH | RFC 7644 §3.5.2 | `mutability` |
/// | unknown attributes refused with [`UnknownAttributes::Reject`](crate::UnknownAttributes::Reject) | RFC 7643 §3 | `invalidSyntax` |
/// | a key that can never be an attribute name (`""`, `"a b"`, `"x[y]"`) refused under every policy | RFC 7643 §2.1 | `invalidSyntax` |
/// | each value of an attribute that lists resources (Group `members`) has a non-empty string `value`, the resource's id | RFC 7643 §2.4, §4.2 | `invalidValue` |
///
/// Immutable rules compare values as JSON, strings case-insensitively unless `caseExact`.
/// Omitting a stored immutable attribute from a PUT body is not an error: the service keeps
/// the stored value. Elements of multi-valued attributes (e.g. Group `members`, whose
/// sub-attributes are immutable) may be added and removed (RFC 7643 §4.2), so immutable
/// sub-attributes are not compared element by element.
///
/// Not checked (RFC-silent, left to the service): whether a member's `value` is the id of an
/// existing resource (RFC 7643 §4.2 allows members the service does not hold), and whether a
/// Group lists itself. `validate` sees one resource; a service that wants referential
/// integrity checks the ids against its store.
///
/// # Errors
/// As in the table; also 500 when `resource_type` uses a schema `registry` does not hold.
///
/// ```
/// use scimkit_schema::{validate, Compat, Operation, SchemaRegistry, ScimType};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let mut body = json!({
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
///     "id": "client-chosen", "userName": "bjensen", "active": true
/// });
/// validate(&registry, user, &mut body, Operation::Create, &Compat::rfc()).unwrap();
/// assert!(body.get("id").is_none(), "readOnly input is ignored (RFC 7644 §3.3)");
///
/// let mut bad = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": "yes"});
/// let err = validate(&registry, user, &mut bad, Operation::Create, &Compat::rfc()).unwrap_err();
/// assert_eq!(err.scim_type, Some(ScimType::InvalidValue));
/// assert!(err.detail.unwrap().contains("active"));
/// ```
pub fn validate(
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    resource: &mut Value,
    operation: Operation<'_>,
    compat: &Compat,
) -> Result<(), ScimError> {
    let layout = Layout::new(registry, resource_type)?;
    let object = resource_object(resource)?;
    let checker = Checker { operation, compat };
    checker.schemas(registry, &layout, object)?;
    checker.top_level(&layout, object)?;
    if let Some(prior) = operation.prior() {
        checker.against_prior(&layout, object, prior)?;
    }
    Ok(())
}

/// Validates one attribute's value for `operation`, as [`validate`] does for each value of
/// a resource: `null`, or per `multiValued` an array of values of the attribute's type;
/// sub-attributes of complex values checked (unknown ones per `compat`), required
/// sub-attributes present, at most one `primary: true`; readOnly sub-attributes removed in
/// request contexts. For the PATCH engine, once an operation's `path` resolved to `def`
/// and its value went through [`canonicalize_value`](crate::canonicalize_value). `path` names
/// the attribute in error details.
///
/// # Errors
/// 400 `invalidValue` (types, required, primary) or `invalidSyntax` (unknown sub-attribute
/// refused), the detail naming the path.
///
/// ```
/// use scimkit_schema::{validate_value, Compat, Operation, SchemaRegistry, Resolved};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let user = registry.resource_type("User").unwrap();
/// let Ok(Resolved::Attribute(emails)) = registry.resolve_str(user, "emails") else { panic!() };
/// let mut value = json!([{"value": "a@x", "primary": true}, {"value": "b@x", "primary": true}]);
/// let err = validate_value(emails.leaf(), &mut value, Operation::Response, &Compat::rfc(), "emails")
///     .unwrap_err();
/// assert!(err.detail.unwrap().contains("primary"));
/// ```
pub fn validate_value(
    def: &AttributeDef,
    value: &mut Value,
    operation: Operation<'_>,
    compat: &Compat,
    path: &str,
) -> Result<(), ScimError> {
    Checker { operation, compat }.value(def, value, &Loc::Attr(&Loc::Root, path))
}

struct Checker<'c> {
    operation: Operation<'c>,
    compat: &'c Compat,
}

impl Checker<'_> {
    fn top_level(
        &self,
        layout: &Layout<'_>,
        object: &mut Map<String, Value>,
    ) -> Result<(), ScimError> {
        let mut ignored: Vec<usize> = Vec::new();
        for (position, (key, value)) in object.iter_mut().enumerate() {
            match layout.top_key(key) {
                TopKey::Attribute(def) if def.name == "schemas" => {}
                TopKey::Attribute(def) => {
                    if self.ignores(def) {
                        ignored.push(position);
                    } else {
                        self.value(def, value, &Loc::Attr(&Loc::Root, &def.name))?;
                    }
                }
                TopKey::Extension(schema) => {
                    let loc = Loc::Extension(&schema.id);
                    match value {
                        Value::Null => {}
                        Value::Object(inner) => {
                            self.members(inner, &schema.attributes, &loc)?;
                            self.required(inner, &schema.attributes, &loc)?;
                        }
                        _ => {
                            return Err(ScimError::invalid_syntax(format!(
                                "extension {:?} must be a JSON object (RFC 7643 §3.3)",
                                schema.id
                            )));
                        }
                    }
                }
                TopKey::Other => self.compat.unknown_key(&Loc::Root, key)?,
            }
        }
        remove_positions(object, &ignored);
        self.required(object, &layout.base.attributes, &Loc::Root)?;
        for ext in &layout.resource_type.schema_extensions {
            let holds = object.get(&ext.schema).is_some_and(|v| !v.is_null());
            if ext.required && !holds && !matches!(self.operation, Operation::Response) {
                return Err(ScimError::invalid_value(format!(
                    "resource type {:?} requires the extension {:?} (RFC 7643 §6)",
                    layout.resource_type.name, ext.schema
                )));
            }
        }
        Ok(())
    }

    /// Checks the members of an extension object or a complex value against `defs`.
    fn members(
        &self,
        object: &mut Map<String, Value>,
        defs: &[AttributeDef],
        loc: &Loc<'_>,
    ) -> Result<(), ScimError> {
        let mut ignored: Vec<usize> = Vec::new();
        for (position, (key, value)) in object.iter_mut().enumerate() {
            match find(defs, key) {
                Some(def) if self.ignores(def) => ignored.push(position),
                Some(def) => self.value(def, value, &Loc::Attr(loc, &def.name))?,
                None => self.compat.unknown_key(loc, key)?,
            }
        }
        remove_positions(object, &ignored);
        Ok(())
    }

    /// Whether input for `def` is ignored: readOnly attributes in a request body (RFC 7644
    /// §3.3, §3.5.1).
    fn ignores(&self, def: &AttributeDef) -> bool {
        def.mutability == Mutability::ReadOnly && self.operation.is_request()
    }

    /// Required (sub-)attributes of `defs` have a value in `object` (RFC 7643 §2.2, §2.5).
    fn required(
        &self,
        object: &Map<String, Value>,
        defs: &[AttributeDef],
        loc: &Loc<'_>,
    ) -> Result<(), ScimError> {
        for def in defs.iter().filter(|def| def.required) {
            if self.operation.is_request() && def.mutability == Mutability::ReadOnly {
                continue;
            }
            let missing = match object.get(&def.name) {
                None | Some(Value::Null) => true,
                Some(Value::Array(items)) => items.is_empty(),
                Some(Value::String(text)) => text.is_empty(),
                Some(_) => false,
            };
            if missing {
                return Err(ScimError::invalid_value(format!(
                    "required attribute {} is missing (RFC 7643 §2.2, RFC 7644 §3.12 \"a required value was missing\")",
                    Loc::Attr(loc, &def.name)
                )));
            }
        }
        Ok(())
    }

    /// One attribute's value: `null`, or per `multiValued` an array of values of its type.
    fn value(&self, def: &AttributeDef, value: &mut Value, loc: &Loc<'_>) -> Result<(), ScimError> {
        if value.is_null() {
            return Ok(());
        }
        if !def.multi_valued {
            return self.single(def, value, loc);
        }
        let Value::Array(items) = value else {
            return Err(type_error(
                def,
                loc,
                "a JSON array (multi-valued, RFC 7643 §2.4)",
                value,
            ));
        };
        let has_primary = def.is_complex() && def.sub_attribute("primary").is_some();
        let references = def.refers_to_resources();
        let mut primaries = 0usize;
        for (index, item) in items.iter_mut().enumerate() {
            let loc = Loc::Index(loc, index);
            if item.is_null() {
                return Err(ScimError::invalid_value(format!(
                    "{loc} is null; a multi-valued attribute holds no null elements (RFC 7643 §2.4)"
                )));
            }
            self.single(def, item, &loc)?;
            let names_one = item
                .get("value")
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty());
            if references && !names_one {
                return Err(ScimError::invalid_value(format!(
                    "{loc} has no \"value\"; each value of {} names a resource by its id in \
                     \"value\" (RFC 7643 §2.4, §4.2)",
                    def.name
                )));
            }
            if has_primary && is_primary(item) {
                primaries += 1;
            }
        }
        if primaries > 1 {
            return Err(ScimError::invalid_value(format!(
                "{loc} has {primaries} values with \"primary\": true; at most one is allowed (RFC 7643 §2.4)"
            )));
        }
        Ok(())
    }

    /// One non-null value of `def`'s type; complex values recurse into sub-attributes.
    fn single(
        &self,
        def: &AttributeDef,
        value: &mut Value,
        loc: &Loc<'_>,
    ) -> Result<(), ScimError> {
        if let Err(expected) = check_type(def.kind, value) {
            return Err(type_error(def, loc, expected, value));
        }
        if def.kind == AttributeType::Complex
            && let Value::Object(object) = value
        {
            self.members(object, &def.sub_attributes, loc)?;
            self.required(object, &def.sub_attributes, loc)?;
        }
        Ok(())
    }
}

/// Removes the members at `positions` (ascending), keeping the order of the others.
fn remove_positions(object: &mut Map<String, Value>, positions: &[usize]) {
    if positions.is_empty() {
        return;
    }
    let mut position = 0;
    let mut next = positions.iter().peekable();
    object.retain(|_, _| {
        let drop = next.next_if_eq(&&position).is_some();
        position += 1;
        !drop
    });
}

/// `"primary": true` in a complex value (canonical spelling; a short linear scan beats
/// hashing the key for the handful of sub-attributes a value has).
fn is_primary(item: &Value) -> bool {
    item.as_object().is_some_and(|object| {
        object
            .iter()
            .any(|(key, value)| key == "primary" && *value == Value::Bool(true))
    })
}

fn type_error(def: &AttributeDef, loc: &Loc<'_>, expected: &str, got: &Value) -> ScimError {
    let got = match got {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    };
    let multi = if def.multi_valued {
        " (multi-valued)"
    } else {
        ""
    };
    ScimError::invalid_value(format!(
        "attribute {loc}{multi} of type {} must be {expected}, got {got}",
        def.kind.as_str()
    ))
}
