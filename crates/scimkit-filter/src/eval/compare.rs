//! Comparisons per attribute type (RFC 7644 §3.4.2.2 Table 3, RFC 7643 §2.3): strings with or
//! without case folding, JSON numbers exactly, dateTimes as instants.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Number;

use crate::ast::CompareOp;

/// Case folding for caseExact=false strings: Unicode lower-case mapping (`char::to_lowercase`),
/// no locale, no normalisation. ASCII text takes a fast path with no allocation.
pub(crate) fn fold(s: &str) -> String {
    s.to_lowercase()
}

/// Whether `value op needle` holds for strings. `needle` is already folded when `folded`.
/// Ordering is by Unicode code point (byte order of UTF-8) of the (folded) texts.
pub(crate) fn compare_str(value: &str, op: CompareOp, needle: &str, folded: bool) -> bool {
    if !folded {
        return str_op(value, op, needle);
    }
    if value.is_ascii() {
        // Lower-casing ASCII text only changes ASCII letters, so byte-wise ASCII folding of the
        // value against the (already folded) needle is exact.
        return ascii_fold_op(value.as_bytes(), op, needle.as_bytes());
    }
    str_op(&fold(value), op, needle)
}

fn str_op(value: &str, op: CompareOp, needle: &str) -> bool {
    match op {
        CompareOp::Eq => value == needle,
        CompareOp::Ne => value != needle,
        CompareOp::Co => value.contains(needle),
        CompareOp::Sw => value.starts_with(needle),
        CompareOp::Ew => value.ends_with(needle),
        CompareOp::Gt => value > needle,
        CompareOp::Ge => value >= needle,
        CompareOp::Lt => value < needle,
        CompareOp::Le => value <= needle,
    }
}

fn ascii_fold_op(value: &[u8], op: CompareOp, needle: &[u8]) -> bool {
    let eq = |a: &[u8]| a.eq_ignore_ascii_case(needle);
    match op {
        CompareOp::Eq => value.len() == needle.len() && eq(value),
        CompareOp::Ne => !(value.len() == needle.len() && eq(value)),
        CompareOp::Co => needle.is_empty() || value.windows(needle.len()).any(eq),
        CompareOp::Sw => value.len() >= needle.len() && eq(&value[..needle.len()]),
        CompareOp::Ew => value.len() >= needle.len() && eq(&value[value.len() - needle.len()..]),
        CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => {
            let lowered = value.iter().map(u8::to_ascii_lowercase);
            ordering_holds(op, lowered.cmp(needle.iter().copied()))
        }
    }
}

/// Whether an ordering satisfies `eq`, `ne`, `gt`, `ge`, `lt` or `le`.
pub(crate) fn ordering_holds(op: CompareOp, ordering: Ordering) -> bool {
    match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// Exact numeric order of two JSON numbers, whatever their representation (`u64`, `i64`,
/// `f64`): integers compare as integers, an integer and a float by value without rounding.
/// A total order (JSON numbers are never NaN).
pub(crate) fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    match (as_int(a), as_int(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(x), None) => int_vs_float(x, b.as_f64().unwrap_or(0.0)),
        (None, Some(y)) => int_vs_float(y, a.as_f64().unwrap_or(0.0)).reverse(),
        (None, None) => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
    }
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn int_vs_float(int: i128, float: f64) -> Ordering {
    // 2^100 is far outside i64/u64 and exactly representable; beyond it the float wins.
    const BIG: f64 = 1_267_650_600_228_229_401_496_703_205_376.0;
    if float >= BIG {
        return Ordering::Less;
    }
    if float <= -BIG {
        return Ordering::Greater;
    }
    let whole = float.trunc();
    // |whole| < 2^100, so the cast is exact.
    match int.cmp(&(whole as i128)) {
        Ordering::Equal => 0.0f64
            .partial_cmp(&(float - whole))
            .unwrap_or(Ordering::Equal),
        other => other,
    }
}

/// An `xsd:dateTime` (RFC 7643 §2.3.5) as an instant. Accepts RFC 3339 with `Z` or an offset
/// (fractional seconds allowed, `t`/`z` in any case) and, since xsd allows it, a time with no
/// offset, read as UTC.
pub(crate) fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_string_ops_agree_with_the_slow_path() {
        let cases = [
            ("Ada.Example", "ada.example"),
            ("ada", "a"),
            ("ADA", "da"),
            ("abc", ""),
            ("", "x"),
            ("Zoë", "zoë"),
            ("ÀB", "àb"),
            ("\u{212A}elvin", "kelvin"),
        ];
        for (value, needle) in cases {
            for op in CompareOp::ALL {
                let needle = fold(needle);
                let fast = compare_str(value, op, &needle, true);
                let slow = str_op(&fold(value), op, &needle);
                assert_eq!(fast, slow, "{value:?} {op:?} {needle:?}");
            }
        }
        assert!(compare_str("\u{212A}elvin", CompareOp::Eq, "kelvin", true));
        assert!(!compare_str("Ada", CompareOp::Eq, "ada", false));
    }

    #[test]
    fn numbers_compare_exactly_across_representations() {
        let n = |s: &str| serde_json::from_str::<Number>(s).unwrap();
        assert_eq!(compare_numbers(&n("1"), &n("1.0")), Ordering::Equal);
        assert_eq!(
            compare_numbers(&n("-1"), &n("18446744073709551615")),
            Ordering::Less
        );
        assert_eq!(compare_numbers(&n("2.5"), &n("2")), Ordering::Greater);
        assert_eq!(compare_numbers(&n("-2.5"), &n("-2")), Ordering::Less);
        assert_eq!(
            compare_numbers(&n("9007199254740993"), &n("9007199254740992.0")),
            Ordering::Greater
        );
        assert_eq!(
            compare_numbers(&n("1e300"), &n("18446744073709551615")),
            Ordering::Greater
        );
        assert_eq!(compare_numbers(&n("-1e300"), &n("-5")), Ordering::Less);
    }

    /// RFC 7643 §2.3.5 dateTime; offsets are honoured.
    #[test]
    fn date_times_are_instants() {
        let a = parse_date_time("2011-05-13T04:42:34Z").unwrap();
        let b = parse_date_time("2011-05-13T06:42:34+02:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(parse_date_time("2011-05-13T04:42:34"), Some(a));
        assert!(parse_date_time("2011-05-13T04:42:34.5Z").unwrap() > a);
        assert_eq!(parse_date_time("2011-05-13"), None);
        assert_eq!(parse_date_time("yesterday"), None);
    }
}
