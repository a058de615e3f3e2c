//! Expected values and matchers (`$absent`, `$len`, ...).

use serde_json::Value;

use crate::path::resolve;

/// The matcher names a scenario may use.
pub(crate) const MATCHERS: [&str; 17] = [
    "$absent",
    "$present",
    "$len",
    "$contains",
    "$ci",
    "$empty",
    "$in",
    "$any",
    "$not",
    "$eq",
    "$regex",
    "$type",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$only",
];

fn short(value: Option<&Value>) -> String {
    let text = match value {
        None => return "<missing>".into(),
        Some(v) => v.to_string(),
    };
    if text.chars().count() <= 160 {
        text
    } else {
        format!("{}...", text.chars().take(157).collect::<String>())
    }
}

pub(crate) fn is_matcher(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|o| !o.is_empty() && o.keys().all(|k| k.starts_with('$')))
}

fn present(actual: Option<&Value>) -> bool {
    !matches!(actual, None | Some(Value::Null))
}

fn num(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a) == num(b),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| deep_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn operator(op: &str, arg: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
    let is_present = present(actual);
    let fail = |why: String| Err(format!("{at}: {why}"));
    match op {
        "$absent" => {
            let want_absent = arg.as_bool().unwrap_or(false);
            if want_absent != is_present {
                Ok(())
            } else if want_absent {
                fail(format!("expected absent/null, got {}", short(actual)))
            } else {
                fail("expected present, but it is missing/null".into())
            }
        }
        "$present" => operator(
            "$absent",
            &Value::Bool(!arg.as_bool().unwrap_or(false)),
            actual,
            at,
        ),
        "$empty" => {
            let empty = !is_present
                || matches!(actual, Some(Value::String(s)) if s.is_empty())
                || matches!(actual, Some(Value::Array(a)) if a.is_empty())
                || matches!(actual, Some(Value::Object(o)) if o.is_empty());
            if arg.as_bool().unwrap_or(false) == empty {
                Ok(())
            } else {
                fail(format!("expected empty = {arg}, got {}", short(actual)))
            }
        }
        "$len" => {
            let length = match actual {
                None | Some(Value::Null) => 0,
                Some(Value::Array(a)) => a.len(),
                Some(Value::String(s)) => s.chars().count(),
                Some(Value::Object(o)) => o.len(),
                Some(other) => {
                    return fail(format!("expected something with a length, got {other}"));
                }
            };
            let length_value = Value::from(length as u64);
            if is_matcher(arg) {
                check(arg, Some(&length_value), &format!("len({at})"))
                    .map_err(|e| format!("{e} (value {})", short(actual)))
            } else if num(arg) == Some(length as f64) {
                Ok(())
            } else {
                fail(format!(
                    "expected length {arg}, got {length}: {}",
                    short(actual)
                ))
            }
        }
        "$contains" => match actual {
            None | Some(Value::Null) => fail(format!("missing (expected it to contain {arg})")),
            Some(Value::Array(items)) => {
                if items.iter().any(|item| check(arg, Some(item), at).is_ok()) {
                    Ok(())
                } else {
                    fail(format!("no element matches {arg}; got {}", short(actual)))
                }
            }
            Some(Value::String(s)) => match arg {
                Value::String(needle) if s.contains(needle.as_str()) => Ok(()),
                _ => fail(format!("{s:?} does not contain {arg}")),
            },
            Some(other) => check(arg, Some(other), at),
        },
        "$ci" => match (actual, arg) {
            (Some(Value::String(s)), Value::String(want))
                if s.to_lowercase() == want.to_lowercase() =>
            {
                Ok(())
            }
            _ => fail(format!("expected {arg} (any case), got {}", short(actual))),
        },
        "$in" => {
            let options = arg.as_array().map(Vec::as_slice).unwrap_or_default();
            if is_present && options.iter().any(|v| check(v, actual, at).is_ok()) {
                Ok(())
            } else {
                fail(format!("expected one of {arg}, got {}", short(actual)))
            }
        }
        "$any" => {
            let options = arg.as_array().map(Vec::as_slice).unwrap_or_default();
            let reasons: Vec<String> = options
                .iter()
                .filter_map(|m| check(m, actual, at).err())
                .collect();
            if reasons.len() < options.len() {
                Ok(())
            } else {
                Err(reasons.join(" / "))
            }
        }
        "$not" => match check(arg, actual, at) {
            Ok(()) => fail(format!("expected not {arg}, got {}", short(actual))),
            Err(_) => Ok(()),
        },
        "$eq" => {
            let ok = match actual {
                Some(v) if is_present => deep_equal(arg, v),
                _ => arg.is_null(),
            };
            if ok {
                Ok(())
            } else {
                fail(format!("expected exactly {arg}, got {}", short(actual)))
            }
        }
        "$regex" => {
            let pattern = arg.as_str().unwrap_or_default();
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("{at}: bad regex {pattern:?}: {e}"))?;
            match actual {
                Some(Value::String(s)) if re.is_match(s) => Ok(()),
                _ => fail(format!(
                    "expected a string matching /{pattern}/, got {}",
                    short(actual)
                )),
            }
        }
        "$type" => {
            let want = arg.as_str().unwrap_or_default();
            match actual {
                None | Some(Value::Null) if want == "null" => Ok(()),
                None | Some(Value::Null) => {
                    fail(format!("expected {want}, but it is missing/null"))
                }
                Some(v) => {
                    let got = type_name(v);
                    if got == want || (want == "number" && got == "integer") {
                        Ok(())
                    } else {
                        fail(format!("expected type {want}, got {got}: {v}"))
                    }
                }
            }
        }
        "$only" => match actual {
            None | Some(Value::Null) => Ok(()),
            Some(Value::Object(object)) => {
                let allowed: Vec<String> = arg
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_lowercase)
                            .collect()
                    })
                    .unwrap_or_default();
                let extra: Vec<&String> = object
                    .keys()
                    .filter(|k| !allowed.contains(&k.to_lowercase()))
                    .collect();
                if extra.is_empty() {
                    Ok(())
                } else {
                    fail(format!("unexpected key(s) {extra:?} (allowed: {arg})"))
                }
            }
            Some(other) => fail(format!(
                "expected an object with keys among {arg}, got {other}"
            )),
        },
        "$gt" | "$gte" | "$lt" | "$lte" => {
            let (Some(a), Some(b)) = (actual.and_then(num), num(arg)) else {
                return fail(format!(
                    "expected a number {} {arg}, got {}",
                    &op[1..],
                    short(actual)
                ));
            };
            let ok = match op {
                "$gt" => a > b,
                "$gte" => a >= b,
                "$lt" => a < b,
                _ => a <= b,
            };
            if ok {
                Ok(())
            } else {
                fail(format!("expected {} {arg}, got {a}", &op[1..]))
            }
        }
        other => Err(format!("{at}: unknown matcher {other}")),
    }
}

fn match_unordered(expected: &[Value], actual: &[Value], at: &str) -> Result<(), String> {
    if expected.len() != actual.len() {
        return Err(format!(
            "{at}: expected {} element(s), got {}: {}",
            expected.len(),
            actual.len(),
            short(Some(&Value::Array(actual.to_vec())))
        ));
    }
    fn place(
        k: usize,
        expected: &[Value],
        actual: &[Value],
        used: &mut Vec<bool>,
        at: &str,
    ) -> bool {
        if k == expected.len() {
            return true;
        }
        for j in 0..actual.len() {
            if !used[j] && check(&expected[k], Some(&actual[j]), at).is_ok() {
                used[j] = true;
                if place(k + 1, expected, actual, used, at) {
                    return true;
                }
                used[j] = false;
            }
        }
        false
    }
    let mut used = vec![false; actual.len()];
    if place(0, expected, actual, &mut used, at) {
        Ok(())
    } else {
        Err(format!(
            "{at}: expected elements {} in any order, got {}",
            Value::Array(expected.to_vec()),
            short(Some(&Value::Array(actual.to_vec())))
        ))
    }
}

/// Whether `actual` (`None` = missing) satisfies `expected`; the error says why not, with
/// `at` as the location.
///
/// # Errors
/// A one-line reason.
pub fn check(expected: &Value, actual: Option<&Value>, at: &str) -> Result<(), String> {
    if is_matcher(expected) {
        for (op, arg) in expected.as_object().into_iter().flatten() {
            operator(op, arg, actual, at)?;
        }
        return Ok(());
    }
    let is_present = present(actual);
    let mismatch = || Err(format!("{at}: expected {expected}, got {}", short(actual)));
    match expected {
        Value::Null => {
            if is_present {
                Err(format!("{at}: expected absent/null, got {}", short(actual)))
            } else {
                Ok(())
            }
        }
        _ if !is_present => Err(format!("{at}: missing (expected {expected})")),
        Value::Bool(b) => match actual {
            Some(Value::Bool(a)) if a == b => Ok(()),
            _ => mismatch(),
        },
        Value::Number(_) => match actual {
            Some(a @ Value::Number(_)) if num(a) == num(expected) => Ok(()),
            _ => mismatch(),
        },
        Value::String(s) => match actual {
            Some(Value::String(a)) if a == s => Ok(()),
            _ => mismatch(),
        },
        Value::Array(items) => match actual {
            Some(Value::Array(got)) => match_unordered(items, got, at),
            _ => Err(format!("{at}: expected a list, got {}", short(actual))),
        },
        Value::Object(map) => match actual {
            Some(doc @ Value::Object(_)) => {
                for (key, sub) in map {
                    let value = resolve_key(doc, key);
                    check(sub, value, &format!("{at}.{key}"))?;
                }
                Ok(())
            }
            _ => Err(format!("{at}: expected an object, got {}", short(actual))),
        },
    }
}

fn resolve_key<'v>(doc: &'v Value, key: &str) -> Option<&'v Value> {
    let object = doc.as_object()?;
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
            .map(|(_, v)| v)
    })
}

/// Evaluates `expect.json` paths against a document.
pub(crate) fn check_paths(
    doc: &Value,
    paths: &serde_json::Map<String, Value>,
) -> Result<(), String> {
    for (path, want) in paths {
        let got = resolve(doc, path)?;
        let at = if path.is_empty() { "$" } else { path.as_str() };
        check(want, got, at).map_err(|e| format!("json {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matchers_follow_the_reference_checker() {
        let ok = |e: Value, a: Option<Value>| check(&e, a.as_ref(), "$").is_ok();
        assert!(ok(json!({"$absent": true}), None));
        assert!(ok(json!({"$absent": true}), Some(Value::Null)));
        assert!(!ok(json!({"$absent": true}), Some(json!(1))));
        assert!(ok(json!({"$len": 0}), None));
        assert!(ok(
            json!({"$len": {"$gte": 2, "$lte": 3}}),
            Some(json!([1, 2]))
        ));
        assert!(ok(json!({"$contains": "b"}), Some(json!(["a", "b"]))));
        assert!(ok(json!({"$ci": "ADA"}), Some(json!("ada"))));
        assert!(ok(json!({"$empty": true}), Some(json!(""))));
        assert!(ok(json!({"$in": ["404", 404]}), Some(json!(404))));
        assert!(ok(json!({"$any": [{"$absent": true}, 1]}), Some(json!(1))));
        assert!(ok(json!({"$not": {"$contains": "x"}}), Some(json!(["y"]))));
        assert!(ok(json!({"$type": "integer", "$gte": 1}), Some(json!(5))));
        assert!(!ok(json!({"$type": "integer"}), Some(json!("5"))));
        assert!(ok(json!({"$regex": "^W/"}), Some(json!("W/\"1\""))));
        assert!(ok(
            json!({"$only": ["id", "userName"]}),
            Some(json!({"ID": 1}))
        ));
        assert!(!ok(json!({"$only": ["id"]}), Some(json!({"x": 1}))));
        assert!(ok(json!({"$eq": {"a": 1}}), Some(json!({"a": 1.0}))));
        assert!(!ok(json!(true), Some(json!(1))), "true is not 1");
        assert!(ok(
            json!([{"v": 2}, {"v": 1}]),
            Some(json!([{"v": 1, "x": 0}, {"v": 2}]))
        ));
        assert!(!ok(json!([1]), Some(json!([1, 1]))));
        assert!(ok(
            json!({"Name": {"givenName": "A"}}),
            Some(json!({"name": {"givenName": "A", "x": 1}}))
        ));
        assert!(ok(json!(null), None));
        assert!(!ok(json!("a"), None));
    }
}
