//! `${name}` placeholders and their modifiers.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Duration, FixedOffset, NaiveDateTime, TimeZone};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;
use serde_json::{Map, Value};

/// A placeholder names a variable that was never set, or uses a modifier wrongly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// The variable was never set.
    Variable(String),
    /// The modifier cannot use the value (or is unknown).
    Modifier(String),
}

fn placeholder() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\|([a-z]+)(?:\(([^()}]*)\))?)?\}")
            .expect("placeholder pattern")
    })
}

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const URL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn parse_offset(text: &str) -> Result<i32, Unresolved> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("z") {
        return Ok(0);
    }
    let bad = || Unresolved::Modifier(format!("bad UTC offset {text:?}"));
    let sign = match text.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(bad()),
    };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad())?;
    let minutes: i32 = digits[2..].parse().map_err(|_| bad())?;
    Ok(sign * (hours * 60 + minutes))
}

/// `|dt(SHIFT,OFFSET)`: the local time `YYYY-MM-DDTHH:MM:SS` of `value + SHIFT s` at OFFSET.
fn shift_date_time(value: &str, arg: Option<&str>) -> Result<String, Unresolved> {
    let (shift, offset) = arg
        .and_then(|a| a.split_once(','))
        .ok_or_else(|| Unresolved::Modifier("|dt needs (SHIFT_SECONDS,OFFSET)".into()))?;
    let shift: i64 = shift
        .trim()
        .parse()
        .map_err(|_| Unresolved::Modifier(format!("|dt shift {shift:?} is not an integer")))?;
    let target = parse_offset(offset)?;
    static DT: OnceLock<Regex> = OnceLock::new();
    let re = DT.get_or_init(|| {
        Regex::new(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$")
            .expect("dateTime pattern")
    });
    let caps = re
        .captures(value.trim())
        .ok_or_else(|| Unresolved::Modifier(format!("{value:?} is not an xsd:dateTime")))?;
    let base =
        NaiveDateTime::parse_from_str(&format!("{}T{}", &caps[1], &caps[2]), "%Y-%m-%dT%H:%M:%S")
            .map_err(|_| Unresolved::Modifier(format!("{value:?} is not an xsd:dateTime")))?;
    let source = parse_offset(caps.get(4).map_or("Z", |m| m.as_str()))?;
    let instant = base - Duration::minutes(i64::from(source)) + Duration::seconds(shift);
    let zone = FixedOffset::east_opt(target * 60)
        .ok_or_else(|| Unresolved::Modifier("offset out of range".into()))?;
    Ok(zone
        .from_utc_datetime(&instant)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string())
}

fn modify(value: &str, modifier: Option<&str>, arg: Option<&str>) -> Result<String, Unresolved> {
    match modifier {
        None => Ok(value.to_owned()),
        Some("upper") => Ok(value.to_uppercase()),
        Some("lower") => Ok(value.to_lowercase()),
        Some("url") => Ok(utf8_percent_encode(value, URL).to_string()),
        Some("dt") => shift_date_time(value, arg),
        Some(other) => Err(Unresolved::Modifier(format!("unknown modifier |{other}"))),
    }
}

fn substitute_str(text: &str, vars: &HashMap<String, String>) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in placeholder().captures_iter(text) {
        let whole = caps.get(0).expect("match");
        out.push_str(&text[last..whole.start()]);
        let name = &caps[1];
        let value = vars
            .get(name)
            .ok_or_else(|| Unresolved::Variable(name.to_owned()))?;
        out.push_str(&modify(
            value,
            caps.get(2).map(|m| m.as_str()),
            caps.get(3).map(|m| m.as_str()),
        )?);
        last = whole.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// Replaces every placeholder in every string of `value`, keys included.
///
/// # Errors
/// [`Unresolved`] for an unknown variable or a modifier that cannot apply.
pub fn substitute(value: &Value, vars: &HashMap<String, String>) -> Result<Value, Unresolved> {
    Ok(match value {
        Value::String(s) => Value::String(substitute_str(s, vars)?),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(substitute_str(k, vars)?, substitute(v, vars)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// The modifiers a scenario may use, for validation.
pub(crate) fn check_modifiers(text: &str) -> Result<(), String> {
    for caps in placeholder().captures_iter(text) {
        match (caps.get(2).map(|m| m.as_str()), caps.get(3)) {
            (None, None) => {}
            (Some("upper" | "lower" | "url"), None) => {}
            (Some("dt"), Some(arg)) if arg.as_str().split(',').count() == 2 => {}
            _ => return Err(format!("bad placeholder {}", &caps[0])),
        }
    }
    Ok(())
}

/// Removes placeholders (for checking the characters around them).
pub(crate) fn strip(text: &str) -> String {
    placeholder().replace_all(text, "").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> HashMap<String, String> {
        HashMap::from([
            ("run".to_owned(), "ab12".to_owned()),
            ("c".to_owned(), "2026-01-01T10:00:00.123Z".to_owned()),
        ])
    }

    #[test]
    fn modifiers() {
        let v = vars();
        let out = substitute(
            &json!({"k${run|upper}": ["a ${run}", "${run|url}", "x@${c|url}", "${c|dt(-3600,+05:00)}"]}),
            &v,
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"kAB12": ["a ab12", "ab12", "x@2026-01-01T10%3A00%3A00.123Z", "2026-01-01T14:00:00"]})
        );
        assert_eq!(
            substitute(&json!("${nope}"), &v),
            Err(Unresolved::Variable("nope".into()))
        );
        assert!(substitute(&json!("${run|dt(1,Z)}"), &v).is_err());
    }
}
