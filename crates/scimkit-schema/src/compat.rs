//! Named compatibility options for real identity providers, and the unknown-attribute policy.

use crate::attr_ref::{AttrRef, is_attr_name};
use crate::error::ScimError;
use crate::location::Loc;

/// What to do with an attribute that no schema of the resource type defines.
///
/// Only for keys that could be attribute names: a key that never can (not an `ATTRNAME`,
/// RFC 7643 §2.1, e.g. `""`, `"a b"`, `"emails[type eq \"work\"].value"`; at the top level
/// not an attribute path in RFC 7644 §3.10 notation either) is refused with 400
/// `invalidSyntax` under every policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum UnknownAttributes {
    /// Keep it as sent (spelling and value untouched) and do not validate it. The default:
    /// nothing a client sends is lost.
    #[default]
    Keep,
    /// Refuse the request with 400 `invalidSyntax` naming the attribute.
    Reject,
}

/// Compatibility options for request bodies: which deviations from RFC 7643 a service accepts,
/// each named after what real identity providers send. Chosen per tenant and passed down
/// explicitly; the PATCH engine reuses the same value for operation values.
///
/// | option | accepts | sent by |
/// |---|---|---|
/// | [`string_booleans`](Compat::string_booleans) | `"True"`, `"false"`, ... for `boolean` attributes | Microsoft Entra ID (without `aadOptscim062020`) |
/// | [`manager_as_string`](Compat::manager_as_string) | enterprise `manager` as a bare id string | Microsoft Entra ID |
/// | [`extra_schema_uris`](Compat::extra_schema_uris) | unknown URIs in `schemas` | Microsoft Entra ID on group create |
///
/// Presets: [`Compat::strict`] (RFC only, unknown attributes refused),
/// [`Compat::rfc`] (RFC only, unknown attributes kept; the [`Default`]) and
/// [`Compat::lenient`] (every coercion on, unknown attributes kept).
///
/// ```
/// use scimkit_schema::{Compat, UnknownAttributes};
///
/// assert!(!Compat::strict().string_booleans);
/// assert_eq!(Compat::strict().unknown_attributes, UnknownAttributes::Reject);
/// assert!(Compat::lenient().manager_as_string);
/// assert_eq!(Compat::default(), Compat::rfc());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Compat {
    /// A JSON string `"true"` / `"false"` (ASCII case-insensitive, e.g. Entra's `"True"`,
    /// `"False"`) given for a `boolean` attribute or sub-attribute is read as the JSON boolean.
    /// Only for attributes whose schema type is `boolean`; any other string stays an
    /// `invalidValue` error (RFC 7643 §2.3.2 requires JSON `true` / `false`).
    pub string_booleans: bool,
    /// A bare JSON string given for the enterprise `manager` attribute (RFC 7643 §4.3, a
    /// complex attribute) is read as `{"value": <string>}`; the empty string `""` is read as
    /// `null`, i.e. "no manager" (RFC 7643 §2.5). Entra sends both.
    pub manager_as_string: bool,
    /// URIs in `schemas` that name no schema of the resource type are tolerated and kept as
    /// sent, instead of a 400 `invalidValue` (RFC 7643 §3 allows only the type's base schema
    /// and extensions). The base schema URN must still be present.
    pub extra_schema_uris: bool,
    /// What to do with attributes no schema defines (RFC-silent; see [`UnknownAttributes`]).
    pub unknown_attributes: UnknownAttributes,
}

impl Compat {
    /// RFC 7643 only: every coercion off and unknown attributes refused.
    pub const fn strict() -> Compat {
        Compat {
            string_booleans: false,
            manager_as_string: false,
            extra_schema_uris: false,
            unknown_attributes: UnknownAttributes::Reject,
        }
    }

    /// RFC 7643 only, but unknown attributes are kept rather than refused. The default.
    pub const fn rfc() -> Compat {
        Compat {
            string_booleans: false,
            manager_as_string: false,
            extra_schema_uris: false,
            unknown_attributes: UnknownAttributes::Keep,
        }
    }

    /// Every coercion on and unknown attributes kept: what Entra ID, Okta, OneLogin and
    /// JumpCloud need to provision out of the box.
    pub const fn lenient() -> Compat {
        Compat {
            string_booleans: true,
            manager_as_string: true,
            extra_schema_uris: true,
            unknown_attributes: UnknownAttributes::Keep,
        }
    }

    /// The rule for `key`, a member of `parent` (the resource, an extension object or a
    /// complex value) that no schema defines: refused if it can never be an attribute name,
    /// otherwise kept or refused per [`unknown_attributes`](Self::unknown_attributes).
    pub(crate) fn unknown_key(&self, parent: &Loc<'_>, key: &str) -> Result<(), ScimError> {
        let well_formed = match parent {
            Loc::Root => AttrRef::parse(key).is_ok(),
            _ => is_attr_name(key),
        };
        if !well_formed {
            let within = match parent {
                Loc::Root => String::new(),
                _ => format!(" in {parent}"),
            };
            return Err(ScimError::invalid_syntax(format!(
                "key {key:?}{within} is not an attribute name (RFC 7643 §2.1: ALPHA followed by \
                 ALPHA, DIGIT, \"-\", \"_\" or \"$\") and is never stored"
            )));
        }
        match self.unknown_attributes {
            UnknownAttributes::Keep => Ok(()),
            UnknownAttributes::Reject => Err(ScimError::invalid_syntax(format!(
                "attribute {} is not defined by the resource type's schemas (RFC 7643 §3)",
                Loc::Attr(parent, key)
            ))),
        }
    }
}
