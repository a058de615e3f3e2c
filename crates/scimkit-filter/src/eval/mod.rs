//! The schema-aware evaluator: compile a [`Filter`] once against a resource type, then test
//! many resources (`serde_json::Value` objects) with [`Matcher::matches`].
//!
//! The evaluation rules, including every choice the RFCs leave open, are listed in the crate
//! docs ("Evaluation rules").

mod compare;
mod compile;
mod lookup;
mod node;

pub(crate) use compare::{compare_numbers, fold, parse_date_time};
pub(crate) use compile::Compiler;
pub(crate) use lookup::{Path, get};

use scimkit_schema::{ResourceType, SchemaRegistry, ScimError};
use serde_json::Value;

use crate::ast::{AttrPath, Filter};
use crate::options::FilterOptions;
use node::Node;

/// A filter compiled for one resource type: attribute paths resolved to canonical keys,
/// comparison values converted to each attribute's type. Owns everything it needs (no borrow
/// of the registry), is `Send + Sync + Clone`, and evaluates with no allocation on ASCII data.
///
/// ```
/// use scimkit_filter::{parse_filter, FilterOptions, Matcher};
/// use scimkit_schema::SchemaRegistry;
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let filter = parse_filter(r#"userName eq "BJensen" and emails[type eq "work" and value co "@example.com"]"#)?;
/// let matcher = Matcher::compile(&filter, &registry, users, &FilterOptions::strict())?;
///
/// let user = json!({
///     "userName": "bjensen",
///     "emails": [{"type": "work", "value": "bjensen@example.com"}]
/// });
/// assert!(matcher.matches(&user)); // userName is caseExact=false (RFC 7643 §4.1.1)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Matcher {
    root: Node,
}

impl Matcher {
    /// Compiles `filter` for resources of `resource_type`.
    ///
    /// # Errors
    /// 400 `invalidFilter` when the filter cannot be evaluated on this resource type: an
    /// operator the attribute's type does not define (`gt` on a boolean or binary, `co` on a
    /// number), a value of the wrong type (`userName eq 5`), an unparseable dateTime value, a
    /// complex attribute compared without a sub-attribute (and without a `value`
    /// sub-attribute), a value path on a non-complex attribute, or, under
    /// [`UnknownAttribute::Error`](crate::UnknownAttribute::Error), an undefined attribute.
    pub fn compile(
        filter: &Filter,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        options: &FilterOptions,
    ) -> Result<Matcher, ScimError> {
        let compiler = Compiler {
            registry,
            resource_type,
            options,
        };
        Ok(Matcher {
            root: compiler.filter(filter)?,
        })
    }

    /// Whether `resource` (a JSON object) matches. Anything but an object matches nothing
    /// (except filters that hold on absence, like `not (x pr)`).
    pub fn matches(&self, resource: &Value) -> bool {
        self.root.eval(resource)
    }
}

/// The filter of a value path `attr[filter]` compiled to test single values of `attr`, for a
/// PATCH engine that must find which values of a multi-valued attribute a path such as
/// `members[value eq "2819c223"]` selects (RFC 7644 §3.5.2).
///
/// ```
/// use scimkit_filter::{parse_patch_path, FilterOptions, ValueMatcher};
/// use scimkit_schema::SchemaRegistry;
/// use serde_json::json;
///
/// let registry = SchemaRegistry::core();
/// let users = registry.resource_type("User").unwrap();
/// let path = parse_patch_path(r#"EMAILS[Type eq "WORK"].value"#)?;
/// let selector = ValueMatcher::compile(&path.attr, path.filter.as_ref().unwrap(), &registry,
///     users, &FilterOptions::strict())?;
/// let user = json!({"emails": [{"type": "home", "value": "a@x"}, {"type": "work", "value": "b@x"}]});
/// let selected: Vec<&serde_json::Value> = selector.select(&user).collect();
/// assert_eq!(selected, [&user["emails"][1]]);
/// assert!(!selector.matches(&user["emails"][0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ValueMatcher {
    /// Where the attribute's values live; `None` for an unknown attribute treated as having no
    /// value.
    path: Option<Path>,
    node: Node,
}

impl ValueMatcher {
    /// Compiles `filter` for values of the complex attribute `attr` of `resource_type`.
    ///
    /// # Errors
    /// 400 `invalidFilter` as for [`Matcher::compile`], and when `attr` is not a complex
    /// attribute or a name inside the filter is not one of its sub-attributes (per
    /// [`FilterOptions::unknown_attribute`]).
    pub fn compile(
        attr: &AttrPath,
        filter: &Filter,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
        options: &FilterOptions,
    ) -> Result<ValueMatcher, ScimError> {
        let compiler = Compiler {
            registry,
            resource_type,
            options,
        };
        Ok(match compiler.value_filter(attr, filter)? {
            Some((path, node)) => ValueMatcher {
                path: Some(path),
                node,
            },
            None => ValueMatcher {
                path: None,
                node: Node::Const(false),
            },
        })
    }

    /// Whether one value of the attribute (e.g. one element of `emails`) matches.
    pub fn matches(&self, value: &Value) -> bool {
        self.node.eval(value)
    }

    /// The values of the attribute in `resource` that match, in order (a single-valued complex
    /// attribute counts as one value).
    pub fn select<'v>(&'v self, resource: &'v Value) -> impl Iterator<Item = &'v Value> + 'v {
        let top = self.path.as_ref().and_then(|p| p.attribute(resource));
        let values: &[Value] = match top {
            Some(Value::Array(items)) => items,
            Some(single) => std::slice::from_ref(single),
            None => &[],
        };
        values.iter().filter(|v| self.matches(v))
    }
}

impl FilterOptions {
    /// Parses `text` as a filter and compiles it for `resource_type`: the one call a protocol
    /// handler needs for `filter=`.
    ///
    /// # Errors
    /// 400 `invalidFilter`, from parsing ([`ParseError`](crate::ParseError)) or compiling.
    pub fn compile_filter(
        &self,
        text: &str,
        registry: &SchemaRegistry,
        resource_type: &ResourceType,
    ) -> Result<Matcher, ScimError> {
        let filter = self.parse_filter(text)?;
        Matcher::compile(&filter, registry, resource_type, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_forms_are_send_sync_and_own_their_data() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Matcher>();
        check::<ValueMatcher>();
    }
}
