//! Rules against the stored resource (RFC 7644 §3.5.1, §3.5.2): immutable values keep their
//! value; a PATCH leaves readOnly attributes alone.

use serde_json::{Map, Value};

use super::{Checker, Operation};
use crate::attribute::{AttributeDef, Mutability};
use crate::error::ScimError;
use crate::layout::Layout;
use crate::location::Loc;
use crate::registry::SchemaRegistry;

impl Checker<'_> {
    /// Immutable and (for PATCH) readOnly rules against the stored resource.
    pub(super) fn against_prior(
        &self,
        layout: &Layout<'_>,
        object: &Map<String, Value>,
        prior: &Value,
    ) -> Result<(), ScimError> {
        let Some(prior) = prior.as_object() else {
            return Ok(());
        };
        let top = layout
            .base
            .attributes
            .iter()
            .chain(SchemaRegistry::common_attributes())
            .filter(|def| def.name != "meta");
        for def in top {
            self.compare(
                def,
                object.get(&def.name),
                prior.get(&def.name),
                &Loc::Attr(&Loc::Root, &def.name),
            )?;
        }
        for schema in &layout.extensions {
            let new = object.get(&schema.id).and_then(Value::as_object);
            let old = prior.get(&schema.id).and_then(Value::as_object);
            let loc = Loc::Extension(&schema.id);
            for def in &schema.attributes {
                self.compare(
                    def,
                    new.and_then(|o| o.get(&def.name)),
                    old.and_then(|o| o.get(&def.name)),
                    &Loc::Attr(&loc, &def.name),
                )?;
            }
        }
        Ok(())
    }

    fn compare(
        &self,
        def: &AttributeDef,
        new: Option<&Value>,
        old: Option<&Value>,
        loc: &Loc<'_>,
    ) -> Result<(), ScimError> {
        let patch = matches!(self.operation, Operation::PatchResult { .. });
        let new = new.filter(|v| has_value(v));
        let old = old.filter(|v| has_value(v));
        match def.mutability {
            Mutability::Immutable => {
                if let Some(old) = old {
                    let changed = match new {
                        Some(new) => !def.same_value(new, old),
                        None => patch,
                    };
                    if changed {
                        return Err(ScimError::mutability(format!(
                            "attribute {loc} is immutable and already has a value (RFC 7644 §3.5.1, §3.5.2)"
                        )));
                    }
                }
            }
            Mutability::ReadOnly if patch => {
                let changed = match (new, old) {
                    (Some(new), Some(old)) => !def.same_value(new, old),
                    (None, None) => false,
                    _ => true,
                };
                if changed {
                    return Err(ScimError::mutability(format!(
                        "attribute {loc} is readOnly and cannot be modified (RFC 7644 §3.5.2)"
                    )));
                }
            }
            _ => {}
        }
        if def.is_complex()
            && !def.multi_valued
            && let (Some(Value::Object(new)), Some(Value::Object(old))) = (new, old)
        {
            for sub in &def.sub_attributes {
                self.compare(
                    sub,
                    new.get(&sub.name),
                    old.get(&sub.name),
                    &Loc::Attr(loc, &sub.name),
                )?;
            }
        }
        Ok(())
    }
}

/// RFC 7643 §2.5: `null`, `[]` (and `{}`) are "no value".
fn has_value(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(object) => !object.is_empty(),
        _ => true,
    }
}
