//! `compValue = false / null / true / number / string` (RFC 7644 §3.4.2.2), with the JSON
//! rules of RFC 7159 / RFC 8259 §6-§7. `true`, `false` and `null` are accepted in any case (the
//! RFC's ABNF literals are case-insensitive per RFC 5234 §2.3).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::one_of;
use nom::combinator::{opt, recognize};

use super::lexical::{ends_operand, symbol};
use super::{Cursor, PResult};
use crate::ast::CompValue;

const VALUE: &str = "a value (a JSON string in double quotes, a number, true, false or null)";

impl Cursor<'_> {
    /// `compValue`, which must be followed by a space, `)`, `]` or the end.
    pub(crate) fn comp_value(&mut self) -> PResult<CompValue> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'"') => CompValue::String(self.json_string()?),
            Some(b'-' | b'0'..=b'9') => CompValue::Number(self.json_number()?),
            Some(c) if c.is_ascii_alphabetic() => self.literal()?,
            _ => return self.expected(start, VALUE),
        };
        if !ends_operand(self.peek()) {
            return self.fail(
                self.pos,
                "a space, ')', ']' or the end after the value",
                format!(
                    "unexpected {} right after the value",
                    self.describe(self.pos)
                ),
            );
        }
        Ok(value)
    }

    fn literal(&mut self) -> PResult<CompValue> {
        let start = self.pos;
        let rest = self.rest().as_bytes();
        let len = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let word = &self.rest()[..len];
        let value = if word.eq_ignore_ascii_case("true") {
            CompValue::Bool(true)
        } else if word.eq_ignore_ascii_case("false") {
            CompValue::Bool(false)
        } else if word.eq_ignore_ascii_case("null") {
            CompValue::Null
        } else {
            return self.fail(
                start,
                VALUE,
                format!(
                    "expected {VALUE}, found {word:?}; strings must be in double quotes (RFC 7644 §3.4.2.2)"
                ),
            );
        };
        self.pos += len;
        Ok(value)
    }

    /// A JSON number: `[ "-" ] int [ frac ] [ exp ]` (RFC 8259 §6). Integers that fit `i64` or
    /// `u64` are kept exactly; everything else is an `f64`, which must be finite.
    fn json_number(&mut self) -> PResult<serde_json::Number> {
        let start = self.pos;
        // At the end of input nom 8.0.0's `character::complete::digit0/1` return an empty
        // remainder that is not a sub-slice of the input, which makes `recognize` measure the
        // number one digit short ("-12" read as "-1"); `take_while` keeps the slice.
        let digit0 = || take_while(|c: char| c.is_ascii_digit());
        let digit1 = || take_while1(|c: char| c.is_ascii_digit());
        let int = alt((tag("0"), recognize((one_of("123456789"), digit0()))));
        let frac = (symbol('.'), digit1());
        let exp = (one_of("eE"), opt(one_of("+-")), digit1());
        let Some((text, is_int)) = self
            .run(recognize((opt(symbol('-')), int, opt(frac), opt(exp))))
            .map(|text: &str| (text, !text.contains(['.', 'e', 'E'])))
        else {
            return self.expected(start, "a JSON number (RFC 8259 §6)");
        };
        if is_int {
            if let Ok(n) = text.parse::<i64>() {
                return Ok(n.into());
            }
            if let Ok(n) = text.parse::<u64>() {
                return Ok(n.into());
            }
        }
        match text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            Some(n) => Ok(n),
            None => self.fail(
                start,
                "a number within the range of a 64-bit float",
                format!("number {text} is out of range"),
            ),
        }
    }

    /// A JSON string (RFC 8259 §7), decoded: `\" \\ \/ \b \f \n \r \t \uXXXX` (surrogate pairs
    /// combined; a lone surrogate is an error), no unescaped control characters.
    fn json_string(&mut self) -> PResult<String> {
        let open = self.pos;
        let body_start = open + 1;
        let bytes = self.src.as_bytes();
        // Fast path: no escapes.
        let mut i = body_start;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(self.src[body_start..i].to_owned());
                }
                b'\\' => break,
                c if c < 0x20 => return self.control_char(i),
                _ => i += 1,
            }
        }
        let mut out = String::with_capacity(i - body_start + 8);
        out.push_str(&self.src[body_start..i]);
        loop {
            let Some(&b) = bytes.get(i) else {
                return self.fail(
                    i,
                    "a closing '\"'",
                    format!("string opened at byte {open} is not closed"),
                );
            };
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(out);
                }
                b'\\' => {
                    let (c, len) = self.escape(i)?;
                    out.push(c);
                    i += len;
                }
                c if c < 0x20 => return self.control_char(i),
                _ => {
                    // Copy the run up to the next quote, backslash or control character.
                    let run = bytes[i..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                        .map_or(bytes.len(), |n| i + n);
                    out.push_str(&self.src[i..run]);
                    i = run;
                }
            }
        }
    }

    fn control_char<T>(&self, at: usize) -> PResult<T> {
        self.fail(
            at,
            "a character other than a control character",
            format!(
                "control character U+{:04X} must be escaped inside a string (RFC 8259 §7)",
                self.src.as_bytes()[at]
            ),
        )
    }

    /// The escape starting with the backslash at `at`: the character and the bytes consumed.
    fn escape(&self, at: usize) -> PResult<(char, usize)> {
        const ESCAPE: &str = r#"an escape (\" \\ \/ \b \f \n \r \t or \uXXXX)"#;
        let bytes = self.src.as_bytes();
        let c = match bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(at + 2)?;
                if !(0xD800..0xE000).contains(&high) {
                    let c = char::from_u32(high).expect("not a surrogate");
                    return Ok((c, 6));
                }
                if high < 0xDC00
                    && bytes.get(at + 6) == Some(&b'\\')
                    && bytes.get(at + 7) == Some(&b'u')
                {
                    let low = self.hex4(at + 8)?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        let c = char::from_u32(code).expect("valid surrogate pair");
                        return Ok((c, 12));
                    }
                }
                return self.fail(
                    at,
                    "a valid \\u escape",
                    format!("\\u{high:04X} is a lone surrogate, which a string cannot hold"),
                );
            }
            _ => return self.expected(at + 1, ESCAPE),
        };
        Ok((c, 2))
    }

    fn hex4(&self, at: usize) -> PResult<u32> {
        let digits = self.src.as_bytes().get(at..at + 4);
        match digits {
            Some(d) if d.iter().all(u8::is_ascii_hexdigit) => {
                let text = std::str::from_utf8(d).expect("ASCII hex digits");
                Ok(u32::from_str_radix(text, 16).expect("four hex digits"))
            }
            _ => self.expected(at, "four hex digits after \\u"),
        }
    }
}

/// Writes `s` as a JSON string: quotes, backslashes and control characters escaped, everything
/// else (non-ASCII included) as is.
pub(crate) fn write_json_string(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    out.write_char('"')?;
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.write_str(&s[last..i])?;
        if escaped.is_empty() {
            write!(out, "\\u{b:04x}")?;
        } else {
            out.write_str(escaped)?;
        }
        last = i + 1;
    }
    out.write_str(&s[last..])?;
    out.write_char('"')
}

#[cfg(test)]
mod tests {
    use crate::ast::CompValue;
    use crate::error::Target;
    use crate::options::FilterOptions;
    use crate::parser::Cursor;

    fn value(text: &str) -> Result<CompValue, crate::ParseError> {
        let opts = FilterOptions::strict();
        let mut cursor = Cursor::new(text, Target::Filter, &opts).unwrap();
        let v = cursor.comp_value()?;
        assert!(cursor.at_end(), "{text:?} left {:?}", cursor.rest());
        Ok(v)
    }

    /// RFC 7644 §3.4.2.2 `compValue`: JSON literals, case-insensitively.
    #[test]
    fn literals_any_case() {
        assert_eq!(value("true").unwrap(), CompValue::Bool(true));
        assert_eq!(value("FALSE").unwrap(), CompValue::Bool(false));
        assert_eq!(value("Null").unwrap(), CompValue::Null);
        assert!(value("nil").is_err());
        assert!(value("truex").is_err());
        let err = value("Ada").unwrap_err();
        assert!(err.message().contains("double quotes"), "{err}");
    }

    /// RFC 8259 §6 numbers: sign, fraction, exponent; no leading zeros, no `+`, no bare `.`.
    #[test]
    fn numbers() {
        assert_eq!(value("0").unwrap(), CompValue::Number(0u64.into()));
        assert_eq!(value("-12").unwrap(), CompValue::Number((-12i64).into()));
        assert_eq!(
            value("18446744073709551615").unwrap(),
            CompValue::Number(u64::MAX.into())
        );
        let CompValue::Number(n) = value("-1.5e3").unwrap() else {
            panic!()
        };
        assert_eq!(n.as_f64(), Some(-1500.0));
        let CompValue::Number(n) = value("1E+2").unwrap() else {
            panic!()
        };
        assert_eq!(n.as_f64(), Some(100.0));
        for bad in ["01", "+1", "1.", ".5", "1e", "-", "1e400", "0x10", "1.2.3"] {
            assert!(value(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    /// RFC 8259 §7 strings: every escape, non-ASCII, surrogate pairs.
    #[test]
    fn strings_and_escapes() {
        assert_eq!(value(r#""plain""#).unwrap(), CompValue::from("plain"));
        assert_eq!(
            value(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
            CompValue::from("a\"b\\c/d\u{8}\u{c}\n\r\t")
        );
        assert_eq!(value(r#""\u0022x""#).unwrap(), CompValue::from("\"x"));
        assert_eq!(
            value(r#""Zoë ñ 日本""#).unwrap(),
            CompValue::from("Zoë ñ 日本")
        );
        assert_eq!(value(r#""\ud83d\ude00""#).unwrap(), CompValue::from("😀"));
        assert_eq!(value(r#""""#).unwrap(), CompValue::from(""));
        for bad in [
            r#""open"#,
            r#""bad \x escape""#,
            r#""\u12""#,
            r#""\ud83d""#,
            r#""\ude00""#,
            "\"tab\tinside\"",
            r#""a"b"#,
            r#""trailing\"#,
        ] {
            assert!(value(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn printer_escapes_round_trip() {
        for s in ["", "plain", "q\"b\\s", "\u{1}\u{1f}\n\t", "Zoë 😀", "/"] {
            let mut out = String::new();
            super::write_json_string(&mut out, s).unwrap();
            assert_eq!(value(&out).unwrap(), CompValue::from(s), "{out}");
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), s);
        }
    }
}
