//! [`PatchOptions`]: the named compatibility switches, limits, and the [`Preset`]s.

use std::fmt;
use std::str::FromStr;

use scimkit_filter::FilterOptions;
use scimkit_schema::{Compat, UnknownAttributes};

/// Default [`PatchOptions::max_operations`].
pub const DEFAULT_MAX_OPERATIONS: usize = 1_000;

/// How a PATCH request is interpreted: every deviation from RFC 7644 §3.5.2 that real identity
/// providers need, as a named switch, plus limits. Chosen once (per tenant) and passed to
/// [`apply`](crate::apply) explicitly.
///
/// | switch | accepts | sent by |
/// |---|---|---|
/// | [`op_case_insensitive`](Self::op_case_insensitive) | `"Add"`, `"Replace"`, `"Remove"` | Entra ID (both dialects) |
/// | [`compat`](Self::compat)`.string_booleans` | `"True"` / `"False"` for `boolean` attributes only | Entra ID without `aadOptscim062020` |
/// | [`compat`](Self::compat)`.manager_as_string` | enterprise `manager` as a bare id string (`""` = no manager) | Entra ID |
/// | [`pathless_attr_paths`](Self::pathless_attr_paths) | path-less value keys that are paths: `name.givenName`, `urn:...:User:employeeNumber`, `emails[type eq "work"].value` | Entra ID with `aadOptscim062020` |
/// | [`remove_value_list`](Self::remove_value_list) | `remove` with a `value` list removes only the listed values, matched on `value` | Entra ID without `aadOptscim062020` |
/// | [`create_on_filter_miss`](Self::create_on_filter_miss) | add / replace through an `eq` filter that matches nothing creates the element the filter describes (not through a filter on `value`, never a Group member) | Entra ID (`emails[type eq "work"].value`) |
/// | [`clear_with_empty`](Self::clear_with_empty) | add / replace with `""` or `null` clears the attribute | Entra ID (gallery validator) |
/// | [`empty_operations_noop`](Self::empty_operations_noop) | `"Operations": []` changes nothing | Entra ID, Okta |
/// | [`pathless_own_id`](Self::pathless_own_id) | a path-less value repeating the resource's own `id` | Okta (group rename) |
///
/// Presets ([`PatchOptions::preset`]):
///
/// | switch | `strict` | `entra` | `entra-legacy` | `okta` | `lenient` |
/// |---|---|---|---|---|---|
/// | `op_case_insensitive` | – | ✓ | ✓ | ✓ | ✓ |
/// | `compat.string_booleans` | – | – | ✓ | – | ✓ |
/// | `compat.manager_as_string` | – | ✓ | ✓ | – | ✓ |
/// | `pathless_attr_paths` | – | ✓ | – | – | ✓ |
/// | `remove_value_list` | – | – | ✓ | – | ✓ |
/// | `create_on_filter_miss` | – | ✓ | ✓ | – | ✓ |
/// | `clear_with_empty` | – | ✓ | ✓ | – | ✓ |
/// | `empty_operations_noop` | – | ✓ | ✓ | ✓ | ✓ |
/// | `pathless_own_id` | – | – | – | ✓ | ✓ |
/// | `compat.unknown_attributes` | reject | keep | keep | keep | keep |
/// | `compat.extra_schema_uris` | – | ✓ | ✓ | – | ✓ |
/// | `filter.entra_value_path_sub_attr` | – | ✓ | ✓ | – | ✓ |
///
/// Whatever the switches say, a request that names specific values (a filter, or a `value`
/// list on `remove`) never removes any other value: with `remove_value_list` off, `remove`
/// with a `value` is refused (400 `invalidValue`) rather than read as "remove everything".
///
/// ```
/// use scimkit_patch::{PatchOptions, Preset};
///
/// let strict = PatchOptions::preset(Preset::Strict);
/// assert!(!strict.op_case_insensitive && !strict.remove_value_list);
/// let legacy: Preset = "entra-legacy".parse().unwrap();
/// assert!(PatchOptions::preset(legacy).compat.string_booleans);
/// assert_eq!(PatchOptions::default(), PatchOptions::preset(Preset::Lenient));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchOptions {
    /// The body coercions shared with create and replace (RFC 7643 §2.3.2, §4.3), applied to
    /// each operation's `value` once its path is resolved: `string_booleans`,
    /// `manager_as_string`, `extra_schema_uris` and the unknown-attribute policy
    /// (`Reject` refuses unknown sub-attributes in values and unknown path-less keys with
    /// 400 `invalidPath`; `Keep` stores unknown path-less keys as sent when they are
    /// attribute names: a key that can never be one, such as `""` or `"a b"` (RFC 7643 §2.1
    /// `ATTRNAME`), is 400 `invalidValue` under every policy).
    pub compat: Compat,
    /// Parsing options for `path` (limits, and Entra's `attr[filter].sub op value` form inside
    /// filters).
    pub filter: FilterOptions,
    /// Accept `op` in any ASCII case (`"Replace"`). Off: only the RFC's lowercase spelling
    /// (RFC 7644 §3.5.2), anything else is 400 `invalidSyntax`.
    pub op_case_insensitive: bool,
    /// In a path-less `add` / `replace`, a key of `value` that is an attribute path rather than
    /// an attribute name (`"name.givenName"`, `"urn:...:enterprise:2.0:User:department"`, or
    /// a path with a value filter, `"emails[type eq \"work\"].value"`) is applied as if it
    /// were the operation's `path`, with the same rules (a filter matching nothing is
    /// `noTarget` unless [`create_on_filter_miss`](Self::create_on_filter_miss) creates the
    /// value). Off: such a key is 400 `invalidValue` (RFC 7644 §3.5.2.1 and §3.5.2.3 describe
    /// `value` as a set of attributes), never stored as an attribute of that name. Extension
    /// objects keyed by their URN (RFC 7643 §3.3) are always accepted.
    pub pathless_attr_paths: bool,
    /// `remove` with a `value` on a multi-valued attribute removes only the listed values,
    /// matched on their `value` sub-attribute (ignoring `display`, `$ref: null` and other
    /// keys); on a single-valued attribute it removes the value only if it equals the one
    /// given. Off: `remove` with a `value` is 400 `invalidValue` (RFC 7644 §3.5.2.2 defines
    /// none), never "remove all".
    pub remove_value_list: bool,
    /// `add` / `replace` through a filter made only of `eq` comparisons joined by `and`
    /// (`emails[type eq "work"].value`) that matches no value creates one, holding the `eq`
    /// values (never `primary`) plus the operation's value: the filter names a typed slot
    /// that is missing. Off: `replace` is 400 `noTarget` (RFC 7644 §3.5.2.3) and so is `add`
    /// (RFC-silent).
    ///
    /// Even with the switch, these stay 400 `noTarget`, because the filter does not describe
    /// a slot to fill:
    /// - a filter with an `eq` term on `value` (`members[value eq "u9"]`,
    ///   `emails[value eq "a@x"].primary`): it selects an existing value by its own value,
    ///   and one that is missing is missing;
    /// - an attribute whose values refer to other resources (it has a `$ref` sub-attribute:
    ///   Group `members`): members are added only by naming them, `add members [{"value":
    ///   "u9"}]`, so `add members[value eq "u9"]` and `members[type eq "User"].value` add
    ///   nothing;
    /// - a write that contradicts an `eq` term (`emails[type eq "home"].type` = `"other"`, or
    ///   a value object with `"type": "other"`): the new value would not match the filter
    ///   (equal per the sub-attribute's `caseExact` is no contradiction).
    pub create_on_filter_miss: bool,
    /// `add` / `replace` with `""` or `null` as the value of an attribute or sub-attribute
    /// unassigns it (RFC 7643 §2.5 for `null`; `""` is Entra's way). Off: `replace` with
    /// `null` still unassigns (RFC 7643 §2.5), `add` with `null` is 400 `invalidValue`, and
    /// `""` is an ordinary value (refused for non-string types).
    pub clear_with_empty: bool,
    /// A PatchOp with no operations succeeds and changes nothing. Off: 400 `invalidSyntax`
    /// (RFC 7644 §3.5.2: "one or more").
    pub empty_operations_noop: bool,
    /// A path-less `add` / `replace` whose value holds `id` equal to the resource's own `id`
    /// skips that key. Off: any `id` key is 400 `mutability` (readOnly, RFC 7643 §3.1). A
    /// different id is always 400 `mutability`.
    pub pathless_own_id: bool,
    /// Most operations accepted in one request (default [`DEFAULT_MAX_OPERATIONS`]); more is
    /// 413 with a detail naming the limit, as for bulk `maxOperations` (RFC 7644 §3.7.4).
    pub max_operations: usize,
}

impl Default for PatchOptions {
    /// [`Preset::Lenient`], the server's default.
    fn default() -> Self {
        PatchOptions::preset(Preset::Lenient)
    }
}

impl PatchOptions {
    /// The options of a preset (see the table on [`PatchOptions`]).
    pub fn preset(preset: Preset) -> PatchOptions {
        let strict = PatchOptions {
            compat: Compat::strict(),
            filter: FilterOptions::strict(),
            op_case_insensitive: false,
            pathless_attr_paths: false,
            remove_value_list: false,
            create_on_filter_miss: false,
            clear_with_empty: false,
            empty_operations_noop: false,
            pathless_own_id: false,
            max_operations: DEFAULT_MAX_OPERATIONS,
        };
        let entra_common = PatchOptions {
            compat: Compat {
                manager_as_string: true,
                extra_schema_uris: true,
                unknown_attributes: UnknownAttributes::Keep,
                ..Compat::rfc()
            },
            filter: FilterOptions::lenient(),
            op_case_insensitive: true,
            create_on_filter_miss: true,
            clear_with_empty: true,
            empty_operations_noop: true,
            ..strict.clone()
        };
        match preset {
            Preset::Strict => strict,
            Preset::Entra => PatchOptions {
                pathless_attr_paths: true,
                ..entra_common
            },
            Preset::EntraLegacy => PatchOptions {
                compat: Compat {
                    string_booleans: true,
                    ..entra_common.compat
                },
                remove_value_list: true,
                ..entra_common
            },
            Preset::Okta => PatchOptions {
                compat: Compat::rfc(),
                op_case_insensitive: true,
                empty_operations_noop: true,
                pathless_own_id: true,
                ..strict
            },
            Preset::Lenient => PatchOptions {
                compat: Compat::lenient(),
                filter: FilterOptions::lenient(),
                op_case_insensitive: true,
                pathless_attr_paths: true,
                remove_value_list: true,
                create_on_filter_miss: true,
                clear_with_empty: true,
                empty_operations_noop: true,
                pathless_own_id: true,
                max_operations: DEFAULT_MAX_OPERATIONS,
            },
        }
    }
}

/// A named set of [`PatchOptions`], spelled on the command line and in configuration as
/// `strict`, `entra`, `entra-legacy`, `okta`, `lenient` (ASCII case-insensitive when parsed).
///
/// - `strict`: RFC 7644 §3.5.2 only.
/// - `entra`: Microsoft Entra ID with `?aadOptscim062020` on the tenant URL (the newer, more
///   compliant dialect: lowercase ops, path-less replace with path keys, member removal by
///   filter).
/// - `entra-legacy`: Microsoft Entra ID without the flag (capitalised ops, `"False"`, member
///   removal by `value` list).
/// - `okta`: Okta (path-less `{"active": false}`, group rename repeating `id`).
/// - `lenient`: every switch that is unambiguous; the server's default.
///
/// ```
/// use scimkit_patch::Preset;
///
/// for preset in Preset::ALL {
///     assert_eq!(preset.to_string().parse::<Preset>(), Ok(preset));
/// }
/// assert!("entra_legacy".parse::<Preset>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// RFC 7644 only.
    Strict,
    /// Entra ID's `aadOptscim062020` dialect.
    Entra,
    /// Entra ID's default (older) dialect.
    EntraLegacy,
    /// Okta.
    Okta,
    /// Everything unambiguous (the default).
    #[default]
    Lenient,
}

impl Preset {
    /// Every preset, in the order above.
    pub const ALL: [Preset; 5] = [
        Preset::Strict,
        Preset::Entra,
        Preset::EntraLegacy,
        Preset::Okta,
        Preset::Lenient,
    ];

    /// The CLI spelling: `"strict"`, `"entra"`, `"entra-legacy"`, `"okta"`, `"lenient"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Strict => "strict",
            Preset::Entra => "entra",
            Preset::EntraLegacy => "entra-legacy",
            Preset::Okta => "okta",
            Preset::Lenient => "lenient",
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Preset::from_str`]: the text is none of the five spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPreset(pub String);

impl fmt::Display for UnknownPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown PATCH preset {:?}; expected strict, entra, entra-legacy, okta or lenient",
            self.0
        )
    }
}

impl std::error::Error for UnknownPreset {}

impl FromStr for Preset {
    type Err = UnknownPreset;

    fn from_str(text: &str) -> Result<Preset, UnknownPreset> {
        Preset::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownPreset(text.to_owned()))
    }
}

impl From<Preset> for PatchOptions {
    fn from(preset: Preset) -> PatchOptions {
        PatchOptions::preset(preset)
    }
}
