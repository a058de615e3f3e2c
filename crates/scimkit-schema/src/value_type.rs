//! Type checks for one value of each SCIM data type (RFC 7643 §2.3).

use serde_json::Value;

use crate::attribute::AttributeType;

/// Whether `value` (not `null`, not an array) has the JSON shape and lexical form of `kind`.
/// On failure, returns what was expected, for the error detail.
pub(crate) fn check_type(kind: AttributeType, value: &Value) -> Result<(), &'static str> {
    let ok = match (kind, value) {
        (AttributeType::String, Value::String(_)) => true,
        (AttributeType::Boolean, Value::Bool(_)) => true,
        (AttributeType::Decimal, Value::Number(_)) => true,
        (AttributeType::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (AttributeType::DateTime, Value::String(s)) => is_date_time(s),
        (AttributeType::Binary, Value::String(s)) => is_base64(s),
        (AttributeType::Reference, Value::String(s)) => is_reference(s),
        (AttributeType::Complex, Value::Object(_)) => true,
        _ => false,
    };
    if ok { Ok(()) } else { Err(expected(kind)) }
}

fn expected(kind: AttributeType) -> &'static str {
    match kind {
        AttributeType::String => "a JSON string (RFC 7643 §2.3.1)",
        AttributeType::Boolean => "a JSON boolean true or false (RFC 7643 §2.3.2)",
        AttributeType::Decimal => "a JSON number (RFC 7643 §2.3.3)",
        AttributeType::Integer => "a JSON number without fraction or exponent (RFC 7643 §2.3.4)",
        AttributeType::DateTime => {
            "an xsd:dateTime string such as \"2008-01-23T04:56:22Z\" (RFC 7643 §2.3.5)"
        }
        AttributeType::Binary => "a base64 string (RFC 7643 §2.3.6)",
        AttributeType::Reference => "a URI string without spaces (RFC 7643 §2.3.7)",
        AttributeType::Complex => "a JSON object (RFC 7643 §2.3.8)",
    }
}

/// `xsd:dateTime` with date and time (RFC 7643 §2.3.5): RFC 3339 with an offset, or with no
/// offset at all (xsd makes the timezone optional). Parsed by chrono.
pub(crate) fn is_date_time(text: &str) -> bool {
    let has_t = text.as_bytes().get(10) == Some(&b'T');
    has_t
        && (chrono::DateTime::parse_from_rfc3339(text).is_ok()
            || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok())
}

/// Base64 (RFC 4648 §4) or base64url (§5) text, padding optional, line breaks allowed (the
/// RFC 7643 §8.2 certificate example wraps its lines). Checks the alphabet, not the bytes.
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches(['\n', '\r']);
    let unpadded = body.trim_end_matches('=');
    body.len() - unpadded.len() <= 2
        && unpadded.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_' | b'\n' | b'\r')
        })
}

/// A URI reference (RFC 7643 §2.3.7: absolute or relative): no whitespace or control
/// characters, which no URI holds unescaped (RFC 3986 §2).
fn is_reference(text: &str) -> bool {
    let ascii_clean = !text.bytes().any(|b| b <= b' ' || b == 0x7f);
    ascii_clean && (text.is_ascii() || !text.chars().any(|c| c.is_whitespace() || c.is_control()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7643 §2.3.5: dateTime needs date and time; offsets optional.
    #[test]
    fn rfc7643_2_3_5_date_time() {
        for ok in [
            "2008-01-23T04:56:22Z",
            "2008-01-23T04:56:22.123+02:00",
            "2008-01-23T04:56:22",
        ] {
            assert!(
                check_type(AttributeType::DateTime, &json!(ok)).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "2008-01-23",
            "2008-01-23 04:56:22Z",
            "yesterday",
            "2008-13-23T04:56:22Z",
            "",
        ] {
            assert!(
                check_type(AttributeType::DateTime, &json!(bad)).is_err(),
                "{bad}"
            );
        }
        assert!(check_type(AttributeType::DateTime, &json!(1_200_000_000)).is_err());
    }

    /// RFC 7643 §2.3.4: integers have no fraction or exponent; §2.3.3 decimals are numbers.
    #[test]
    fn rfc7643_2_3_3_and_2_3_4_numbers() {
        assert!(check_type(AttributeType::Integer, &json!(42)).is_ok());
        assert!(check_type(AttributeType::Integer, &json!(-42)).is_ok());
        assert!(check_type(AttributeType::Integer, &json!(4.2)).is_err());
        assert!(check_type(AttributeType::Integer, &json!("42")).is_err());
        assert!(check_type(AttributeType::Decimal, &json!(4.2)).is_ok());
        assert!(check_type(AttributeType::Decimal, &json!(4)).is_ok());
        assert!(check_type(AttributeType::Decimal, &json!("4.2")).is_err());
    }

    /// RFC 7643 §2.3.2: booleans are JSON literals, not strings.
    #[test]
    fn rfc7643_2_3_2_boolean() {
        assert!(check_type(AttributeType::Boolean, &json!(false)).is_ok());
        assert!(check_type(AttributeType::Boolean, &json!("false")).is_err());
        assert!(check_type(AttributeType::Boolean, &json!(0)).is_err());
    }

    /// RFC 7643 §2.3.6: base64 or base64url, padding optional.
    #[test]
    fn rfc7643_2_3_6_binary() {
        for ok in ["TWFu", "TWE=", "TWE", "ab-_", "MIID\nQzCC\n"] {
            assert!(
                check_type(AttributeType::Binary, &json!(ok)).is_ok(),
                "{ok}"
            );
        }
        for bad in ["not base64!", "TW===", "a=b"] {
            assert!(
                check_type(AttributeType::Binary, &json!(bad)).is_err(),
                "{bad}"
            );
        }
    }

    /// RFC 7643 §2.3.7 and §2.3.1, §2.3.8: references, strings, complex.
    #[test]
    fn rfc7643_2_3_7_reference_and_others() {
        assert!(
            check_type(
                AttributeType::Reference,
                &json!("https://example.com/v2/Users/1")
            )
            .is_ok()
        );
        assert!(check_type(AttributeType::Reference, &json!("Users/1")).is_ok());
        assert!(check_type(AttributeType::Reference, &json!("not a uri")).is_err());
        assert!(check_type(AttributeType::String, &json!(1)).is_err());
        assert!(check_type(AttributeType::Complex, &json!("x")).is_err());
        assert!(check_type(AttributeType::Complex, &json!({})).is_ok());
    }
}
