//! Attribute definitions and their characteristics (RFC 7643 §2.2, §2.3, §7).

use serde::{Deserialize, Serialize};

/// The data type of an attribute (RFC 7643 §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum AttributeType {
    /// A JSON string (RFC 7643 §2.3.1). The default when a schema says nothing (§2.2).
    #[default]
    String,
    /// JSON `true` / `false` (RFC 7643 §2.3.2).
    Boolean,
    /// A JSON number with a fraction (RFC 7643 §2.3.3).
    Decimal,
    /// A JSON number without fraction or exponent (RFC 7643 §2.3.4).
    Integer,
    /// An `xsd:dateTime` string such as `2008-01-23T04:56:22Z` (RFC 7643 §2.3.5).
    DateTime,
    /// Base64-encoded bytes as a string (RFC 7643 §2.3.6).
    Binary,
    /// A URI as a string (RFC 7643 §2.3.7).
    Reference,
    /// A JSON object of sub-attributes (RFC 7643 §2.3.8).
    Complex,
}

impl AttributeType {
    /// The type name as written in a Schema resource, e.g. `"dateTime"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Boolean => "boolean",
            AttributeType::Decimal => "decimal",
            AttributeType::Integer => "integer",
            AttributeType::DateTime => "dateTime",
            AttributeType::Binary => "binary",
            AttributeType::Reference => "reference",
            AttributeType::Complex => "complex",
        }
    }
}

/// When an attribute may be written (RFC 7643 §2.2 `mutability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    /// Set by the service provider only; client input is ignored (RFC 7644 §3.3, §3.5.1).
    ReadOnly,
    /// May be updated and read at any time. The default (RFC 7643 §2.2).
    #[default]
    ReadWrite,
    /// May be set once (when it has no value) and never changed afterwards.
    Immutable,
    /// May be written but is never returned (e.g. `password`).
    WriteOnly,
}

/// When an attribute is returned in a response (RFC 7643 §2.2 `returned`, RFC 7644 §3.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    /// Always returned, whatever `attributes` / `excludedAttributes` say (e.g. `id`).
    Always,
    /// Never returned (e.g. `password`).
    Never,
    /// Returned unless excluded. The default (RFC 7643 §2.2).
    #[default]
    Default,
    /// Returned only when named in `attributes`.
    Request,
}

/// How a value must be unique (RFC 7643 §2.2 `uniqueness`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    /// No uniqueness required. The default (RFC 7643 §2.2).
    #[default]
    None,
    /// Unique within the service provider (within one tenant, RFC 7644 §6.2).
    Server,
    /// Globally unique.
    Global,
}

/// One attribute (or sub-attribute) of a schema, as in a Schema resource's `attributes`
/// (RFC 7643 §7). Missing characteristics take the RFC 7643 §2.2 defaults.
///
/// Written as in RFC 7643 §8.7: a `complex` attribute carries no `caseExact` and no
/// `uniqueness` (RFC 7643 §2.3.8, errata C4).
///
/// `name` keeps the schema's spelling (`userName`); lookups by name are case-insensitive
/// (RFC 7643 §2.1) through [`AttributeDef::sub_attribute`] and the
/// [`SchemaRegistry`](crate::SchemaRegistry).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", into = "AttributeWire")]
pub struct AttributeDef {
    /// The attribute's name in the schema's spelling, e.g. `"userName"`.
    pub name: String,
    /// The data type (default `string`).
    #[serde(rename = "type", default)]
    pub kind: AttributeType,
    /// Whether the value is a JSON array (RFC 7643 §2.4).
    #[serde(default)]
    pub multi_valued: bool,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the attribute must have a value (default false).
    #[serde(default)]
    pub required: bool,
    /// Suggested values; a list, not an enforced enumeration (RFC 7643 §2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_values: Option<Vec<String>>,
    /// Whether string comparison is case-sensitive (default false). Meaningless for complex.
    #[serde(default)]
    pub case_exact: bool,
    /// Mutability (default `readWrite`).
    #[serde(default)]
    pub mutability: Mutability,
    /// Returned (default `default`).
    #[serde(default)]
    pub returned: Returned,
    /// Uniqueness (default `none`).
    #[serde(default)]
    pub uniqueness: Uniqueness,
    /// For `reference` attributes: allowed targets (`User`, `Group`, `external`, `uri`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_types: Option<Vec<String>>,
    /// For `complex` attributes: the sub-attributes (one level only, RFC 7643 §2.3.8).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<AttributeDef>,
}

/// The written form of an [`AttributeDef`]: `caseExact` and `uniqueness` left out for
/// complex attributes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AttributeWire {
    name: String,
    #[serde(rename = "type")]
    kind: AttributeType,
    multi_valued: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    canonical_values: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    case_exact: Option<bool>,
    mutability: Mutability,
    returned: Returned,
    #[serde(skip_serializing_if = "Option::is_none")]
    uniqueness: Option<Uniqueness>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sub_attributes: Vec<AttributeDef>,
}

impl From<AttributeDef> for AttributeWire {
    fn from(def: AttributeDef) -> Self {
        let simple = !def.is_complex();
        AttributeWire {
            name: def.name,
            kind: def.kind,
            multi_valued: def.multi_valued,
            description: def.description,
            required: def.required,
            canonical_values: def.canonical_values,
            case_exact: simple.then_some(def.case_exact),
            mutability: def.mutability,
            returned: def.returned,
            uniqueness: simple.then_some(def.uniqueness),
            reference_types: def.reference_types,
            sub_attributes: def.sub_attributes,
        }
    }
}

impl AttributeDef {
    /// A single-valued, optional, readWrite `string` attribute with every other characteristic
    /// at its RFC 7643 §2.2 default; adjust the public fields from there.
    pub fn new(name: impl Into<String>, kind: AttributeType) -> AttributeDef {
        AttributeDef {
            name: name.into(),
            kind,
            multi_valued: false,
            description: None,
            required: false,
            canonical_values: None,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            reference_types: None,
            sub_attributes: Vec::new(),
        }
    }

    /// Finds a sub-attribute by name, ASCII case-insensitively (RFC 7643 §2.1); the exact
    /// spelling is tried first, as canonical resources use it.
    pub fn sub_attribute(&self, name: &str) -> Option<&AttributeDef> {
        crate::layout::find(&self.sub_attributes, name)
    }

    /// Whether this is a `complex` attribute.
    pub fn is_complex(&self) -> bool {
        self.kind == AttributeType::Complex
    }

    /// Whether this multi-valued complex attribute lists other resources: it has a `$ref`
    /// sub-attribute (RFC 7643 §2.4), and each value names its resource by `value`, the
    /// resource's `id`. Group `members` (RFC 7643 §4.2) and User `groups` (§4.1.2) are.
    ///
    /// ```
    /// use scimkit_schema::{Resolved, SchemaRegistry};
    ///
    /// let registry = SchemaRegistry::core();
    /// let attr = |rt: &str, name: &str| match registry.resolve_str(registry.resource_type(rt).unwrap(), name) {
    ///     Ok(Resolved::Attribute(a)) => a.attribute.clone(),
    ///     _ => unreachable!(),
    /// };
    /// assert!(attr("Group", "members").refers_to_resources());
    /// assert!(!attr("User", "emails").refers_to_resources());
    /// ```
    pub fn refers_to_resources(&self) -> bool {
        self.multi_valued && self.is_complex() && self.sub_attribute("$ref").is_some()
    }

    /// Whether `a` and `b` are the same value of this attribute: strings compare per
    /// `caseExact` (RFC 7643 §2.2; case-insensitively when false), everything else as JSON.
    /// The comparison the immutability rules use (RFC 7644 §3.5.1, §3.5.2).
    ///
    /// ```
    /// use scimkit_schema::{AttributeDef, AttributeType};
    /// use serde_json::json;
    ///
    /// let mut display = AttributeDef::new("display", AttributeType::String);
    /// assert!(display.same_value(&json!("Ada"), &json!("ADA")));
    /// display.case_exact = true;
    /// assert!(!display.same_value(&json!("Ada"), &json!("ADA")));
    /// assert!(!display.same_value(&json!("1"), &json!(1)));
    /// ```
    pub fn same_value(&self, a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (a, b) {
            (Value::String(a), Value::String(b)) if !self.case_exact => {
                a.eq_ignore_ascii_case(b) || a.to_lowercase() == b.to_lowercase()
            }
            _ => a == b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7643 §2.2: characteristics a schema leaves out take their defaults.
    #[test]
    fn missing_characteristics_take_rfc7643_2_2_defaults() {
        let def: AttributeDef = serde_json::from_str(r#"{"name": "nickName"}"#).unwrap();
        assert_eq!(def, AttributeDef::new("nickName", AttributeType::String));
        assert!(!def.required && !def.case_exact && !def.multi_valued);
        assert_eq!(def.mutability, Mutability::ReadWrite);
        assert_eq!(def.returned, Returned::Default);
        assert_eq!(def.uniqueness, Uniqueness::None);
    }

    #[test]
    fn sub_attribute_lookup_is_case_insensitive() {
        let mut name = AttributeDef::new("name", AttributeType::Complex);
        name.sub_attributes
            .push(AttributeDef::new("givenName", AttributeType::String));
        assert_eq!(name.sub_attribute("GIVENNAME").unwrap().name, "givenName");
        assert!(name.sub_attribute("given").is_none());
    }

    #[test]
    fn unknown_type_is_an_error() {
        assert!(serde_json::from_str::<AttributeDef>(r#"{"name": "x", "type": "float"}"#).is_err());
    }
}
