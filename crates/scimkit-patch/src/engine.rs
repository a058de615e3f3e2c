//! The operations themselves: `add`, `remove`, `replace` (RFC 7644 §3.5.2.1-3) on the generic
//! resource, through the [`Journal`] so that a failure can be undone.

use scimkit_schema::{
    AttributeDef, Mutability, Operation, PatchOpKind, PatchOperation, ResolvedAttribute,
    ResourceType, Schema, SchemaRegistry, ScimError, canonicalize, validate,
};
use serde_json::{Map, Value};

use crate::identity::{Identity, Key};
use crate::index::Index;
use crate::journal::{Journal, Slot, has_value};
use crate::options::PatchOptions;
use crate::outcome::Outcome;
use crate::scan;
use crate::target::{
    Filtered, Target, eq_pairs, key_target, parse_target, slot_of, value_eq_strings,
};
use crate::value_keys::KeysSeen;

/// What an operation left to validate: a whole attribute, or only the `n` values it appended.
#[derive(Clone, Debug, PartialEq)]
enum Dirty {
    Whole(Slot),
    Tail(Slot, usize),
}

/// The shape in which an operation's value is canonicalised.
#[derive(Clone, Copy)]
enum Shape<'d> {
    /// As the attribute holds it (a single value, an object, or an array).
    Whole,
    /// The value of one sub-attribute.
    Sub(&'d AttributeDef),
    /// Each element of an array of values of a multi-valued attribute.
    Elements,
}

/// One `apply` call's state.
pub(crate) struct Engine<'a> {
    pub(crate) registry: &'a SchemaRegistry,
    pub(crate) resource_type: &'a ResourceType,
    pub(crate) options: &'a PatchOptions,
    pub(crate) journal: Journal,
    dirty: Vec<Dirty>,
}

type Res = Map<String, Value>;

impl<'a> Engine<'a> {
    pub(crate) fn new(
        registry: &'a SchemaRegistry,
        resource_type: &'a ResourceType,
        options: &'a PatchOptions,
    ) -> Engine<'a> {
        Engine {
            registry,
            resource_type,
            options,
            journal: Journal::default(),
            dirty: Vec::new(),
        }
    }

    /// Applies the operations at the start of `ops` (each with its index in the request):
    /// a run of two or more `remove attr[value eq "..."]` on the same attribute (Entra ID's
    /// aadOptscim062020 dialect removes members one operation each) in one pass over the
    /// stored values, otherwise the first operation alone. Returns how many were applied, or
    /// the position in `ops` of the one that failed, with its error.
    pub(crate) fn step(
        &mut self,
        res: &mut Res,
        ops: &[(usize, &PatchOperation)],
    ) -> Result<usize, (usize, ScimError)> {
        let mut run: Vec<Box<Filtered<'a>>> = Vec::new();
        for (_, op) in ops {
            match self.value_eq_removal(op) {
                Some(f)
                    if run
                        .first()
                        .is_none_or(|first| slot_of(&first.attr) == slot_of(&f.attr)) =>
                {
                    run.push(f)
                }
                _ => break,
            }
        }
        if run.len() < 2 {
            return self
                .operation(res, ops[0].1)
                .map(|()| 1)
                .map_err(|e| (0, e));
        }
        let def = run[0].attr.attribute;
        let identity = Identity::of(def);
        let wanted = Index::new(
            identity,
            run.iter()
                .filter_map(|f| value_eq_strings(&f.filter, def))
                .flatten()
                .map(|v| (identity.text_key(v), ())),
        );
        let slot = slot_of(&run[0].attr);
        let path = run[0].attr.canonical_path();
        self.remove_keys(res, def, &slot, &path, identity, &wanted)
            .map(|()| run.len())
            .map_err(|e| (0, e))
    }

    /// The target of `remove attr[value eq "a" or ...]` when the operation cannot fail and
    /// commutes with its neighbours of the same shape: spelled as the options accept, no
    /// `value`, a [`value_eq_strings`] filter, an attribute that is neither readOnly,
    /// immutable nor required (so removing its last value is no error).
    fn value_eq_removal(&self, op: &PatchOperation) -> Option<Box<Filtered<'a>>> {
        if op.op != PatchOpKind::Remove
            || !(op.op_is_rfc_spelling() || self.options.op_case_insensitive)
            || op.value.as_ref().is_some_and(|v| !v.is_null())
        {
            return None;
        }
        let target = parse_target(
            op.path.as_deref()?,
            self.registry,
            self.resource_type,
            self.options,
        )
        .ok()?;
        let Target::Filtered(f) = target else {
            return None;
        };
        let def = f.attr.attribute;
        let plain = f.sub.is_none()
            && !def.required
            && !matches!(def.mutability, Mutability::ReadOnly | Mutability::Immutable)
            && value_eq_strings(&f.filter, def).is_some();
        plain.then_some(f)
    }

    /// Applies one operation, then validates what it changed.
    pub(crate) fn operation(
        &mut self,
        res: &mut Res,
        op: &PatchOperation,
    ) -> Result<(), ScimError> {
        if !op.op_is_rfc_spelling() && !self.options.op_case_insensitive {
            return Err(ScimError::invalid_syntax(format!(
                "op {:?} must be spelled {:?} (RFC 7644 §3.5.2)",
                op.op_as_sent(),
                op.op.as_str()
            )));
        }
        self.dirty.clear();
        match (op.op, op.path.as_deref()) {
            (PatchOpKind::Remove, None) => {
                return Err(ScimError::no_target(
                    "remove needs a path (RFC 7644 §3.5.2.2)",
                ));
            }
            (PatchOpKind::Remove, Some(path)) => {
                let target = parse_target(path, self.registry, self.resource_type, self.options)?;
                self.remove(res, &target, op.value.clone())?;
            }
            (kind, path) => {
                let Some(value) = op.value.clone() else {
                    return Err(ScimError::invalid_value(format!(
                        "{} needs a value (RFC 7644 §3.5.2.{})",
                        kind.as_str(),
                        if kind == PatchOpKind::Add { 1 } else { 3 }
                    )));
                };
                match path {
                    None => self.pathless(res, kind, value)?,
                    Some(path) => {
                        let target =
                            parse_target(path, self.registry, self.resource_type, self.options)?;
                        self.write(res, kind, &target, value)?;
                    }
                }
            }
        }
        self.validate_dirty(res)
    }

    /// Path-less `add` / `replace`: each key of the value is a target (RFC 7644 §3.5.2.1,
    /// §3.5.2.3).
    fn pathless(
        &mut self,
        res: &mut Res,
        kind: PatchOpKind,
        value: Value,
    ) -> Result<(), ScimError> {
        let Value::Object(object) = value else {
            return Err(ScimError::invalid_value(format!(
                "a {} without path needs an object of attributes as value (RFC 7644 §3.5.2)",
                kind.as_str()
            )));
        };
        let mut seen = KeysSeen::default();
        for (key, v) in object {
            if key.eq_ignore_ascii_case("id") {
                let same = res.get("id").is_some_and(|id| *id == v);
                if self.options.pathless_own_id && same {
                    continue;
                }
                return Err(ScimError::mutability(format!(
                    "value key {key:?}: id is readOnly (RFC 7643 §3.1)"
                )));
            }
            let (target, is_path) =
                key_target(&key, self.registry, self.resource_type, self.options)
                    .map_err(|e| e.context(format!("value key {key:?}")))?;
            if is_path && !self.options.pathless_attr_paths {
                return Err(ScimError::invalid_value(format!(
                    "value key {key:?} is an attribute path; a path-less {} takes attribute names \
                     (RFC 7644 §3.5.2); send it as the operation's path",
                    kind.as_str()
                )));
            }
            seen.claim(&target, &key)?;
            self.write(res, kind, &target, v)
                .map_err(|e| e.context(format!("value key {key:?}")))?;
        }
        Ok(())
    }

    /// `add` / `replace` on a target.
    fn write(
        &mut self,
        res: &mut Res,
        kind: PatchOpKind,
        target: &Target<'_>,
        value: Value,
    ) -> Result<(), ScimError> {
        match target {
            Target::Unknown(key) => {
                // RFC 7643 §2.5: `null`, `[]`, `{}` unassign, also for attributes kept as sent.
                let clear = self.is_clear(kind, &value)? || !has_value(&value);
                let slot = Slot::root(key.clone());
                if clear && slot.get(res).is_none() {
                    return Ok(());
                }
                self.journal.touch(res, &slot, None);
                self.journal.set(res, &slot, (!clear).then_some(value));
                Ok(())
            }
            Target::Extension(schema) => self.write_extension(res, kind, schema, value),
            Target::Attr(attr) => self.write_attr(res, kind, attr, value),
            Target::Filtered(filtered) => self.write_filtered(res, kind, filtered, value),
        }
    }

    /// Whether a value given to add / replace means "unassign" (RFC 7643 §2.5 and
    /// [`PatchOptions::clear_with_empty`]).
    fn is_clear(&self, kind: PatchOpKind, value: &Value) -> Result<bool, ScimError> {
        match value {
            Value::Null if kind == PatchOpKind::Replace || self.options.clear_with_empty => {
                Ok(true)
            }
            Value::Null => Err(ScimError::invalid_value(
                "add needs a value, not null (RFC 7644 §3.5.2.1)",
            )),
            Value::String(s) => Ok(s.is_empty() && self.options.clear_with_empty),
            _ => Ok(false),
        }
    }

    fn write_extension(
        &mut self,
        res: &mut Res,
        kind: PatchOpKind,
        schema: &Schema,
        value: Value,
    ) -> Result<(), ScimError> {
        if self.is_clear(kind, &value)? {
            return self.remove_extension(res, schema);
        }
        let Value::Object(object) = value else {
            return Err(ScimError::invalid_value(format!(
                "extension {:?} takes an object of its attributes (RFC 7643 §3.3)",
                schema.id
            )));
        };
        let mut seen = KeysSeen::default();
        for (key, v) in object {
            if schema.ignores_key(&key) {
                // `schemas` repeated inside the extension (scim2-models) is not data.
                continue;
            }
            let urn = schema.id.to_ascii_lowercase();
            let reference = scimkit_schema::AttrRef {
                urn: Some(&schema.id),
                name: &key,
                sub_attr: None,
            };
            match self.registry.resolve(self.resource_type, reference) {
                Ok(scimkit_schema::Resolved::Attribute(attr)) => {
                    seen.claim_path(vec![urn, attr.attribute.name.clone()], &key)?;
                    self.write_attr(res, kind, &attr, v)?;
                }
                _ if !scimkit_schema::is_attr_name(&key) => {
                    return Err(ScimError::invalid_value(format!(
                        "extension {:?}: {key:?} is not an attribute name (RFC 7643 §2.1)",
                        schema.id
                    )));
                }
                _ if self.options.compat.unknown_attributes
                    == scimkit_schema::UnknownAttributes::Keep =>
                {
                    seen.claim_path(vec![urn, key.to_ascii_lowercase()], &key)?;
                    let slot = Slot {
                        ext: Some(schema.id.clone()),
                        key,
                    };
                    self.journal.touch(res, &slot, None);
                    let clear = self.is_clear(kind, &v)?;
                    self.journal.set(res, &slot, (!clear).then_some(v));
                }
                _ => {
                    return Err(ScimError::invalid_path(format!(
                        "extension {:?} has no attribute {key:?}",
                        schema.id
                    )));
                }
            }
        }
        Ok(())
    }

    fn write_attr(
        &mut self,
        res: &mut Res,
        kind: PatchOpKind,
        attr: &ResolvedAttribute<'_>,
        value: Value,
    ) -> Result<(), ScimError> {
        let (def, slot, path) = writable(attr)?;
        if let Some(sub) = attr.sub_attribute {
            if def.multi_valued {
                return Err(ScimError::invalid_path(format!(
                    "{path}: a sub-attribute of a multi-valued attribute needs a value filter, e.g. {}[type eq \"work\"].{} (RFC 7644 §3.5.2)",
                    def.name, sub.name
                )));
            }
            let value = self.canon(attr, Shape::Sub(sub), value)?;
            let clear = self.is_clear(kind, &value)?;
            return self.edit_complex(res, def, slot, &path, |object| {
                set_sub(object, sub, (!clear).then_some(value), &path)
            });
        }
        if def.multi_valued {
            let value = self.canon(attr, Shape::Whole, value)?;
            if self.is_clear(kind, &value)? {
                return self.unassign(res, def, &slot, &path);
            }
            let items = match value {
                Value::Array(items) => items,
                single => vec![single],
            };
            if def.mutability == Mutability::Immutable && slot.get(res).is_some_and(has_value) {
                return Err(immutable(&path));
            }
            return match kind {
                PatchOpKind::Add => self.append_unique(res, def, &slot, items),
                _ => self.replace_all(res, def, &slot, &path, items),
            };
        }
        let value = self.canon(attr, Shape::Whole, value)?;
        if self.is_clear(kind, &value)? {
            return self.unassign(res, def, &slot, &path);
        }
        if def.is_complex() {
            let Value::Object(given) = value else {
                return Err(ScimError::invalid_value(format!(
                    "{path} is complex; its value must be an object of sub-attributes (RFC 7643 §2.3.8)"
                )));
            };
            // RFC 7644 §3.5.2.1 / §3.5.2.3: sub-attributes not given are left unchanged.
            let mut given_subs = Vec::with_capacity(given.len());
            for (key, v) in given {
                let sub = def.sub_attribute(&key);
                let clear = self.is_clear(kind, &v)? && sub.is_some();
                given_subs.push((key, sub, (!clear).then_some(v)));
            }
            return self.edit_complex(res, def, slot, &path, |object| {
                for (key, sub, v) in given_subs {
                    match (sub, v) {
                        (Some(sub), v) => set_sub(object, sub, v, &path)?,
                        (None, v) => {
                            object.insert(key, v.unwrap_or(Value::Null));
                        }
                    }
                }
                Ok(())
            });
        }
        self.check_immutable(def, slot.get(res), Some(&value), &path)?;
        // An immutable value given again (the same per caseExact) keeps its stored spelling.
        let unchanged = match slot.get(res) {
            Some(current) if def.mutability == Mutability::Immutable && has_value(current) => true,
            current => current == Some(&value),
        };
        if !unchanged {
            self.journal.touch(res, &slot, None);
            self.journal.set(res, &slot, Some(value));
            self.dirty(Dirty::Whole(slot));
        }
        Ok(())
    }

    /// Edits the object of a single-valued complex attribute (a copy of it; `{}` when absent),
    /// then checks mutability and required sub-attributes and writes it back if it differs
    /// (an object left empty unassigns the attribute).
    fn edit_complex(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: Slot,
        path: &str,
        edit: impl FnOnce(&mut Map<String, Value>) -> Result<(), ScimError>,
    ) -> Result<(), ScimError> {
        let current = slot
            .get(res)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut object = current.clone();
        edit(&mut object)?;
        self.check_immutable(
            def,
            slot.get(res),
            Some(&Value::Object(object.clone())),
            path,
        )?;
        drop_stale_derived(def, &current, &mut object);
        if object != current || !slot.get(res).is_some_and(Value::is_object) {
            self.journal.touch(res, &slot, None);
            let new = (!object.is_empty()).then_some(Value::Object(object));
            self.check_required(def, new.as_ref(), path)?;
            self.journal.set(res, &slot, new);
            self.dirty(Dirty::Whole(slot));
        }
        Ok(())
    }

    /// Appends the values not already present (by identity, one pass over the stored ones),
    /// in request order, each once (RFC 7644 §3.5.2.1).
    fn append_unique(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: &Slot,
        items: Vec<Value>,
    ) -> Result<(), ScimError> {
        if let Some(i) = items.iter().position(Value::is_null) {
            return Err(ScimError::invalid_value(format!(
                "{}[{i}] is null; a multi-valued attribute holds no null values (RFC 7643 §2.4)",
                slot.path()
            )));
        }
        let identity = Identity::of(def);
        let items = identity.unique(items);
        let keep = {
            // The index holds the k requested values; each stored value is looked up once.
            let mut keep = vec![true; items.len()];
            let mut wanted = Index::new(
                identity,
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| Some((identity.key(item)?, i))),
            );
            if let Some(Value::Array(existing)) = slot.get(res) {
                // The pass (split across threads on big groups) finds the stored values
                // the index holds; each is then taken out of the index in order, so a
                // requested value is dropped once however often it is stored.
                let found = if wanted.is_empty() {
                    Vec::new()
                } else {
                    scan::positions(existing, |v| wanted.contains(v))
                };
                for position in found {
                    if let Some(i) = wanted
                        .find(&existing[position])
                        .and_then(|k| wanted.remove(&k))
                    {
                        keep[i] = false;
                    }
                }
            }
            keep
        };
        let new: Vec<Value> = items
            .into_iter()
            .zip(keep)
            .filter_map(|(item, keep)| keep.then_some(item))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let promoted = new.iter().filter(|v| is_primary(v)).count();
        self.journal
            .touch(res, slot, def.is_complex().then_some(identity));
        let count = new.len();
        self.journal.append(res, slot, new);
        if promoted == 1 {
            let len = slot.get(res).and_then(Value::as_array).map_or(0, Vec::len);
            let index = (len - count..len)
                .find(|&i| slot.get(res).and_then(|a| a.get(i)).is_some_and(is_primary))
                .unwrap_or(len);
            self.demote_others(res, slot, index);
        }
        self.dirty(match slot.ext {
            None => Dirty::Tail(slot.clone(), count),
            Some(_) => Dirty::Whole(slot.clone()),
        });
        Ok(())
    }

    /// Replaces every value of a multi-valued attribute (RFC 7644 §3.5.2.3); duplicates in the
    /// given set are dropped, `[]` unassigns.
    fn replace_all(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: &Slot,
        path: &str,
        items: Vec<Value>,
    ) -> Result<(), ScimError> {
        let identity = Identity::of(def);
        let items = identity.unique(items);
        if items.is_empty() {
            return self.unassign(res, def, slot, path);
        }
        if slot.get(res).and_then(Value::as_array) == Some(&items) {
            return Ok(());
        }
        self.journal
            .touch(res, slot, def.is_complex().then_some(identity));
        self.journal.set(res, slot, Some(Value::Array(items)));
        self.dirty(Dirty::Whole(slot.clone()));
        Ok(())
    }

    /// Removes an attribute's value (RFC 7643 §2.5 "unassigned").
    fn unassign(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: &Slot,
        path: &str,
    ) -> Result<(), ScimError> {
        let Some(current) = slot.get(res) else {
            return Ok(());
        };
        if def.required {
            return Err(ScimError::mutability(format!(
                "{path} is required and cannot be removed (RFC 7644 §3.5.2.2)"
            )));
        }
        match def.mutability {
            Mutability::ReadOnly => return Err(read_only(path)),
            Mutability::Immutable if has_value(current) => return Err(immutable(path)),
            _ => {}
        }
        let identity = (def.multi_valued && def.is_complex()).then(|| Identity::of(def));
        self.journal.touch(res, slot, identity);
        self.journal.set(res, slot, None);
        Ok(())
    }

    /// `add` / `replace` through a value filter.
    fn write_filtered(
        &mut self,
        res: &mut Res,
        kind: PatchOpKind,
        f: &Filtered<'_>,
        value: Value,
    ) -> Result<(), ScimError> {
        let (def, slot, path) = writable(&f.attr)?;
        let value = match f.sub {
            Some(sub) => self.canon(&f.attr, Shape::Sub(sub), value)?,
            None => self
                .canon(&f.attr, Shape::Elements, Value::Array(vec![value]))?
                .as_array_mut()
                .and_then(Vec::pop)
                .unwrap_or(Value::Null),
        };
        let clear = self.is_clear(kind, &value)?;
        let matches = matching(res, &slot, f).unwrap_or_default();
        if matches.is_empty() {
            return self.create_on_miss(res, def, f, &slot, value, clear);
        }
        let identity = Identity::of(def);
        self.journal.touch(res, &slot, Some(identity));
        let mut promoted = Vec::new();
        for &i in &matches {
            let Some(old) = slot.get(res).and_then(|a| a.get(i)).cloned() else {
                continue;
            };
            let old_object = old.as_object().cloned().unwrap_or_default();
            let mut new_object = match (f.sub, kind) {
                (Some(sub), _) => {
                    let mut object = old_object.clone();
                    set_sub(&mut object, sub, (!clear).then(|| value.clone()), &path)?;
                    object
                }
                (None, _) if clear => {
                    return Err(ScimError::invalid_value(format!(
                        "{path}: to remove values use remove, not {} with an empty value",
                        kind.as_str()
                    )));
                }
                (None, PatchOpKind::Add) => {
                    let Value::Object(given) = &value else {
                        return Err(not_object(&path));
                    };
                    let mut object = old_object.clone();
                    for (k, v) in given {
                        match def.sub_attribute(k) {
                            Some(sub) => set_sub(&mut object, sub, Some(v.clone()), &path)?,
                            None => {
                                object.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    object
                }
                (None, _) => {
                    let Value::Object(given) = &value else {
                        return Err(not_object(&path));
                    };
                    given.clone()
                }
            };
            for sub in &def.sub_attributes {
                let (old_v, new_v) = (old_object.get(&sub.name), new_object.get(&sub.name));
                if let (Some(old_v), Some(new_v)) = (old_v, new_v)
                    && sub.mutability == Mutability::Immutable
                    && has_value(old_v)
                    && old_v != new_v
                    && sub.same_value(old_v, new_v)
                {
                    // The same value per caseExact (RFC 7643 §2.2): an immutable
                    // sub-attribute keeps its value, spelling included.
                    new_object.insert(sub.name.clone(), old_v.clone());
                    continue;
                }
                if old_v.filter(|v| has_value(v)) != new_v.filter(|v| has_value(v)) {
                    match sub.mutability {
                        Mutability::ReadOnly => {
                            return Err(read_only(&format!("{path}.{}", sub.name)));
                        }
                        Mutability::Immutable if old_v.is_some_and(has_value) => {
                            return Err(immutable(&format!("{path}.{}", sub.name)));
                        }
                        _ => {}
                    }
                    if sub.required && !new_v.is_some_and(has_value) {
                        return Err(ScimError::mutability(format!(
                            "{path}.{} is required (RFC 7644 §3.5.2)",
                            sub.name
                        )));
                    }
                }
            }
            let new = Value::Object(new_object);
            if is_primary(&new) && !is_primary(&old) {
                promoted.push(i);
            }
            self.journal.set_element(res, &slot, i, new);
        }
        if promoted.len() == 1 {
            self.demote_others(res, &slot, promoted[0]);
        }
        self.dirty(Dirty::Whole(slot));
        Ok(())
    }

    /// A filter matched nothing: `noTarget` (RFC 7644 §3.5.2.3), or with
    /// [`PatchOptions::create_on_filter_miss`] a new value built from the filter's `eq` terms
    /// when the filter describes a missing slot (see the switch's docs for when it does not).
    fn create_on_miss(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        f: &Filtered<'_>,
        slot: &Slot,
        value: Value,
        clear: bool,
    ) -> Result<(), ScimError> {
        let path = f.attr.canonical_path();
        let no_target = |why: &str| {
            ScimError::no_target(format!(
                "no value of {path} matches [{}] (RFC 7644 §3.5.2.3){why}",
                f.filter
            ))
        };
        if !self.options.create_on_filter_miss {
            return Err(no_target(""));
        }
        let pairs = eq_pairs(&f.filter, def).ok_or_else(|| no_target(""))?;
        if def.refers_to_resources() {
            return Err(no_target(&format!(
                "; the values of {path} refer to other resources and are added only by naming \
                 them: add {path} [{{\"value\": \"...\"}}]"
            )));
        }
        if pairs.iter().any(|(name, _)| name == "value") {
            return Err(no_target(
                "; a value selected by its own \"value\" is not created when it is missing",
            ));
        }
        if clear {
            // Clearing something that is not there changes nothing.
            return Ok(());
        }
        let mut element = Map::new();
        for (name, v) in pairs {
            element.insert(name, v.to_json());
        }
        let given = match f.sub {
            Some(sub) => Map::from_iter([(sub.name.clone(), value)]),
            None => match value {
                Value::Object(given) => given,
                _ => return Err(not_object(&path)),
            },
        };
        for (name, v) in given {
            if let (Some(sub), Some(filtered)) = (def.sub_attribute(&name), element.get(&name))
                && !sub.same_value(filtered, &v)
            {
                return Err(no_target(&format!(
                    "; the filter selects {name} {filtered}, the operation sets it to {v}, so no \
                     value is created"
                )));
            }
            element.insert(name, v);
        }
        let element = self
            .canon(
                &f.attr,
                Shape::Elements,
                Value::Array(vec![Value::Object(element)]),
            )?
            .as_array_mut()
            .and_then(Vec::pop)
            .unwrap_or(Value::Null);
        self.append_unique(res, def, slot, vec![element])
    }

    /// Sets `primary: false` on every value but `keep` (RFC 7644 §3.5.2: "SHALL cause the
    /// server to automatically set primary to false for any other values").
    fn demote_others(&mut self, res: &mut Res, slot: &Slot, keep: usize) {
        let others: Vec<usize> = match slot.get(res) {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(i, v)| *i != keep && is_primary(v))
                .map(|(i, _)| i)
                .collect(),
            _ => return,
        };
        for i in others {
            if let Some(mut element) = slot.get(res).and_then(|a| a.get(i)).cloned() {
                if let Some(object) = element.as_object_mut() {
                    object.insert("primary".into(), Value::Bool(false));
                }
                self.journal.set_element(res, slot, i, element);
            }
        }
    }

    /// `remove` (RFC 7644 §3.5.2.2).
    fn remove(
        &mut self,
        res: &mut Res,
        target: &Target<'_>,
        value: Option<Value>,
    ) -> Result<(), ScimError> {
        let value = value.filter(|v| !v.is_null());
        if value.is_some() && !self.options.remove_value_list {
            return Err(ScimError::invalid_value(
                "remove takes no value (RFC 7644 §3.5.2.2); to remove specific values use a \
                 filter path such as members[value eq \"...\"]",
            ));
        }
        match target {
            Target::Unknown(key) => {
                let slot = Slot::root(key.clone());
                if slot.get(res).is_some() {
                    self.journal.touch(res, &slot, None);
                    self.journal.set(res, &slot, None);
                }
                Ok(())
            }
            Target::Extension(schema) => self.remove_extension(res, schema),
            Target::Attr(attr) => {
                if let Some(value) = value {
                    return self.remove_listed(res, attr, value);
                }
                let (def, slot, path) = writable(attr)?;
                match attr.sub_attribute {
                    None => self.unassign(res, def, &slot, &path),
                    Some(sub) => {
                        if def.multi_valued {
                            return Err(ScimError::invalid_path(format!(
                                "{path}: a sub-attribute of a multi-valued attribute needs a value filter (RFC 7644 §3.5.2)"
                            )));
                        }
                        let Some(current) = slot.get(res).and_then(Value::as_object).cloned()
                        else {
                            return Ok(());
                        };
                        let mut object = current.clone();
                        set_sub(&mut object, sub, None, &path)?;
                        drop_stale_derived(def, &current, &mut object);
                        if object != current {
                            self.journal.touch(res, &slot, None);
                            let new = (!object.is_empty()).then_some(Value::Object(object));
                            self.check_required(def, new.as_ref(), &path)?;
                            self.journal.set(res, &slot, new);
                        }
                        Ok(())
                    }
                }
            }
            Target::Filtered(f) => {
                let (def, slot, path) = writable(&f.attr)?;
                let identity = Identity::of(def);
                match f.sub {
                    None => {
                        if def.mutability == Mutability::Immutable {
                            return Err(immutable(&path));
                        }
                        if !slot.get(res).is_some_and(Value::is_array) {
                            return Ok(());
                        }
                        // `members[value eq "a" or value eq "b"]`: the same values as a
                        // `value` list, so the same index instead of the filter per value.
                        if let Some(values) = value_eq_strings(&f.filter, def) {
                            let wanted = Index::new(
                                identity,
                                values.iter().map(|v| (identity.text_key(v), ())),
                            );
                            return self.remove_keys(res, def, &slot, &path, identity, &wanted);
                        }
                        self.journal.touch(res, &slot, Some(identity));
                        let removed = self
                            .journal
                            .remove_elements(res, &slot, |v| f.matcher.matches(v));
                        if removed > 0 {
                            self.drop_if_empty(res, def, &slot, &path)?;
                        }
                        Ok(())
                    }
                    Some(sub) => {
                        let Some(matches) = matching(res, &slot, f) else {
                            return Ok(());
                        };
                        let sub_path = format!("{path}.{}", sub.name);
                        if !matches.is_empty() {
                            self.journal.touch(res, &slot, Some(identity));
                        }
                        for i in matches {
                            let Some(mut element) = slot.get(res).and_then(|a| a.get(i)).cloned()
                            else {
                                continue;
                            };
                            let Some(object) = element.as_object_mut() else {
                                continue;
                            };
                            if !object.contains_key(&sub.name) {
                                continue;
                            }
                            match sub.mutability {
                                Mutability::ReadOnly => return Err(read_only(&sub_path)),
                                Mutability::Immutable => return Err(immutable(&sub_path)),
                                _ => {}
                            }
                            if sub.required {
                                return Err(ScimError::mutability(format!(
                                    "{sub_path} is required and cannot be removed (RFC 7644 §3.5.2.2)"
                                )));
                            }
                            object.shift_remove(&sub.name);
                            self.journal.set_element(res, &slot, i, element);
                        }
                        Ok(())
                    }
                }
            }
        }
    }

    /// `remove` with a `value` ([`PatchOptions::remove_value_list`]): only the listed values.
    fn remove_listed(
        &mut self,
        res: &mut Res,
        attr: &ResolvedAttribute<'_>,
        value: Value,
    ) -> Result<(), ScimError> {
        let (def, slot, path) = writable(attr)?;
        if attr.sub_attribute.is_some() {
            return Err(ScimError::invalid_value(format!(
                "{path}: remove with a value names whole values, not a sub-attribute"
            )));
        }
        let value = self.canon(attr, Shape::Whole, value)?;
        let identity = Identity::of(def);
        if !def.multi_valued {
            let Some(current) = slot.get(res) else {
                return Ok(());
            };
            let same = match (identity.key(current), identity.key(&value)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            };
            let same = same
                || (def.is_complex()
                    && current.get("value").is_some()
                    && current.get("value") == value.get("value"));
            return if same {
                self.unassign(res, def, &slot, &path)
            } else {
                Ok(())
            };
        }
        let items = match value {
            Value::Array(items) => items,
            single => vec![single],
        };
        let keys: Vec<Key<'_>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                identity.key(item).ok_or_else(|| {
                    ScimError::invalid_value(format!(
                        "{path}: value[{i}] does not say which value to remove (it needs a \"value\")"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        if def.mutability == Mutability::Immutable {
            return Err(immutable(&path));
        }
        let wanted = Index::new(identity, keys.into_iter().map(|k| (k, ())));
        self.remove_keys(res, def, &slot, &path, identity, &wanted)
    }

    /// Removes the stored values whose identity is in `wanted`, in one pass over the stored
    /// values with one index lookup each, in place (RFC 7644 §3.5.2.2).
    fn remove_keys(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: &Slot,
        path: &str,
        identity: Identity,
        wanted: &Index<'_, ()>,
    ) -> Result<(), ScimError> {
        if wanted.is_empty() || !slot.get(res).is_some_and(Value::is_array) {
            return Ok(());
        }
        self.journal
            .touch(res, slot, def.is_complex().then_some(identity));
        let removed = self
            .journal
            .remove_elements(res, slot, |v| wanted.contains(v));
        if removed > 0 {
            self.drop_if_empty(res, def, slot, path)?;
        }
        Ok(())
    }

    /// RFC 7644 §3.5.2.2: "If no values are left, the attribute SHALL be unassigned".
    fn drop_if_empty(
        &mut self,
        res: &mut Res,
        def: &AttributeDef,
        slot: &Slot,
        path: &str,
    ) -> Result<(), ScimError> {
        if slot.get(res).is_some_and(has_value) {
            return Ok(());
        }
        if def.required {
            return Err(ScimError::mutability(format!(
                "{path} is required and cannot be left without values (RFC 7644 §3.5.2.2)"
            )));
        }
        self.journal.set(res, slot, None);
        Ok(())
    }

    fn remove_extension(&mut self, res: &mut Res, schema: &Schema) -> Result<(), ScimError> {
        if self
            .resource_type
            .schema_extensions
            .iter()
            .any(|e| e.required && schema.is(&e.schema))
        {
            return Err(ScimError::mutability(format!(
                "extension {:?} is required by resource type {:?} (RFC 7643 §6)",
                schema.id, self.resource_type.name
            )));
        }
        let slot = Slot::root(schema.id.clone());
        if slot.get(res).is_some() {
            self.journal.touch(res, &slot, None);
            self.journal.set(res, &slot, None);
        }
        Ok(())
    }

    /// [`Self::canon`] of a value as the attribute holds it.
    pub(crate) fn canon_whole(
        &self,
        attr: &ResolvedAttribute<'_>,
        value: Value,
    ) -> Result<Value, ScimError> {
        self.canon(attr, Shape::Whole, value)
    }

    /// Canonical names and the [`Compat`](scimkit_schema::Compat) coercions for a value, by
    /// running [`canonicalize`] on a one-attribute resource holding it.
    fn canon(
        &self,
        attr: &ResolvedAttribute<'_>,
        shape: Shape<'_>,
        value: Value,
    ) -> Result<Value, ScimError> {
        let def = attr.attribute;
        let inner = match shape {
            Shape::Whole | Shape::Elements => value,
            Shape::Sub(sub) => {
                let mut object = Map::new();
                object.insert(sub.name.clone(), value);
                if def.multi_valued {
                    Value::Array(vec![Value::Object(object)])
                } else {
                    Value::Object(object)
                }
            }
        };
        let mut top = Map::new();
        top.insert(def.name.clone(), inner);
        let mut wrapper = match attr.extension_key() {
            Some(urn) => {
                let mut outer = Map::new();
                outer.insert(urn.to_owned(), Value::Object(top));
                Value::Object(outer)
            }
            None => Value::Object(top),
        };
        canonicalize(
            self.registry,
            self.resource_type,
            &mut wrapper,
            &self.options.compat,
        )?;
        let container = match attr.extension_key() {
            Some(urn) => wrapper.get_mut(urn),
            None => Some(&mut wrapper),
        };
        let mut inner = container
            .and_then(|c| c.get_mut(&def.name))
            .map(Value::take)
            .unwrap_or(Value::Null);
        Ok(match shape {
            Shape::Whole | Shape::Elements => inner,
            Shape::Sub(sub) => {
                let object = if def.multi_valued {
                    inner.get_mut(0)
                } else {
                    Some(&mut inner)
                };
                object
                    .and_then(|o| o.get_mut(&sub.name))
                    .map(Value::take)
                    .unwrap_or(Value::Null)
            }
        })
    }

    fn check_immutable(
        &self,
        def: &AttributeDef,
        current: Option<&Value>,
        new: Option<&Value>,
        path: &str,
    ) -> Result<(), ScimError> {
        let current = current.filter(|v| has_value(v));
        if def.mutability == Mutability::Immutable
            && let Some(current) = current
            && !new.is_some_and(|new| def.same_value(new, current))
        {
            return Err(immutable(path));
        }
        if def.is_complex()
            && !def.multi_valued
            && let (Some(Value::Object(old)), Some(Value::Object(new))) = (current, new)
        {
            for sub in &def.sub_attributes {
                let (a, b) = (old.get(&sub.name), new.get(&sub.name));
                if a.filter(|v| has_value(v)) == b.filter(|v| has_value(v)) {
                    continue;
                }
                match sub.mutability {
                    Mutability::ReadOnly => return Err(read_only(&format!("{path}.{}", sub.name))),
                    Mutability::Immutable if a.is_some_and(has_value) => {
                        return Err(immutable(&format!("{path}.{}", sub.name)));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn check_required(
        &self,
        def: &AttributeDef,
        new: Option<&Value>,
        path: &str,
    ) -> Result<(), ScimError> {
        if def.required && !new.is_some_and(has_value) {
            return Err(ScimError::mutability(format!(
                "{path} is required and cannot be removed (RFC 7644 §3.5.2.2)"
            )));
        }
        if let Some(Value::Object(object)) = new {
            for sub in def.sub_attributes.iter().filter(|s| s.required) {
                if !object.get(&sub.name).is_some_and(has_value) {
                    return Err(ScimError::mutability(format!(
                        "{path}.{} is required and cannot be removed (RFC 7644 §3.5.2.2)",
                        sub.name
                    )));
                }
            }
        }
        Ok(())
    }

    fn dirty(&mut self, dirty: Dirty) {
        if !self.dirty.contains(&dirty) {
            self.dirty.push(dirty);
        }
    }

    /// Validates what the last operation changed against the schema (types, `primary`,
    /// required sub-attributes): the touched attributes, or only the values appended, moved
    /// (not copied) into a small probe resource with the required attributes.
    fn validate_dirty(&mut self, res: &mut Res) -> Result<(), ScimError> {
        if self.dirty.is_empty() {
            return Ok(());
        }
        let mut whole: Vec<String> = Vec::new();
        let mut tails: Vec<(String, usize)> = Vec::new();
        for d in &self.dirty {
            match d {
                Dirty::Whole(slot) => {
                    let key = slot.ext.clone().unwrap_or_else(|| slot.key.clone());
                    if !whole.contains(&key) {
                        whole.push(key);
                    }
                }
                Dirty::Tail(slot, n) => tails.push((slot.key.clone(), *n)),
            }
        }
        tails.retain(|(key, _)| !whole.contains(key));
        let Some(base) = self.registry.base_schema(self.resource_type) else {
            return Ok(());
        };
        for def in base.attributes.iter().filter(|d| d.required) {
            if !whole.contains(&def.name) && !tails.iter().any(|(k, _)| *k == def.name) {
                whole.push(def.name.clone());
            }
        }
        let mut probe = Map::new();
        let mut schemas = vec![Value::String(self.resource_type.schema.clone())];
        let mut moved = Vec::new();
        for key in &whole {
            if let Some(v) = res.get_mut(key) {
                probe.insert(key.clone(), v.take());
                moved.push(key.clone());
                if key.starts_with("urn:") {
                    schemas.push(Value::String(key.clone()));
                }
            }
        }
        let mut split = Vec::new();
        for (key, n) in &tails {
            if let Some(Value::Array(items)) = res.get_mut(key) {
                let at = items.len().saturating_sub(*n);
                probe.insert(key.clone(), Value::Array(items.split_off(at)));
                split.push(key.clone());
            }
        }
        // A request that wrote `schemas` has it checked as written (RFC 7643 §3); otherwise
        // the probe lists the base schema and the extensions it holds.
        if !probe.contains_key("schemas") {
            probe.insert("schemas".into(), Value::Array(schemas));
        }
        let mut probe = Value::Object(probe);
        let result = validate(
            self.registry,
            self.resource_type,
            &mut probe,
            Operation::Response,
            &self.options.compat,
        );
        let Value::Object(mut probe) = probe else {
            return result;
        };
        for key in moved {
            if let (Some(slot), Some(v)) = (res.get_mut(&key), probe.remove(&key)) {
                *slot = v;
            }
        }
        for key in split {
            if let (Some(Value::Array(items)), Some(Value::Array(tail))) =
                (res.get_mut(&key), probe.remove(&key))
            {
                items.extend(tail);
            }
        }
        result
    }

    /// The request's [`Outcome`]: the journal's net changes; an extension object's changes
    /// are those of its attributes.
    pub(crate) fn outcome(self, res: &Res) -> Outcome {
        let extensions = &self.resource_type.schema_extensions;
        self.journal
            .outcome(res, |key| extensions.iter().any(|e| e.schema == key))
    }

    /// After the last operation: extension objects left empty are dropped, and `schemas` lists
    /// exactly the touched extensions that hold data (RFC 7644 §3.5.2: adding an extension
    /// attribute implicitly adds its URN).
    pub(crate) fn tidy(&mut self, res: &mut Res) {
        let schemas_slot = Slot::root("schemas");
        let extensions = self.journal.touched_extensions_and_containers();
        for urn in extensions {
            if !self
                .resource_type
                .schema_extensions
                .iter()
                .any(|e| e.schema == urn)
            {
                continue;
            }
            let slot = Slot::root(urn.clone());
            let holds = slot.get(res).is_some_and(has_value);
            if !holds && slot.get(res).is_some() {
                self.journal.touch(res, &slot, None);
                self.journal.set(res, &slot, None);
            }
            let listed = res
                .get("schemas")
                .and_then(Value::as_array)
                .is_some_and(|s| {
                    s.iter()
                        .any(|u| u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(&urn)))
                });
            if holds != listed {
                self.journal.touch(res, &schemas_slot, None);
                let mut uris = res
                    .get("schemas")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if holds {
                    uris.push(Value::String(urn.clone()));
                } else {
                    uris.retain(|u| !u.as_str().is_some_and(|u| u.eq_ignore_ascii_case(&urn)));
                }
                self.journal
                    .set(res, &schemas_slot, Some(Value::Array(uris)));
            }
        }
    }
}

/// What every write and removal needs of its target attribute: the definition, the slot that
/// holds it and its canonical path. A readOnly attribute (`id`, `meta`, `groups`) goes no
/// further: `mutability` (RFC 7643 §2.2, RFC 7644 §3.5.2).
fn writable<'d>(
    attr: &ResolvedAttribute<'d>,
) -> Result<(&'d AttributeDef, Slot, String), ScimError> {
    let path = attr.canonical_path();
    if attr.attribute.mutability == Mutability::ReadOnly {
        return Err(read_only(&path));
    }
    Ok((attr.attribute, slot_of(attr), path))
}

/// Sets (or with `None` removes) one sub-attribute of a complex value, checking readOnly.
fn set_sub(
    object: &mut Map<String, Value>,
    sub: &AttributeDef,
    value: Option<Value>,
    path: &str,
) -> Result<(), ScimError> {
    let current = object.get(&sub.name);
    if sub.mutability == Mutability::ReadOnly && current != value.as_ref() {
        return Err(read_only(&format!("{path}.{}", sub.name)));
    }
    match value {
        Some(v) => {
            object.insert(sub.name.clone(), v);
        }
        None => {
            object.shift_remove(&sub.name);
        }
    }
    Ok(())
}

/// A single-valued reference (a complex attribute with a `value` sub-attribute, such as the
/// enterprise `manager`, RFC 7643 §4.3) whose `value` changed or went: its readOnly
/// sub-attributes (`manager.displayName`) were derived by the service provider from the
/// previous reference and no longer describe it, so they are removed rather than left stale.
fn drop_stale_derived(
    def: &AttributeDef,
    before: &Map<String, Value>,
    after: &mut Map<String, Value>,
) {
    if def.sub_attribute("value").is_none() || before.get("value") == after.get("value") {
        return;
    }
    for sub in &def.sub_attributes {
        if sub.mutability == Mutability::ReadOnly {
            after.shift_remove(&sub.name);
        }
    }
}

/// The positions of the values of the array in `slot` that the filter matches; `None` when
/// the slot holds no array.
fn matching(res: &Res, slot: &Slot, f: &Filtered<'_>) -> Option<Vec<usize>> {
    match slot.get(res) {
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .filter(|(_, v)| f.matcher.matches(v))
                .map(|(i, _)| i)
                .collect(),
        ),
        _ => None,
    }
}

fn is_primary(value: &Value) -> bool {
    value.get("primary") == Some(&Value::Bool(true))
}

fn read_only(path: &str) -> ScimError {
    ScimError::mutability(format!(
        "{path} is readOnly and cannot be modified (RFC 7644 §3.5.2)"
    ))
}

fn immutable(path: &str) -> ScimError {
    ScimError::mutability(format!(
        "{path} is immutable and already has a value (RFC 7644 §3.5.2)"
    ))
}

fn not_object(path: &str) -> ScimError {
    ScimError::invalid_value(format!(
        "{path}: the value of a filtered path without sub-attribute must be an object of sub-attributes (RFC 7644 §3.5.2)"
    ))
}
