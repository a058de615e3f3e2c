//! The undo log that makes a PATCH atomic (RFC 7644 §3.5.2: "if any operation fails, the
//! original resource MUST be restored"), and the per-attribute bookkeeping behind
//! [`Outcome`](crate::Outcome).
//!
//! Every mutation goes through [`Journal`]. Small attributes are snapshotted (cloned) the
//! first time a request touches them; multi-valued complex attributes (Group `members`) are
//! journaled element by element (appended count, removed elements with their positions,
//! overwritten elements), so neither applying nor undoing a change of k members copies the
//! other n. Undo replays the log backwards and restores key order too.

use serde_json::{Map, Value};

use crate::identity::Identity;
use crate::index::KeyMap;
use crate::outcome::{AttributeChange, Outcome};

/// Where a top-level attribute lives: at the resource's top level, or inside the extension
/// object keyed by `ext` (RFC 7643 §3.3). `key` is the canonical attribute name; with `ext`
/// `None` it may also be an extension URN (the extension object itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) ext: Option<String>,
    pub(crate) key: String,
}

impl Slot {
    pub(crate) fn root(key: impl Into<String>) -> Slot {
        Slot {
            ext: None,
            key: key.into(),
        }
    }

    /// The canonical path used in [`Outcome`].
    pub(crate) fn path(&self) -> String {
        match &self.ext {
            Some(urn) => format!("{urn}:{}", self.key),
            None => self.key.clone(),
        }
    }

    fn container<'m>(&self, resource: &'m Map<String, Value>) -> Option<&'m Map<String, Value>> {
        match &self.ext {
            None => Some(resource),
            Some(urn) => resource.get(urn).and_then(Value::as_object),
        }
    }

    fn container_mut<'m>(
        &self,
        resource: &'m mut Map<String, Value>,
    ) -> Option<&'m mut Map<String, Value>> {
        match &self.ext {
            None => Some(resource),
            Some(urn) => resource.get_mut(urn).and_then(Value::as_object_mut),
        }
    }

    pub(crate) fn get<'m>(&self, resource: &'m Map<String, Value>) -> Option<&'m Value> {
        self.container(resource)?.get(&self.key)
    }

    pub(crate) fn get_mut<'m>(
        &self,
        resource: &'m mut Map<String, Value>,
    ) -> Option<&'m mut Value> {
        self.container_mut(resource)?.get_mut(&self.key)
    }
}

/// One reversible step.
#[derive(Debug)]
enum Undo {
    /// The slot held `old` (`None`: was absent) before the request first touched it.
    Restore {
        slot: Slot,
        old: Option<(usize, Value)>,
    },
    /// Elements were appended to the array in `slot`; it had `len` before.
    Truncate { slot: Slot, len: usize },
    /// Elements were removed from the array in `slot`: (position before removal, element),
    /// ascending.
    Reinsert {
        slot: Slot,
        removed: Vec<(usize, Value)>,
    },
    /// The element at `index` of the array in `slot` was `old`.
    Element {
        slot: Slot,
        index: usize,
        old: Value,
    },
}

/// How a touched slot is tracked for undo and for the outcome.
#[derive(Debug)]
enum Tracking {
    /// Cloned at first touch (everything but multi-valued complex attributes).
    Snapshot(Option<Value>),
    /// Multi-valued complex: element-level log; values added / removed so far.
    Elements {
        identity: Identity,
        added: Vec<Value>,
        removed: Vec<Value>,
        modified: bool,
    },
}

#[derive(Debug)]
struct Touched {
    slot: Slot,
    tracking: Tracking,
}

/// The log of one `apply` call.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    undo: Vec<Undo>,
    touched: Vec<Touched>,
}

fn position(map: &Map<String, Value>, key: &str) -> Option<usize> {
    map.keys().position(|k| k == key)
}

impl Journal {
    fn touched_index(&self, slot: &Slot) -> Option<usize> {
        self.touched.iter().position(|t| &t.slot == slot)
    }

    /// Starts tracking `slot` before its first change. `elements` is the identity rule for a
    /// multi-valued complex attribute (element-level journal), `None` for a snapshot.
    pub(crate) fn touch(
        &mut self,
        resource: &Map<String, Value>,
        slot: &Slot,
        elements: Option<Identity>,
    ) {
        if self.touched_index(slot).is_some() {
            return;
        }
        let tracking = match elements {
            None => {
                let old = slot.get(resource).cloned();
                let at = slot
                    .container(resource)
                    .and_then(|c| position(c, &slot.key));
                self.undo.push(Undo::Restore {
                    slot: slot.clone(),
                    old: at.zip(old.clone()),
                });
                Tracking::Snapshot(old)
            }
            Some(identity) => {
                if slot.get(resource).is_none() {
                    self.undo.push(Undo::Restore {
                        slot: slot.clone(),
                        old: None,
                    });
                }
                Tracking::Elements {
                    identity,
                    added: Vec::new(),
                    removed: Vec::new(),
                    modified: false,
                }
            }
        };
        self.touched.push(Touched {
            slot: slot.clone(),
            tracking,
        });
    }

    fn elements_mut(
        &mut self,
        slot: &Slot,
    ) -> Option<(&mut Vec<Value>, &mut Vec<Value>, &mut bool)> {
        let i = self.touched_index(slot)?;
        match &mut self.touched[i].tracking {
            Tracking::Elements {
                added,
                removed,
                modified,
                ..
            } => Some((added, removed, modified)),
            Tracking::Snapshot(_) => None,
        }
    }

    /// Sets the slot's value (creating the extension object if needed), or removes it for
    /// `None`. The slot must have been touched. For element-journaled slots the old value is
    /// moved into the log, not cloned.
    pub(crate) fn set(
        &mut self,
        resource: &mut Map<String, Value>,
        slot: &Slot,
        value: Option<Value>,
    ) {
        if let Some(urn) = &slot.ext
            && value.is_some()
            && !resource.get(urn).is_some_and(Value::is_object)
        {
            let container = Slot::root(urn.clone());
            self.touch(resource, &container, None);
            resource.insert(urn.clone(), Value::Object(Map::new()));
        }
        let fine = self.elements_mut(slot).is_some();
        let Some(container) = slot.container_mut(resource) else {
            return;
        };
        let at = position(container, &slot.key);
        let old = match value {
            Some(v) => container.insert(slot.key.clone(), v),
            None => container.shift_remove(&slot.key),
        };
        if fine {
            let new = slot.get(resource);
            self.record_replacement(slot, old.as_ref().unwrap_or(&Value::Null), new);
            self.undo.push(Undo::Restore {
                slot: slot.clone(),
                old: at.zip(old),
            });
        }
    }

    fn record_replacement(&mut self, slot: &Slot, old: &Value, new: Option<&Value>) {
        let Some(i) = self.touched_index(slot) else {
            return;
        };
        let Tracking::Elements {
            identity,
            added,
            removed,
            modified,
        } = &mut self.touched[i].tracking
        else {
            return;
        };
        let empty = Vec::new();
        let old_items = old.as_array().unwrap_or(&empty);
        let new_items = new.and_then(Value::as_array).unwrap_or(&empty);
        let diff = diff_by_identity(*identity, old_items, new_items);
        added.extend(diff.added);
        removed.extend(diff.removed);
        *modified |= diff.modified;
    }

    /// Appends `items` to the array in `slot` (creating it). The slot must have been touched.
    pub(crate) fn append(
        &mut self,
        resource: &mut Map<String, Value>,
        slot: &Slot,
        items: Vec<Value>,
    ) {
        if items.is_empty() {
            return;
        }
        if !slot.get(resource).is_some_and(Value::is_array) {
            // Absent (or null): the Restore entry of `touch` (or the snapshot) covers it.
            if self.elements_mut(slot).is_some() && slot.get(resource).is_some() {
                self.set(resource, slot, Some(Value::Array(Vec::new())));
            } else {
                self.set_untracked(resource, slot, Value::Array(Vec::new()));
            }
        }
        if let Some((added, _, _)) = self.elements_mut(slot) {
            added.extend(items.iter().cloned());
        }
        let Some(Value::Array(array)) = slot.get_mut(resource) else {
            return;
        };
        let len = array.len();
        array.extend(items);
        if self.elements_mut(slot).is_some() {
            self.undo.push(Undo::Truncate {
                slot: slot.clone(),
                len,
            });
        }
    }

    /// Writes a value without outcome bookkeeping (the slot's Restore entry covers undo).
    fn set_untracked(&mut self, resource: &mut Map<String, Value>, slot: &Slot, value: Value) {
        if let Some(urn) = &slot.ext
            && !resource.get(urn).is_some_and(Value::is_object)
        {
            let container = Slot::root(urn.clone());
            self.touch(resource, &container, None);
            resource.insert(urn.clone(), Value::Object(Map::new()));
        }
        if let Some(container) = slot.container_mut(resource) {
            container.insert(slot.key.clone(), value);
        }
    }

    /// Removes the elements of the array in `slot` for which `remove` says so, in one pass
    /// that reads and one that moves. Returns how many were removed.
    pub(crate) fn remove_elements(
        &mut self,
        resource: &mut Map<String, Value>,
        slot: &Slot,
        remove: impl Fn(&Value) -> bool + Sync,
    ) -> usize {
        let fine = self.elements_mut(slot).is_some();
        let Some(Value::Array(array)) = slot.get_mut(resource) else {
            return 0;
        };
        // Two passes: a read-only one that finds the positions (nothing is written while the
        // stored values are read, which keeps that pass fast on 100,000 members), then one in
        // place from the first of them, in which the kept values shift down once. Nothing is
        // allocated or cloned but the positions and the removed values' record.
        let positions: Vec<usize> = crate::scan::positions(array, remove);
        let Some(&first) = positions.first() else {
            return 0;
        };
        let mut next = positions.iter().copied().peekable();
        let mut index = first;
        let removed_values: Vec<Value> = array
            .extract_if(first.., |_| {
                let hit = next.next_if_eq(&index).is_some();
                index += 1;
                hit
            })
            .collect();
        let removed: Vec<(usize, Value)> = positions.into_iter().zip(removed_values).collect();
        let count = removed.len();
        if fine {
            if let Some((_, out, _)) = self.elements_mut(slot) {
                out.extend(removed.iter().map(|(_, v)| v.clone()));
            }
            self.undo.push(Undo::Reinsert {
                slot: slot.clone(),
                removed,
            });
        }
        count
    }

    /// Replaces the element at `index` of the array in `slot`, if it differs.
    pub(crate) fn set_element(
        &mut self,
        resource: &mut Map<String, Value>,
        slot: &Slot,
        index: usize,
        value: Value,
    ) -> bool {
        let fine = self.elements_mut(slot).is_some();
        let Some(Value::Array(array)) = slot.get_mut(resource) else {
            return false;
        };
        let Some(element) = array.get_mut(index) else {
            return false;
        };
        if *element == value {
            return false;
        }
        let old = std::mem::replace(element, value);
        if fine {
            if let Some((_, _, modified)) = self.elements_mut(slot) {
                *modified = true;
            }
            self.undo.push(Undo::Element {
                slot: slot.clone(),
                index,
                old,
            });
        }
        true
    }

    /// Undoes everything, newest first: the resource is exactly as before (key order too).
    pub(crate) fn rollback(self, resource: &mut Map<String, Value>) {
        for step in self.undo.into_iter().rev() {
            match step {
                Undo::Restore { slot, old } => {
                    let Some(container) = slot.container_mut(resource) else {
                        continue;
                    };
                    container.shift_remove(&slot.key);
                    if let Some((at, old)) = old {
                        let at = at.min(container.len());
                        container.shift_insert(at, slot.key.clone(), old);
                    }
                }
                Undo::Truncate { slot, len } => {
                    if let Some(Value::Array(array)) = slot.get_mut(resource) {
                        array.truncate(len);
                    }
                }
                Undo::Reinsert { slot, removed } => {
                    if let Some(Value::Array(array)) = slot.get_mut(resource) {
                        let kept = std::mem::take(array);
                        let mut out = Vec::with_capacity(kept.len() + removed.len());
                        let mut kept = kept.into_iter();
                        for (at, value) in removed {
                            while out.len() < at {
                                match kept.next() {
                                    Some(v) => out.push(v),
                                    None => break,
                                }
                            }
                            out.push(value);
                        }
                        out.extend(kept);
                        *array = out;
                    }
                }
                Undo::Element { slot, index, old } => {
                    if let Some(Value::Array(array)) = slot.get_mut(resource)
                        && let Some(element) = array.get_mut(index)
                    {
                        *element = old;
                    }
                }
            }
        }
    }

    /// The extension URNs the request touched: attributes inside them, or the objects.
    pub(crate) fn touched_extensions_and_containers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in &self.touched {
            let urn = match &t.slot.ext {
                Some(urn) => urn,
                None if t.slot.key.starts_with("urn:") => &t.slot.key,
                None => continue,
            };
            if !out.contains(urn) {
                out.push(urn.clone());
            }
        }
        out
    }

    /// Net changes per touched attribute, comparing with the state before the request.
    /// `is_extension` says which top-level keys are the resource type's extension objects,
    /// whose attributes are reported one by one instead (any other key, `urn:` or not, is an
    /// attribute of its own).
    pub(crate) fn outcome(
        self,
        resource: &Map<String, Value>,
        is_extension: impl Fn(&str) -> bool,
    ) -> Outcome {
        let mut changes = Vec::new();
        for t in self.touched {
            if t.slot.ext.is_none() && is_extension(&t.slot.key) {
                continue;
            }
            let now = t.slot.get(resource);
            match t.tracking {
                Tracking::Snapshot(old) => {
                    let before = old.as_ref().filter(|v| has_value(v));
                    let after = now.filter(|v| has_value(v));
                    if before != after {
                        let (added, removed) = simple_delta(before, after);
                        changes.push(AttributeChange {
                            attribute: t.slot.path(),
                            added,
                            removed,
                        });
                    }
                }
                Tracking::Elements {
                    identity,
                    added,
                    removed,
                    modified,
                } => {
                    let diff = net(identity, added, removed);
                    if modified || !diff.added.is_empty() || !diff.removed.is_empty() {
                        changes.push(AttributeChange {
                            attribute: t.slot.path(),
                            added: diff.added,
                            removed: diff.removed,
                        });
                    }
                }
            }
        }
        Outcome { changes }
    }
}

/// RFC 7643 §2.5: `null`, `[]` and `{}` are "no value".
pub(crate) fn has_value(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(object) => !object.is_empty(),
        _ => true,
    }
}

/// For snapshot-tracked multi-valued attributes (e.g. `schemas`): elements added and removed.
fn simple_delta(before: Option<&Value>, after: Option<&Value>) -> (Vec<Value>, Vec<Value>) {
    let items = |v: Option<&Value>| v.and_then(Value::as_array).cloned();
    match (items(before), items(after)) {
        (None, None) => (Vec::new(), Vec::new()),
        (b, a) => {
            let b = b.unwrap_or_default();
            let a = a.unwrap_or_default();
            let added = a.iter().filter(|x| !b.contains(x)).cloned().collect();
            let removed = b.iter().filter(|x| !a.contains(x)).cloned().collect();
            (added, removed)
        }
    }
}

pub(crate) struct Diff {
    pub(crate) added: Vec<Value>,
    pub(crate) removed: Vec<Value>,
    pub(crate) modified: bool,
}

/// Set difference of two arrays by identity, in one pass over each (hash index).
pub(crate) fn diff_by_identity(identity: Identity, old: &[Value], new: &[Value]) -> Diff {
    let mut new_keys: KeyMap<'_, (usize, bool)> = KeyMap::default();
    new_keys.reserve(new.len());
    let mut added_loose = Vec::new();
    for (i, item) in new.iter().enumerate() {
        match identity.key(item) {
            Some(k) => {
                new_keys.entry(k).or_insert((i, false));
            }
            None => added_loose.push(item.clone()),
        }
    }
    let mut removed = Vec::new();
    let mut modified = false;
    for item in old {
        match identity.key(item).and_then(|k| new_keys.get_mut(&k)) {
            Some((i, seen)) => {
                *seen = true;
                if new[*i] != *item {
                    modified = true;
                }
            }
            None => removed.push(item.clone()),
        }
    }
    let mut added: Vec<(usize, Value)> = new_keys
        .into_values()
        .filter(|(_, seen)| !seen)
        .map(|(i, _)| (i, new[i].clone()))
        .collect();
    added.sort_by_key(|(i, _)| *i);
    let mut added: Vec<Value> = added.into_iter().map(|(_, v)| v).collect();
    added.extend(added_loose);
    Diff {
        added,
        removed,
        modified,
    }
}

/// Cancels values both added and removed (same identity, same content).
fn net(identity: Identity, added: Vec<Value>, removed: Vec<Value>) -> Diff {
    if added.is_empty() || removed.is_empty() {
        return Diff {
            added,
            removed,
            modified: false,
        };
    }
    let d = diff_by_identity(identity, &removed, &added);
    // `d.added`: added and never removed; `d.removed`: removed and not re-added.
    Diff {
        added: d.added,
        removed: d.removed,
        modified: d.modified,
    }
}
