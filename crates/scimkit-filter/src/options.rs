//! [`FilterOptions`]: limits, compatibility flags and the evaluator's policies, in one value.

/// Default [`FilterOptions::max_depth`].
pub const DEFAULT_MAX_DEPTH: usize = 64;
/// Default [`FilterOptions::max_terms`].
pub const DEFAULT_MAX_TERMS: usize = 10_000;
/// Default [`FilterOptions::max_len`]: 1 MiB.
pub const DEFAULT_MAX_LEN: usize = 1 << 20;
/// The largest depth honoured whatever [`FilterOptions::max_depth`] says, so that the
/// recursive walks over a parsed tree (compiling, evaluating, printing, comparing, dropping)
/// stay well inside a thread's stack: a tree this deep compiles and evaluates on a 2 MiB
/// thread even in an unoptimised build, with room to spare (tested).
pub const MAX_DEPTH_CEILING: usize = 256;

/// What evaluation ([`Matcher`](crate::Matcher), [`ValueMatcher`](crate::ValueMatcher)) and
/// sorting ([`Sorter`](crate::Sorter)) do with an attribute the schema does not define.
/// Parsing never needs a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum UnknownAttribute {
    /// Treat it as an attribute with no value (RFC 7644 §3.4.2.1's rule for attributes that a
    /// resource type in a multi-type query lacks): `pr`, `eq`, ... are false, `eq null` is true,
    /// `not (...)` inverts as usual; a sort key on it is missing for every resource. The default.
    #[default]
    NoValue,
    /// Refuse the filter with 400 `invalidFilter` (sort: `invalidValue`) naming the attribute
    /// (RFC 7644 §3.12 Table 9, "the specified attribute and filter comparison combination is
    /// not supported").
    Error,
}

/// Everything that tunes parsing and evaluation, chosen once (e.g. per tenant) and passed
/// explicitly. Entry points: [`parse_filter`](Self::parse_filter),
/// [`parse_patch_path`](Self::parse_patch_path), [`parse_attr_path`](Self::parse_attr_path),
/// [`parse_attr_path_list`](Self::parse_attr_path_list), [`compile_filter`](Self::compile_filter)
/// and [`compile_sort`](Self::compile_sort); [`Matcher::compile`](crate::Matcher::compile),
/// [`ValueMatcher::compile`](crate::ValueMatcher::compile) and
/// [`Sorter::compile`](crate::Sorter::compile) take it too.
///
/// Two presets: [`FilterOptions::strict`] (the [`Default`]: the RFC 7644 grammar only) and
/// [`FilterOptions::lenient`] (adds the compatibility forms real identity providers send).
/// Every limit is checked while parsing, in time linear in the input, and exceeding one is an
/// error ([`ErrorKind`](crate::ErrorKind)) that names it.
///
/// ```
/// use scimkit_filter::FilterOptions;
///
/// let strict = FilterOptions::strict();
/// assert!(strict.parse_filter(r#"emails[type eq "work"].value eq "a@example.com""#).is_err());
///
/// let lenient = FilterOptions::lenient();
/// let f = lenient.parse_filter(r#"emails[type eq "work"].value eq "a@example.com""#)?;
/// assert_eq!(f.to_string(), r#"emails[type eq "work" and value eq "a@example.com"]"#);
///
/// let tight = FilterOptions { max_depth: 2, ..FilterOptions::strict() };
/// assert!(tight.parse_filter("((( a pr )))").is_err());
/// # Ok::<(), scimkit_filter::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FilterOptions {
    /// Maximum nesting of `( )`, `not ( )` and `[ ]` (default [`DEFAULT_MAX_DEPTH`] = 64;
    /// values above [`MAX_DEPTH_CEILING`] act as the ceiling). `userName eq "a"` has depth 0,
    /// `not (userName eq "a")` depth 1.
    pub max_depth: usize,
    /// Maximum number of attribute expressions (`attrExp`) in one filter, counting those inside
    /// `[ ]` (default [`DEFAULT_MAX_TERMS`] = 10,000, enough for a 10,000-id bulk lookup).
    pub max_terms: usize,
    /// Maximum input length in bytes (default [`DEFAULT_MAX_LEN`] = 1 MiB), checked before
    /// anything else.
    pub max_len: usize,
    /// Entra ID compatibility: accept the non-RFC filter `attr[valFilter].subAttr op value`
    /// (e.g. `emails[type eq "work"].value eq "x"`, sent by Microsoft Entra ID's SCIM
    /// validator), meaning "some value of `attr` satisfies `valFilter` and has `subAttr op
    /// value`". It parses to the RFC form `emails[type eq "work" and value eq "x"]`, so
    /// consumers of the AST never see the dialect. Off in `strict`, on in `lenient`.
    pub entra_value_path_sub_attr: bool,
    /// Entra ID compatibility: a boolean attribute compared with the string `"True"` or
    /// `"False"` (any case) compares with the boolean, as in `roles[primary eq "True"].value`,
    /// the path Microsoft Entra ID sends for app role assignments. Any other string stays
    /// `invalidFilter` (RFC 7644 §3.4.2.2 compares a boolean with `true` / `false`). Off in
    /// `strict`, on in `lenient`.
    pub string_booleans: bool,
    /// What the evaluator and sorter do with attributes the schema does not define (default
    /// [`UnknownAttribute::NoValue`] in both presets).
    pub unknown_attribute: UnknownAttribute,
}

impl Default for FilterOptions {
    fn default() -> Self {
        FilterOptions::strict()
    }
}

impl FilterOptions {
    /// The RFC 7644 grammar only (errata 4690/7322/7319 applied: grouping inside `[ ]`, no
    /// nested value paths, `not(` with or without a space), default limits, unknown attributes
    /// treated as having no value.
    pub fn strict() -> FilterOptions {
        FilterOptions {
            max_depth: DEFAULT_MAX_DEPTH,
            max_terms: DEFAULT_MAX_TERMS,
            max_len: DEFAULT_MAX_LEN,
            entra_value_path_sub_attr: false,
            string_booleans: false,
            unknown_attribute: UnknownAttribute::NoValue,
        }
    }

    /// [`strict`](Self::strict) plus every compatibility form:
    /// [`entra_value_path_sub_attr`](Self::entra_value_path_sub_attr) and
    /// [`string_booleans`](Self::string_booleans).
    pub fn lenient() -> FilterOptions {
        FilterOptions {
            entra_value_path_sub_attr: true,
            string_booleans: true,
            ..FilterOptions::strict()
        }
    }

    pub(crate) fn depth_limit(&self) -> usize {
        self.max_depth.min(MAX_DEPTH_CEILING)
    }
}
