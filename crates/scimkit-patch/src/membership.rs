//! Native membership changes: a PATCH request turned into "add these members / remove those"
//! for a store that keeps the values of one multi-valued attribute (Group `members`) in rows
//! of its own, so that a change of k members to a 100,000-member group touches k rows.

use scimkit_filter::{Filter, ValueMatcher};
use scimkit_schema::{
    AttributeDef, AttributeType, PatchOp, PatchOpKind, PatchOperation, Resolved, ResolvedAttribute,
    ResourceType, SchemaRegistry, ScimError,
};
use serde_json::{Map, Value};

use crate::engine::Engine;
use crate::identity::Identity;
use crate::options::PatchOptions;
use crate::outcome::Outcome;
use crate::target::{Target, key_target, parse_target, slot_of, value_eq_terms};
use crate::{check_request, describe};

/// One normalised change to the values of a multi-valued attribute, in request order.
///
/// Values are canonical (schema spelling, [`Compat`](scimkit_schema::Compat) coercions
/// applied) and already validated against the schema. "Same value" means equal `value`
/// sub-attributes, compared case-sensitively only if [`MembershipPlan::case_exact`].
#[derive(Clone, Debug)]
pub enum MemberChange {
    /// Add each value whose `value` is not stored yet (skip the others: no duplicate, no
    /// change, RFC 7644 §3.5.2.1). The list holds no two values with the same `value`.
    Add(Vec<Value>),
    /// Remove the stored values whose `value` is one of these (a JSON string for Group
    /// `members`); values not stored are ignored.
    Remove(Vec<Value>),
    /// Remove the stored values that match `filter` (a `members[...]` path whose filter is not
    /// a plain list of `value eq`). Translate `filter` (see [`scimkit_filter::Filter`]) or test
    /// each stored value with `matcher`.
    RemoveWhere {
        /// The filter as parsed (names as written; resolve them against the schema).
        filter: Box<Filter>,
        /// The same filter compiled for one value of the attribute.
        matcher: Box<ValueMatcher>,
    },
    /// Replace every stored value with these (no two with the same `value`).
    Replace(Vec<Value>),
    /// Remove every value.
    Clear,
}

/// A PATCH request split into native changes of one multi-valued attribute and the
/// operations on everything else. Built by [`plan_membership`].
///
/// A store applies, in one transaction: the [`changes`](Self::changes) to its membership
/// rows, in order; then [`apply_rest`](Self::apply_rest) to the resource's other attributes
/// (the stored JSON without the attribute). Together they give exactly what
/// [`apply`](crate::apply) gives on the whole resource.
#[derive(Clone, Debug)]
pub struct MembershipPlan {
    /// The attribute's canonical name, e.g. `members`.
    pub attribute: String,
    /// Whether `value`s compare case-sensitively (the `value` sub-attribute's `caseExact`;
    /// false for Group `members` in RFC 7643 §8.7.1, ids being compared ASCII
    /// case-insensitively).
    pub case_exact: bool,
    /// The changes to the attribute's values, in request order.
    pub changes: Vec<MemberChange>,
    /// The other operations with their index in the original request (for error details).
    pub rest: Vec<(usize, PatchOperation)>,
}

impl MembershipPlan {
    /// Whether nothing but membership is changed (no [`rest`](Self::rest) to apply).
    pub fn only_membership(&self) -> bool {
        self.rest.is_empty()
    }

    /// Applies the [`rest`](Self::rest) operations to `resource` (the stored resource; its
    /// value of [`attribute`](Self::attribute) is neither needed nor touched), atomically, with
    /// the same options as the plan. Errors name the operation's index in the original
    /// request.
    ///
    /// # Errors
    /// As [`apply`](crate::apply).
    pub fn apply_rest(
        &self,
        resource: &mut Value,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        options: &PatchOptions,
    ) -> Result<Outcome, ScimError> {
        crate::apply_indexed(
            resource,
            self.rest.iter().map(|(i, op)| (*i, op)),
            registry,
            resource_type,
            options,
        )
    }
}

/// Splits a PATCH request into native changes of the multi-valued attribute `attribute`
/// (e.g. Group `members`) and the remaining operations, with the validation, errors and
/// compatibility switches of [`apply`](crate::apply).
///
/// Every shape real identity providers use maps to a change: `add members [...]`, Entra's
/// `remove members` with a `value` list, `remove members[value eq "id"]` (and `or` chains of
/// them), `replace members [...]`, `replace members []`, `remove members`, and a path-less
/// add / replace whose value holds `members`.
///
/// Returns `Ok(None)` when the request needs the stored values to be interpreted (a filtered
/// `add` / `replace` on the attribute, a filter ending in a sub-attribute, a value that sets
/// `primary`, or a required attribute): the store then loads the resource and calls
/// [`apply`](crate::apply).
///
/// # Errors
/// The errors [`apply`](crate::apply) would give for the membership operations (invalid path,
/// value of the wrong shape, `remove` with a value under a preset that refuses it, ...);
/// errors of the other operations surface from [`MembershipPlan::apply_rest`]. 400
/// `invalidPath` when `attribute` is not a multi-valued complex attribute with a `value`
/// sub-attribute.
///
/// ```
/// use scimkit_patch::{plan_membership, MemberChange, PatchOptions};
/// use scimkit_schema::{PatchOp, SchemaRegistry};
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let groups = registry.resource_type("Group").unwrap();
/// let patch = PatchOp::from_json(br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///   "Operations": [
///     {"op": "Add", "path": "members", "value": [{"value": "u7"}, {"value": "u8"}]},
///     {"op": "remove", "path": "members[value eq \"u1\"]"},
///     {"op": "replace", "path": "displayName", "value": "Staff 2"}]}"#)?;
/// let plan = plan_membership(&patch, &registry, groups, "members", &PatchOptions::default())?
///     .expect("native");
/// assert!(matches!(&plan.changes[0], MemberChange::Add(v) if v.len() == 2));
/// assert!(matches!(&plan.changes[1], MemberChange::Remove(ids) if ids == &[json!("u1")]));
/// assert_eq!(plan.rest.len(), 1);
/// assert_eq!(plan.rest[0].0, 2); // index in the original request
/// # Ok::<(), scimkit_schema::ScimError>(())
/// ```
pub fn plan_membership(
    patch: &PatchOp,
    registry: &SchemaRegistry,
    resource_type: &ResourceType,
    attribute: &str,
    options: &PatchOptions,
) -> Result<Option<MembershipPlan>, ScimError> {
    check_request(patch, options)?;
    let attr = match registry.resolve_str(resource_type, attribute) {
        Ok(Resolved::Attribute(attr))
            if attr.sub_attribute.is_none()
                && attr.extension_key().is_none()
                && attr.attribute.multi_valued
                && attr.attribute.is_complex()
                && attr.attribute.sub_attribute("value").is_some() =>
        {
            attr
        }
        _ => {
            return Err(ScimError::invalid_path(format!(
                "{attribute:?} is not a top-level multi-valued complex attribute with a value sub-attribute"
            )));
        }
    };
    let def = attr.attribute;
    let case_exact = def.sub_attribute("value").is_some_and(|v| v.case_exact);
    let mut plan = MembershipPlan {
        attribute: def.name.clone(),
        case_exact,
        changes: Vec::new(),
        rest: Vec::new(),
    };
    let planner = Planner {
        registry,
        resource_type,
        options,
        attr,
    };
    for (index, op) in patch.operations.iter().enumerate() {
        let step = planner
            .plan(op)
            .map_err(|e| e.context(describe(index, op)))?;
        match step {
            Step::Rest => plan.rest.push((index, op.clone())),
            Step::Split { change, rest } => {
                plan.changes.push(change);
                if let Some(rest) = rest {
                    plan.rest.push((index, *rest));
                }
            }
            Step::NeedsResource => return Ok(None),
        }
    }
    Ok(Some(plan))
}

enum Step {
    /// The operation does not touch the attribute.
    Rest,
    /// A change of the attribute, and what is left of a path-less operation.
    Split {
        change: MemberChange,
        rest: Option<Box<PatchOperation>>,
    },
    NeedsResource,
}

struct Planner<'a> {
    registry: &'a SchemaRegistry,
    resource_type: &'a ResourceType,
    options: &'a PatchOptions,
    attr: ResolvedAttribute<'a>,
}

impl Planner<'_> {
    fn is_ours(&self, attr: &ResolvedAttribute<'_>) -> bool {
        slot_of(attr) == slot_of(&self.attr)
    }

    fn plan(&self, op: &PatchOperation) -> Result<Step, ScimError> {
        let Some(path) = op.path.as_deref() else {
            return self.plan_pathless(op);
        };
        let target = parse_target(path, self.registry, self.resource_type, self.options)?;
        let step = match &target {
            Target::Attr(attr) if self.is_ours(attr) => {
                // A sub-attribute without filter is refused by the engine whatever is stored.
                self.check(op)?;
                if attr.sub_attribute.is_some() || self.attr.attribute.required {
                    return Ok(Step::NeedsResource);
                }
                let change = match op.op {
                    PatchOpKind::Remove => match op.value.as_ref().filter(|v| !v.is_null()) {
                        None => MemberChange::Clear,
                        Some(value) => MemberChange::Remove(self.listed_values(value)?),
                    },
                    kind => match self.items(kind, op.value.clone())? {
                        None => return Ok(Step::NeedsResource),
                        Some(items) if items.is_empty() && kind != PatchOpKind::Add => {
                            MemberChange::Clear
                        }
                        Some(items) if kind == PatchOpKind::Add => MemberChange::Add(items),
                        Some(items) => MemberChange::Replace(items),
                    },
                };
                Step::Split { change, rest: None }
            }
            Target::Filtered(f) if self.is_ours(&f.attr) => {
                if op.op != PatchOpKind::Remove || f.sub.is_some() {
                    return Ok(Step::NeedsResource);
                }
                self.check(op)?;
                let change = match value_eq_terms(&f.filter) {
                    Some(values) => {
                        MemberChange::Remove(values.iter().map(|v| v.to_json()).collect())
                    }
                    None => MemberChange::RemoveWhere {
                        filter: Box::new(f.filter.clone()),
                        matcher: Box::new(f.matcher.clone()),
                    },
                };
                Step::Split { change, rest: None }
            }
            _ => Step::Rest,
        };
        Ok(step)
    }

    /// A path-less add / replace: the key naming the attribute becomes a change, the others
    /// stay an operation.
    fn plan_pathless(&self, op: &PatchOperation) -> Result<Step, ScimError> {
        let Some(Value::Object(object)) = &op.value else {
            return Ok(Step::Rest);
        };
        let mut ours: Option<(String, Value)> = None;
        for (key, value) in object {
            match key_target(key, self.registry, self.resource_type, self.options) {
                Ok((Target::Attr(attr), _)) if self.is_ours(&attr) => {
                    if attr.sub_attribute.is_some() || ours.is_some() {
                        return Ok(Step::NeedsResource);
                    }
                    ours = Some((key.clone(), value.clone()));
                }
                // A filtered key (`members[value eq "u1"].display`) needs the stored values.
                Ok((Target::Filtered(f), _)) if self.is_ours(&f.attr) => {
                    return Ok(Step::NeedsResource);
                }
                _ => {}
            }
        }
        let Some((key, value)) = ours else {
            return Ok(Step::Rest);
        };
        if self.attr.attribute.required {
            return Ok(Step::NeedsResource);
        }
        let path = self.attr.attribute.name.clone();
        let as_op = PatchOperation {
            path: Some(path),
            value: Some(value.clone()),
            ..op.clone()
        };
        self.check(&as_op)
            .map_err(|e| e.context(format!("value key {key:?}")))?;
        let change = match self.items(op.op, Some(value))? {
            None => return Ok(Step::NeedsResource),
            Some(items) if items.is_empty() && op.op != PatchOpKind::Add => MemberChange::Clear,
            Some(items) if op.op == PatchOpKind::Add => MemberChange::Add(items),
            Some(items) => MemberChange::Replace(items),
        };
        let mut remaining = object.clone();
        remaining.shift_remove(&key);
        let rest = (!remaining.is_empty()).then(|| {
            Box::new(PatchOperation {
                value: Some(Value::Object(remaining)),
                ..op.clone()
            })
        });
        Ok(Step::Split { change, rest })
    }

    /// Runs the operation through the engine on a stand-in resource holding no values of the
    /// attribute: the same spelling, path, canonicalisation and schema checks, the same errors.
    fn check(&self, op: &PatchOperation) -> Result<(), ScimError> {
        let mut object = Map::new();
        object.insert(
            "schemas".into(),
            Value::Array(vec![Value::String(self.resource_type.schema.clone())]),
        );
        if let Some(base) = self.registry.base_schema(self.resource_type) {
            for def in base.attributes.iter().filter(|d| d.required) {
                object.insert(def.name.clone(), placeholder(def));
            }
        }
        let mut engine = Engine::new(self.registry, self.resource_type, self.options);
        engine.operation(&mut object, op)
    }

    /// The canonical, deduplicated values of an add / replace; `None` when a value sets
    /// `primary` (the demotion of other values needs the stored ones).
    fn items(
        &self,
        kind: PatchOpKind,
        value: Option<Value>,
    ) -> Result<Option<Vec<Value>>, ScimError> {
        let engine = Engine::new(self.registry, self.resource_type, self.options);
        let value = engine.canon_whole(&self.attr, value.unwrap_or(Value::Null))?;
        let clear = match &value {
            Value::Null => true,
            Value::String(s) => s.is_empty() && self.options.clear_with_empty,
            _ => false,
        };
        if clear && kind != PatchOpKind::Add {
            return Ok(Some(Vec::new()));
        }
        let items = match value {
            Value::Array(items) => items,
            single => vec![single],
        };
        if items
            .iter()
            .any(|v| v.get("primary") == Some(&Value::Bool(true)))
        {
            return Ok(None);
        }
        Ok(Some(Identity::of(self.attr.attribute).unique(items)))
    }

    /// The `value`s of a `remove` value list (already checked by [`Self::check`]).
    fn listed_values(&self, value: &Value) -> Result<Vec<Value>, ScimError> {
        let engine = Engine::new(self.registry, self.resource_type, self.options);
        let value = engine.canon_whole(&self.attr, value.clone())?;
        let items = match value {
            Value::Array(items) => items,
            single => vec![single],
        };
        Ok(items
            .into_iter()
            .filter_map(|mut v| v.get_mut("value").map(Value::take))
            .collect())
    }
}

/// A value that passes validation for a required attribute the stand-in resource needs.
fn placeholder(def: &AttributeDef) -> Value {
    let single = match def.kind {
        AttributeType::Boolean => Value::Bool(false),
        AttributeType::Integer => Value::from(0),
        AttributeType::Decimal => Value::from(0.5),
        AttributeType::DateTime => Value::String("2000-01-01T00:00:00Z".into()),
        AttributeType::Complex => Value::Object(
            def.sub_attributes
                .iter()
                .filter(|s| s.required)
                .map(|s| (s.name.clone(), placeholder(s)))
                .collect(),
        ),
        _ => Value::String("x".into()),
    };
    if def.multi_valued {
        Value::Array(vec![single])
    } else {
        single
    }
}
