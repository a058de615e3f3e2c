//! Dotted paths into a response document.

use serde_json::Value;

fn find_close(path: &[char], start: usize) -> Result<usize, String> {
    let mut quoted = false;
    let mut i = start + 1;
    while i < path.len() {
        match path[i] {
            '\\' if quoted => i += 1,
            '"' => quoted = !quoted,
            ']' if !quoted => return Ok(i),
            _ => {}
        }
        i += 1;
    }
    Err(format!(
        "unclosed [ in path {:?}",
        path.iter().collect::<String>()
    ))
}

fn split_conditions(inner: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && quoted {
            current.push(c);
            if let Some(next) = chars.next() {
                current.push(next);
            }
            continue;
        }
        if c == '"' {
            quoted = !quoted;
        }
        if c == ',' && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn selector_matches(element: &Value, conditions: &[String]) -> Result<bool, String> {
    if !element.is_object() {
        return Ok(false);
    }
    for cond in conditions {
        let (key, want) = cond
            .split_once('=')
            .ok_or_else(|| format!("bad selector condition {cond:?} (want key=value)"))?;
        let (key, mut want) = (key.trim(), want.trim().to_owned());
        if want.len() >= 2 && want.starts_with('"') && want.ends_with('"') {
            want = serde_json::from_str::<String>(&want)
                .map_err(|e| format!("bad quoted value in {cond:?}: {e}"))?;
        }
        let got = match resolve(element, key)? {
            None | Some(Value::Null) => return Ok(false),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
                _ => n.to_string(),
            },
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Ok(false),
        };
        if got.to_lowercase() != want.to_lowercase() {
            return Ok(false);
        }
    }
    Ok(true)
}

fn lookup_key<'v>(node: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    node.get(key).or_else(|| {
        node.iter()
            .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
            .map(|(_, v)| v)
    })
}

/// The value at a dotted path (see the crate docs), `Ok(None)` when it is missing.
///
/// # Errors
/// A message when the path itself is malformed (an unclosed `[`, a bad condition).
pub fn resolve<'v>(doc: &'v Value, path: &str) -> Result<Option<&'v Value>, String> {
    if path.is_empty() || path == "$" {
        return Ok(Some(doc));
    }
    let chars: Vec<char> = path.chars().collect();
    let mut node = Some(doc);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '.' {
            i += 1;
            continue;
        }
        let current = match node {
            None | Some(Value::Null) => return Ok(None),
            Some(v) => v,
        };
        if c == '[' {
            let close = find_close(&chars, i)?;
            let inner: String = chars[i + 1..close]
                .iter()
                .collect::<String>()
                .trim()
                .to_owned();
            i = close + 1;
            if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
                let idx: usize = inner.parse().map_err(|_| format!("bad index {inner}"))?;
                node = current.as_array().and_then(|a| a.get(idx));
                continue;
            }
            let conditions = split_conditions(&inner);
            node = match current {
                Value::Array(items) => {
                    let mut found = None;
                    for item in items {
                        if selector_matches(item, &conditions)? {
                            found = Some(item);
                            break;
                        }
                    }
                    found
                }
                Value::Object(_) => selector_matches(current, &conditions)?.then_some(current),
                _ => None,
            };
            continue;
        }
        if let Value::Array(items) = current {
            let digits: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if digits.is_empty() {
                return Ok(None);
            }
            i += digits.len();
            node = digits.parse::<usize>().ok().and_then(|idx| items.get(idx));
            continue;
        }
        let Value::Object(object) = current else {
            return Ok(None);
        };
        let rest: String = chars[i..].iter().collect();
        let is_urn = |t: &str| t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"));
        if is_urn(&rest) {
            let mut best: Option<&String> = None;
            for key in object.keys() {
                if !is_urn(key) || rest.len() < key.len() {
                    continue;
                }
                let Some(prefix) = rest.get(..key.len()) else {
                    continue;
                };
                let boundary = rest[key.len()..].chars().next();
                if prefix.eq_ignore_ascii_case(key)
                    && matches!(boundary, None | Some('.') | Some('['))
                {
                    let better = match best {
                        None => true,
                        Some(b) => {
                            key.len() > b.len()
                                || (key.len() == b.len() && rest.starts_with(key.as_str()))
                        }
                    };
                    if better {
                        best = Some(key);
                    }
                }
            }
            let Some(key) = best else {
                return Ok(None);
            };
            node = object.get(key);
            i += key.chars().count();
            continue;
        }
        let segment: String = chars[i..]
            .iter()
            .take_while(|c| **c != '.' && **c != '[')
            .collect();
        i += segment.chars().count();
        node = lookup_key(object, &segment);
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        let doc = json!({
            "Resources": [{"id": "a"}],
            "emails": [{"type": "home", "value": "h"}, {"type": "Work", "value": "w"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "m"}},
            "Name": {"givenName": "Ada"},
            "members": [{"value": "x,y"}]
        });
        let r = |p: &str| resolve(&doc, p).unwrap().cloned();
        assert_eq!(r("Resources.0.id"), Some(json!("a")));
        assert_eq!(r("emails[type=work].value"), Some(json!("w")));
        assert_eq!(r("name.givenName"), Some(json!("Ada")));
        assert_eq!(
            r("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value"),
            Some(json!("m"))
        );
        assert_eq!(r(r#"members[value="x,y"]"#), Some(json!({"value": "x,y"})));
        assert_eq!(r("emails[type=other].value"), None);
        assert_eq!(r("Resources.3.id"), None);
        assert_eq!(r("$"), Some(doc.clone()));
        assert!(resolve(&doc, "emails[type=work").is_err());
    }
}
