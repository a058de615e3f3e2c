//! From a parsed [`Filter`] to a [`Node`] tree: attribute paths resolved once against the
//! schema (case-insensitive, URN-aware), comparison values checked against and converted to the
//! attribute's type, and every RFC-silent choice applied (see the crate docs' table).

use std::collections::HashSet;

use scimkit_schema::{
    AttributeDef, AttributeType, ResolveError, Resolved, ResourceType, SchemaRegistry, ScimError,
};

use super::compare::{fold, parse_date_time};
use super::lookup::Path;
use super::node::{Node, Test};
use crate::ast::{AttrExp, AttrPath, CompValue, CompareOp, Filter, ValuePath};
use crate::options::{FilterOptions, UnknownAttribute};

/// An or-chain of at least this many `eq` tests on one string attribute becomes a set lookup.
const SET_THRESHOLD: usize = 4;

/// The characteristics of a resolved leaf that evaluation needs.
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    pub(crate) kind: AttributeType,
    pub(crate) case_exact: bool,
    /// For a complex attribute: its `value` sub-attribute, if it has one.
    pub(crate) value_sub: Option<Box<Leaf>>,
    /// For a complex attribute: the `value` sub-attribute's canonical name.
    pub(crate) value_name: Option<Box<str>>,
}

impl Leaf {
    fn of(def: &AttributeDef) -> Leaf {
        let value = def
            .is_complex()
            .then(|| def.sub_attribute("value"))
            .flatten();
        Leaf {
            kind: def.kind,
            case_exact: def.case_exact,
            value_sub: value.map(|v| Box::new(Leaf::of(v))),
            value_name: value.map(|v| v.name.as_str().into()),
        }
    }
}

impl Leaf {
    /// What a comparison on this leaf compares: itself, or for a complex attribute named
    /// without a sub-attribute its `value` sub-attribute (RFC 7644 §3.4.2.2 example
    /// `emails co "example.com"`, RFC 7643 §2.4), in which case `path` is extended. `None` for
    /// a complex attribute that has no `value` sub-attribute.
    pub(crate) fn comparable(self, path: &mut Path) -> Option<Leaf> {
        if self.kind != AttributeType::Complex {
            return Some(self);
        }
        if path.sub.is_some() {
            return None;
        }
        let value = self.value_sub?;
        path.sub = self.value_name;
        Some(*value)
    }
}

/// Where names in a filter are resolved.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// The resource: names go through the registry.
    Resource,
    /// One value of a complex attribute (inside `[...]`): names are its sub-attributes.
    Element(&'a AttributeDef, &'a AttrPath),
}

/// Resolves paths against one resource type of one registry, under the given options.
pub(crate) struct Compiler<'r> {
    pub(crate) registry: &'r SchemaRegistry,
    pub(crate) resource_type: &'r ResourceType,
    pub(crate) options: &'r FilterOptions,
}

impl Compiler<'_> {
    /// Compiles a filter that applies to whole resources.
    pub(crate) fn filter(&self, filter: &Filter) -> Result<Node, ScimError> {
        self.node(filter, Scope::Resource)
    }

    /// Compiles the filter of `attr[filter]` for evaluation on one value of `attr`; also
    /// returns where `attr`'s values live. `None` for an unknown attribute under
    /// [`UnknownAttribute::NoValue`].
    pub(crate) fn value_filter(
        &self,
        attr: &AttrPath,
        filter: &Filter,
    ) -> Result<Option<(Path, Node)>, ScimError> {
        let Some((path, def)) = self.value_path_parent(attr)? else {
            return Ok(None);
        };
        let node = self.node(filter, Scope::Element(def, attr))?;
        Ok(Some((path, node)))
    }

    /// Resolves a resource-level attribute path (for `sortBy`). `None`: unknown, treated as
    /// no value.
    pub(crate) fn resolve_top(&self, attr: &AttrPath) -> Result<Option<(Path, Leaf)>, ScimError> {
        self.resolve(attr, Scope::Resource)
    }

    fn node(&self, filter: &Filter, scope: Scope<'_>) -> Result<Node, ScimError> {
        Ok(match filter {
            Filter::Attr(exp) => self.attr_exp(exp, scope)?,
            Filter::ValuePath(vp) => self.value_path(vp, scope)?,
            Filter::Not { filter, .. } => Node::Not(Box::new(self.node(filter, scope)?)),
            Filter::And(ops) => Node::And(
                ops.iter()
                    .map(|op| self.node(op, scope))
                    .collect::<Result<_, _>>()?,
            ),
            Filter::Or(ops) => or_node(
                ops.iter()
                    .map(|op| self.node(op, scope))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    fn value_path(&self, vp: &ValuePath, scope: Scope<'_>) -> Result<Node, ScimError> {
        if let Scope::Element(_, parent) = scope {
            return Err(ScimError::invalid_filter(format!(
                "value path {} cannot appear inside {parent}[...] (RFC 7644 §3.4.2.2, errata 4690)",
                vp.attr
            )));
        }
        Ok(match self.value_filter(&vp.attr, &vp.filter)? {
            Some((path, inner)) => Node::ValuePath(path, Box::new(inner)),
            None => Node::Const(false),
        })
    }

    /// The complex attribute of a value path, resolved.
    fn value_path_parent<'s>(
        &'s self,
        attr: &AttrPath,
    ) -> Result<Option<(Path, &'s AttributeDef)>, ScimError> {
        let resolved = match self.registry.resolve(self.resource_type, attr.attr_ref()) {
            Ok(resolved) => resolved,
            Err(err) => return self.unknown(err).map(|()| None),
        };
        match resolved {
            Resolved::Attribute(ra) if ra.sub_attribute.is_none() && ra.attribute.is_complex() => {
                let path = Path {
                    extension: ra.extension_key().map(Into::into),
                    attr: ra.attribute.name.as_str().into(),
                    sub: None,
                };
                Ok(Some((path, ra.attribute)))
            }
            _ => Err(ScimError::invalid_filter(format!(
                "{attr}[...]: a value path filters the values of a complex attribute, and {attr} \
                 is not one (RFC 7644 §3.4.2.2)"
            ))),
        }
    }

    /// Applies the unknown-attribute policy: `Ok(())` means "treat as no value".
    fn unknown(&self, err: ResolveError) -> Result<(), ScimError> {
        match self.options.unknown_attribute {
            UnknownAttribute::NoValue => Ok(()),
            UnknownAttribute::Error => Err(ScimError::invalid_filter(err.to_string())),
        }
    }

    /// Resolves an attribute path in a scope. `None`: unknown, to be treated as no value.
    fn resolve(
        &self,
        attr: &AttrPath,
        scope: Scope<'_>,
    ) -> Result<Option<(Path, Leaf)>, ScimError> {
        match scope {
            Scope::Element(parent, parent_path) => {
                if attr.urn.is_some() || attr.sub_attr.is_some() {
                    return Err(ScimError::invalid_filter(format!(
                        "inside {parent_path}[...], {attr} must name a sub-attribute of {} \
                         (RFC 7644 §3.4.2.2 valuePath)",
                        parent.name
                    )));
                }
                match parent.sub_attribute(&attr.name) {
                    Some(def) => Ok(Some((
                        Path {
                            extension: None,
                            attr: def.name.as_str().into(),
                            sub: None,
                        },
                        Leaf::of(def),
                    ))),
                    None => self
                        .unknown(ResolveError::UnknownSubAttribute {
                            attribute: parent.name.clone(),
                            sub_attr: attr.name.clone(),
                        })
                        .map(|()| None),
                }
            }
            Scope::Resource => {
                let resolved = match self.registry.resolve(self.resource_type, attr.attr_ref()) {
                    Ok(resolved) => resolved,
                    Err(err) => return self.unknown(err).map(|()| None),
                };
                Ok(Some(match resolved {
                    Resolved::Attribute(ra) => (
                        Path {
                            extension: ra.extension_key().map(Into::into),
                            attr: ra.attribute.name.as_str().into(),
                            sub: ra.sub_attribute.map(|s| s.name.as_str().into()),
                        },
                        Leaf::of(ra.leaf()),
                    ),
                    // A whole extension (`urn:...:enterprise:2.0:User pr`): a complex value
                    // under the extension's key.
                    Resolved::Extension(schema) => (
                        Path {
                            extension: None,
                            attr: schema.id.as_str().into(),
                            sub: None,
                        },
                        Leaf {
                            kind: AttributeType::Complex,
                            case_exact: false,
                            value_sub: None,
                            value_name: None,
                        },
                    ),
                }))
            }
        }
    }

    fn attr_exp(&self, exp: &AttrExp, scope: Scope<'_>) -> Result<Node, ScimError> {
        let Some((mut path, leaf)) = self.resolve(exp.path(), scope)? else {
            // No value: only `eq null` holds.
            return Ok(Node::Const(matches!(
                exp,
                AttrExp::Compare {
                    op: CompareOp::Eq,
                    value: CompValue::Null,
                    ..
                }
            )));
        };
        let (op, value) = match exp {
            AttrExp::Present { .. } => return Ok(Node::Test(path, Test::Present)),
            AttrExp::Compare { op, value, .. } => (*op, value),
        };
        if let CompValue::Null = value {
            // RFC-silent: `eq null` holds when the attribute has no value, `ne null` when it
            // has one (the same as `pr`); other operators cannot compare with null.
            return match op {
                CompareOp::Eq => Ok(Node::Test(path, Test::Absent)),
                CompareOp::Ne => Ok(Node::Test(path, Test::Present)),
                _ => Err(ScimError::invalid_filter(format!(
                    "{exp}: only eq and ne compare with null"
                ))),
            };
        }
        // A complex attribute without a sub-attribute compares its `value` sub-attribute
        // (RFC 7644 §3.4.2.2 example `emails co "example.com"`, RFC 7643 §2.4).
        let Some(leaf) = leaf.comparable(&mut path) else {
            return Err(ScimError::invalid_filter(format!(
                "{exp}: {} is complex; name one of its sub-attributes (RFC 7644 §3.4.2.2)",
                exp.path()
            )));
        };
        Ok(Node::Test(
            path,
            leaf_test(exp, op, value, &leaf, self.options.string_booleans)?,
        ))
    }
}

/// The test for `path op value` on an attribute of the leaf's type (RFC 7644 §3.4.2.2 Table 3,
/// RFC 7643 §2.3).
fn leaf_test(
    exp: &AttrExp,
    op: CompareOp,
    value: &CompValue,
    leaf: &Leaf,
    string_booleans: bool,
) -> Result<Test, ScimError> {
    let kind = leaf.kind;
    let refuse = |why: &str| {
        Err(ScimError::invalid_filter(format!(
            "{exp}: {why} (attribute type {}, RFC 7644 §3.4.2.2)",
            kind.as_str()
        )))
    };
    let mismatch = || {
        refuse(&format!(
            "a {} value cannot be compared with this attribute",
            value.type_name()
        ))
    };
    match kind {
        AttributeType::String | AttributeType::Reference | AttributeType::Binary => {
            let CompValue::String(s) = value else {
                return mismatch();
            };
            if kind == AttributeType::Binary && op != CompareOp::Eq && op != CompareOp::Ne {
                return refuse(&format!("{op} is not defined on binary attributes"));
            }
            let folded = !leaf.case_exact;
            let needle = if folded { fold(s) } else { s.clone() };
            Ok(Test::Str {
                op,
                needle: needle.into(),
                folded,
            })
        }
        AttributeType::Boolean => {
            let b = match value {
                CompValue::Bool(b) => *b,
                // FilterOptions::string_booleans (Entra ID's `primary eq "True"`).
                CompValue::String(s) if string_booleans && s.eq_ignore_ascii_case("true") => true,
                CompValue::String(s) if string_booleans && s.eq_ignore_ascii_case("false") => false,
                _ => return mismatch(),
            };
            if op != CompareOp::Eq && op != CompareOp::Ne {
                return refuse(&format!("{op} is not defined on boolean attributes"));
            }
            Ok(Test::Bool { op, value: b })
        }
        AttributeType::Integer | AttributeType::Decimal => {
            let CompValue::Number(n) = value else {
                return mismatch();
            };
            if op.is_substring() {
                return refuse(&format!("{op} is only defined on strings"));
            }
            Ok(Test::Num {
                op,
                number: n.clone(),
            })
        }
        AttributeType::DateTime => {
            let CompValue::String(s) = value else {
                return mismatch();
            };
            if op.is_substring() {
                return refuse(&format!("{op} is only defined on strings"));
            }
            match parse_date_time(s) {
                Some(instant) => Ok(Test::Time { op, instant }),
                None => refuse(&format!("{s:?} is not an xsd:dateTime (RFC 7643 §2.3.5)")),
            }
        }
        AttributeType::Complex => refuse("a complex attribute needs a sub-attribute"),
    }
}

/// An or-node, with a long chain of `eq` on one string attribute turned into a set lookup.
fn or_node(nodes: Vec<Node>) -> Node {
    if nodes.len() >= SET_THRESHOLD
        && let Some(Node::Test(first_path, Test::Str { folded, .. })) = nodes.first()
    {
        let folded = *folded;
        let same = nodes.iter().all(|n| {
            matches!(n, Node::Test(p, Test::Str { op: CompareOp::Eq, folded: f, .. })
                if p == first_path && *f == folded)
        });
        if same {
            let path = first_path.clone();
            let set: HashSet<Box<str>> = nodes
                .into_iter()
                .filter_map(|n| match n {
                    Node::Test(_, Test::Str { needle, .. }) => Some(needle),
                    _ => None,
                })
                .collect();
            return Node::StrIn(path, set, folded);
        }
    }
    Node::Or(nodes)
}
