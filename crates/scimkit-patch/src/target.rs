//! What an operation acts on: a PATCH `path` (RFC 7644 §3.5.2 Figure 7) or a key of a
//! path-less value, parsed with scimkit-filter and resolved against the schema registry.

use scimkit_filter::{AttrExp, CompValue, CompareOp, Filter, PatchPath, ValueMatcher};
use scimkit_schema::{
    AttrRef, AttributeDef, AttributeType, ResolveError, Resolved, ResolvedAttribute, ResourceType,
    Schema, SchemaRegistry, ScimError, ScimType, UnknownAttributes,
};

use crate::journal::Slot;
use crate::options::PatchOptions;

/// A resolved operation target.
pub(crate) enum Target<'r> {
    /// An attribute, possibly with a sub-attribute (`name.givenName`), no filter.
    Attr(ResolvedAttribute<'r>),
    /// `attr[filter]` or `attr[filter].sub`: the values of a multi-valued complex attribute
    /// that match.
    Filtered(Box<Filtered<'r>>),
    /// A whole extension, named by its URN (RFC 7643 §3.3).
    Extension(&'r Schema),
    /// An attribute no schema defines, kept as sent under [`UnknownAttributes::Keep`]
    /// (a plain top-level name only).
    Unknown(String),
}

/// The parts of a filtered target.
pub(crate) struct Filtered<'r> {
    pub(crate) attr: ResolvedAttribute<'r>,
    pub(crate) filter: Filter,
    pub(crate) matcher: ValueMatcher,
    pub(crate) sub: Option<&'r AttributeDef>,
}

/// Where the attribute of a resolved reference lives.
pub(crate) fn slot_of(attr: &ResolvedAttribute<'_>) -> Slot {
    Slot {
        ext: attr.extension_key().map(str::to_owned),
        key: attr.attribute.name.clone(),
    }
}

fn invalid_path(err: ResolveError) -> ScimError {
    err.into_scim(ScimType::InvalidPath)
}

/// Parses and resolves an operation's `path`.
pub(crate) fn parse_target<'r>(
    text: &str,
    registry: &'r SchemaRegistry,
    resource_type: &ResourceType,
    options: &PatchOptions,
) -> Result<Target<'r>, ScimError> {
    let path: PatchPath = options.filter.parse_patch_path(text)?;
    let PatchPath {
        attr,
        filter,
        sub_attr,
        ..
    } = path;
    let Some(filter) = filter else {
        return match registry.resolve(resource_type, attr.attr_ref()) {
            Ok(Resolved::Attribute(resolved)) => Ok(Target::Attr(resolved)),
            Ok(Resolved::Extension(schema)) => Ok(Target::Extension(schema)),
            Err(err) => unknown_or(err, &attr.attr_ref(), options),
        };
    };
    if attr.sub_attr.is_some() {
        return Err(ScimError::invalid_path(format!(
            "{text:?}: a value filter applies to an attribute, not a sub-attribute (RFC 7644 §3.5.2 Figure 7)"
        )));
    }
    let resolved = match registry
        .resolve(resource_type, attr.attr_ref())
        .map_err(invalid_path)?
    {
        Resolved::Attribute(resolved) => resolved,
        Resolved::Extension(schema) => {
            return Err(ScimError::invalid_path(format!(
                "{text:?}: extension {:?} is not a multi-valued attribute",
                schema.id
            )));
        }
    };
    if !(resolved.attribute.multi_valued && resolved.attribute.is_complex()) {
        return Err(ScimError::invalid_path(format!(
            "{text:?}: a value filter needs a multi-valued complex attribute, and {} is not one (RFC 7644 §3.5.2)",
            resolved.canonical_path()
        )));
    }
    let sub = match &sub_attr {
        Some(name) => Some(resolved.attribute.sub_attribute(name).ok_or_else(|| {
            ScimError::invalid_path(format!(
                "{text:?}: attribute {} has no sub-attribute {name:?}",
                resolved.canonical_path()
            ))
        })?),
        None => None,
    };
    let matcher = ValueMatcher::compile(&attr, &filter, registry, resource_type, &options.filter)?;
    Ok(Target::Filtered(Box::new(Filtered {
        attr: resolved,
        filter,
        matcher,
        sub,
    })))
}

/// Resolves a key of a path-less `add` / `replace` value. Returns the target and whether the
/// key was an attribute *path* (dotted, URN-qualified, or with a value filter such as
/// `emails[type eq "work"].value`) rather than a name.
///
/// # Errors
/// 400 `invalidValue` when the key is neither an attribute name (RFC 7643 §2.1) nor a PATCH
/// path (RFC 7644 §3.5.2 Figure 7), whatever the unknown-attribute policy: such a key could
/// only be stored verbatim, as junk; errors of a filtered path as for an operation's `path`.
pub(crate) fn key_target<'r>(
    key: &str,
    registry: &'r SchemaRegistry,
    resource_type: &ResourceType,
    options: &PatchOptions,
) -> Result<(Target<'r>, bool), ScimError> {
    let reference = match AttrRef::parse(key) {
        Ok(r) => r,
        Err(_) => {
            let filtered = options
                .filter
                .parse_patch_path(key)
                .is_ok_and(|p| p.filter.is_some());
            if filtered {
                let target = parse_target(key, registry, resource_type, options)?;
                return Ok((target, true));
            }
            return Err(ScimError::invalid_value(format!(
                "{key:?} is not an attribute name (RFC 7643 §2.1) nor an attribute path"
            )));
        }
    };
    match registry.resolve(resource_type, reference) {
        Ok(Resolved::Extension(schema)) => Ok((Target::Extension(schema), false)),
        Ok(Resolved::Attribute(resolved)) => {
            let is_path = reference.urn.is_some() || reference.sub_attr.is_some();
            Ok((Target::Attr(resolved), is_path))
        }
        Err(err) => unknown_or(err, &reference, options).map(|t| (t, false)),
    }
}

fn unknown_or<'r>(
    err: ResolveError,
    reference: &AttrRef<'_>,
    options: &PatchOptions,
) -> Result<Target<'r>, ScimError> {
    let plain = reference.urn.is_none() && reference.sub_attr.is_none();
    if plain
        && options.compat.unknown_attributes == UnknownAttributes::Keep
        && matches!(err, ResolveError::UnknownAttribute { .. })
    {
        return Ok(Target::Unknown(reference.name.to_owned()));
    }
    Err(invalid_path(err))
}

/// For create-on-absent: the `(sub-attribute, value)` pairs of a filter made only of `eq`
/// comparisons on sub-attributes joined by `and` (`type eq "work"`), without `primary`.
/// `None` when the filter has any other shape.
pub(crate) fn eq_pairs(filter: &Filter, attr: &AttributeDef) -> Option<Vec<(String, CompValue)>> {
    let mut out = Vec::new();
    collect_eq(filter, attr, &mut out)?;
    Some(out)
}

fn collect_eq(
    filter: &Filter,
    attr: &AttributeDef,
    out: &mut Vec<(String, CompValue)>,
) -> Option<()> {
    match filter {
        Filter::And(ops) => {
            for op in ops {
                collect_eq(op, attr, out)?;
            }
            Some(())
        }
        Filter::Attr(AttrExp::Compare {
            path,
            op: CompareOp::Eq,
            value,
            ..
        }) if path.urn.is_none() => {
            // Inside `attr[...]` a name is a sub-attribute; `attr.sub` spells it in full.
            let name = match &path.sub_attr {
                Some(sub) if path.name.eq_ignore_ascii_case(&attr.name) => sub,
                Some(_) => return None,
                None => &path.name,
            };
            let def = attr.sub_attribute(name)?;
            if def.name != "primary" && !matches!(value, CompValue::Null) {
                out.push((def.name.clone(), value.clone()));
            }
            Some(())
        }
        _ => None,
    }
}

/// `value eq "a"`, or `value eq "a" or value eq "b" or ...`: the compared values (none
/// `null`). `None` for any other filter.
pub(crate) fn value_eq_terms(filter: &Filter) -> Option<Vec<&CompValue>> {
    fn one(f: &Filter) -> Option<&CompValue> {
        match f {
            Filter::Attr(AttrExp::Compare {
                path,
                op: CompareOp::Eq,
                value,
                ..
            }) if path.urn.is_none()
                && path.sub_attr.is_none()
                && path.name.eq_ignore_ascii_case("value")
                && !matches!(value, CompValue::Null) =>
            {
                Some(value)
            }
            _ => None,
        }
    }
    match filter {
        Filter::Or(operands) => operands.iter().map(one).collect(),
        single => one(single).map(|v| vec![v]),
    }
}

/// The strings of a [`value_eq_terms`] filter on an attribute whose `value` sub-attribute is a
/// plain string: then the filter selects exactly the values whose identity
/// ([`Identity`](crate::identity::Identity)) is one of these strings, both comparing per the
/// sub-attribute's `caseExact` with the same case folding. `None` otherwise (other types
/// compare by type, e.g. dateTime instants).
pub(crate) fn value_eq_strings<'f>(
    filter: &'f Filter,
    attr: &AttributeDef,
) -> Option<Vec<&'f str>> {
    let value = attr.sub_attribute("value")?;
    if !attr.is_complex() || value.kind != AttributeType::String {
        return None;
    }
    value_eq_terms(filter)?
        .into_iter()
        .map(|v| match v {
            CompValue::String(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}
