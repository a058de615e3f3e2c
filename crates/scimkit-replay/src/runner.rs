//! Running a scenario: requests, expectations, captures, branches, cleanup.

use std::collections::HashMap;

use http::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::matcher::{MATCHERS, check_paths, is_matcher};
use crate::path::resolve;
use crate::placeholder::{Unresolved, check_modifiers, strip, substitute};
use crate::{Scenario, Transport};

const STEP_KEYS: [&str; 7] = [
    "name", "note", "request", "expect", "capture", "cleanup", "when",
];
const REQUEST_KEYS: [&str; 6] = ["method", "path", "query", "headers", "body", "body_raw"];
const EXPECT_KEYS: [&str; 6] = ["status", "json", "header", "scimType", "when", "set"];
const USER_AGENT: &str = "idp-replay/1.0";

/// Replays scenarios against one service through a [`Transport`].
pub struct Runner<T> {
    transport: T,
    base_url: String,
    token: Option<String>,
    vars: HashMap<String, String>,
}

/// A response as the checks see it.
struct Reply {
    status: u16,
    headers: http::HeaderMap,
    raw: Vec<u8>,
    json: Option<Value>,
    json_error: Option<String>,
}

impl Reply {
    fn from(response: http::Response<Vec<u8>>) -> Reply {
        let (parts, raw) = response.into_parts();
        let (json, json_error) = if raw.iter().all(u8::is_ascii_whitespace) {
            (None, None)
        } else {
            match serde_json::from_slice::<Value>(&raw) {
                Ok(v) => (Some(v), None),
                Err(e) => (None, Some(e.to_string())),
            }
        };
        Reply {
            status: parts.status.as_u16(),
            headers: parts.headers,
            raw,
            json,
            json_error,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn hint(&self) -> String {
        match &self.json {
            Some(Value::Object(o)) => o
                .get("detail")
                .or_else(|| o.get("scimType"))
                .and_then(Value::as_str)
                .map(|d| format!(" (server said: {d})"))
                .unwrap_or_default(),
            _ if !self.raw.is_empty() => {
                let text = String::from_utf8_lossy(&self.raw);
                format!(" (body: {})", text.chars().take(160).collect::<String>())
            }
            _ => String::new(),
        }
    }
}

enum StepError {
    Failed(String),
    Unresolved(Unresolved),
}

impl From<Unresolved> for StepError {
    fn from(u: Unresolved) -> StepError {
        StepError::Unresolved(u)
    }
}

fn run_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:08x}", (nanos ^ (nanos >> 32)) as u32)
}

fn when_holds(when: Option<&Value>, vars: &HashMap<String, String>) -> bool {
    let Some(Value::Object(conditions)) = when else {
        return true;
    };
    conditions.iter().all(|(var, want)| {
        let Some(have) = vars.get(var) else {
            return false;
        };
        match substitute(want, vars) {
            Ok(Value::String(want)) => *have == want,
            _ => false,
        }
    })
}

fn evaluate(expect: &Value, reply: &Reply) -> Result<(), String> {
    match expect.get("status") {
        None | Some(Value::Null) => {
            if !(200..300).contains(&reply.status) {
                return Err(format!(
                    "status {}, expected 2xx{}",
                    reply.status,
                    reply.hint()
                ));
            }
        }
        Some(status) => {
            let allowed: Vec<u64> = match status {
                Value::Array(items) => items.iter().filter_map(Value::as_u64).collect(),
                other => other.as_u64().into_iter().collect(),
            };
            if !allowed.contains(&u64::from(reply.status)) {
                return Err(format!(
                    "status {}, expected {status}{}",
                    reply.status,
                    reply.hint()
                ));
            }
        }
    }
    if let Some(Value::Object(headers)) = expect.get("header") {
        for (name, rx) in headers {
            let value = reply.header(name);
            match (rx, value) {
                (Value::Null, None) => {}
                (Value::Null, Some(v)) => {
                    return Err(format!("header {name}: expected absent, got {v:?}"));
                }
                (_, None) => return Err(format!("header {name}: missing (expected /{rx}/)")),
                (rx, Some(v)) => {
                    let pattern = rx.as_str().unwrap_or_default();
                    let re = regex::Regex::new(pattern)
                        .map_err(|e| format!("header {name}: bad regex: {e}"))?;
                    if !re.is_match(v) {
                        return Err(format!("header {name}: {v:?} does not match /{pattern}/"));
                    }
                }
            }
        }
    }
    let needs_json = expect.get("json").is_some() || expect.get("scimType").is_some();
    let doc = match (&reply.json, needs_json) {
        (Some(doc @ (Value::Object(_) | Value::Array(_))), _) => Some(doc),
        (_, false) => None,
        (_, true) => {
            return Err(match &reply.json_error {
                Some(e) => format!("response body is not JSON ({e})"),
                None => "response has no JSON body".into(),
            });
        }
    };
    if let (Some(Value::Object(paths)), Some(doc)) = (expect.get("json"), doc) {
        check_paths(doc, paths)?;
    }
    if let (Some(want), Some(doc)) = (expect.get("scimType").and_then(Value::as_str), doc) {
        match resolve(doc, "scimType")? {
            Some(Value::String(got)) if got.eq_ignore_ascii_case(want) => {}
            other => return Err(format!("scimType: expected {want:?}, got {other:?}")),
        }
    }
    Ok(())
}

fn capture(spec: &Map<String, Value>, reply: &Reply, vars: &mut HashMap<String, String>) {
    for (var, path) in spec {
        let Some(path) = path.as_str() else { continue };
        if path.len() >= 7 && path[..7].eq_ignore_ascii_case("header:") {
            if let Some(v) = reply.header(path[7..].trim()) {
                vars.insert(var.clone(), v.to_owned());
            }
            continue;
        }
        let mut value = reply
            .json
            .as_ref()
            .and_then(|doc| resolve(doc, path).ok().flatten())
            .filter(|v| !v.is_null())
            .cloned();
        if value.is_none()
            && path == "id"
            && reply.status == 201
            && let Some(location) = reply.header("Location")
        {
            let path_part = location.split(['?', '#']).next().unwrap_or_default();
            let segment = path_part
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let decoded = percent_encoding::percent_decode_str(segment)
                .decode_utf8_lossy()
                .into_owned();
            if !decoded.is_empty() {
                value = Some(Value::String(decoded));
            }
        }
        match value {
            Some(Value::String(s)) => {
                vars.insert(var.clone(), s);
            }
            Some(Value::Bool(b)) => {
                vars.insert(var.clone(), b.to_string());
            }
            Some(Value::Number(n)) => {
                vars.insert(var.clone(), n.to_string());
            }
            _ => {}
        }
    }
}

impl<T: Transport> Runner<T> {
    /// A runner for the service at `base_url` (e.g. `http://127.0.0.1:8080/scim/v2`), with
    /// no token and a fresh `${run}` token.
    pub fn new(transport: T, base_url: &str) -> Runner<T> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let vars = HashMap::from([
            ("run".to_owned(), run_token()),
            ("base_url".to_owned(), base_url.clone()),
        ]);
        Runner {
            transport,
            base_url,
            token: None,
            vars,
        }
    }

    /// Sends `Authorization: Bearer <token>` on every request (builder style).
    pub fn token(mut self, token: &str) -> Runner<T> {
        self.token = Some(token.to_owned());
        self
    }

    /// Sets a placeholder value, e.g. a fixed `run` (builder style).
    pub fn var(mut self, name: &str, value: &str) -> Runner<T> {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Runs every scenario in order and returns one line per failed one,
    /// `FAIL <file>: <name> -- <why>` (empty when all passed).
    pub async fn failures(&self, scenarios: &[Scenario]) -> Vec<String> {
        let mut failures = Vec::new();
        for scenario in scenarios {
            if let Err(why) = self.run(scenario).await {
                failures.push(format!(
                    "FAIL {}: {} -- {why}",
                    scenario.file, scenario.name
                ));
            }
        }
        failures
    }

    /// Runs every scenario in order and panics, listing every failed one, unless all
    /// passed: the assertion of a replay test.
    ///
    /// # Panics
    /// `N of M scenarios failed:` followed by the [`failures`](Self::failures) lines.
    pub async fn assert_all(&self, scenarios: &[Scenario]) {
        let failures = self.failures(scenarios).await;
        assert!(
            failures.is_empty(),
            "{} of {} scenarios failed:\n{}",
            failures.len(),
            scenarios.len(),
            failures.join("\n")
        );
    }

    /// Runs a scenario: `Ok` if it passed, else the first failing step and why.
    ///
    /// # Errors
    /// `step N/M "label": reason`.
    pub async fn run(&self, scenario: &Scenario) -> Result<(), String> {
        let mut vars = self.vars.clone();
        let steps = scenario.json["steps"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut failure = None;
        for (n, step) in steps.iter().enumerate() {
            if step.get("cleanup").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            if !when_holds(step.get("when"), &vars) {
                continue;
            }
            let label = step
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    format!(
                        "{} {}",
                        step["request"]["method"].as_str().unwrap_or_default(),
                        step["request"]["path"].as_str().unwrap_or_default()
                    )
                });
            let outcome = self.run_step(step, &mut vars).await;
            let reason = match outcome {
                Ok(()) => None,
                Err(StepError::Failed(reason)) => Some(reason),
                Err(StepError::Unresolved(Unresolved::Variable(name))) => {
                    Some(format!("placeholder ${{{name}}} is not set"))
                }
                Err(StepError::Unresolved(Unresolved::Modifier(why))) => {
                    Some(format!("placeholder: {why}"))
                }
            };
            if let Some(reason) = reason {
                failure = Some(format!(
                    "step {}/{} {label:?}: {reason}",
                    n + 1,
                    steps.len()
                ));
                break;
            }
        }
        for step in &steps {
            if step.get("cleanup").and_then(Value::as_bool) != Some(true)
                || !when_holds(step.get("when"), &vars)
            {
                continue;
            }
            let _ = self.run_step(step, &mut vars).await;
        }
        match failure {
            None => Ok(()),
            Some(f) => Err(f),
        }
    }

    async fn run_step(
        &self,
        step: &Value,
        vars: &mut HashMap<String, String>,
    ) -> Result<(), StepError> {
        let request = substitute(&step["request"], vars)?;
        let expects: Vec<Value> = match step.get("expect") {
            None => vec![Value::Object(Map::new())],
            Some(Value::Array(items)) => items.clone(),
            Some(one) => vec![one.clone()],
        };
        let applicable: Vec<&Value> = expects
            .iter()
            .filter(|e| when_holds(e.get("when"), vars))
            .collect();
        if applicable.is_empty() {
            return Err(StepError::Failed(
                "no expectation applies: none of the 'when' conditions holds".into(),
            ));
        }
        let applicable: Vec<Value> = applicable
            .into_iter()
            .map(|e| substitute(e, vars))
            .collect::<Result<_, _>>()?;
        let http_request = self.build(&request).map_err(StepError::Failed)?;
        let response = self
            .transport
            .send(http_request)
            .await
            .map_err(|e| StepError::Failed(format!("connection error: {e}")))?;
        let reply = Reply::from(response);
        if let Some(Value::Object(spec)) = step.get("capture") {
            capture(spec, &reply, vars);
        }
        let mut reasons = Vec::new();
        for expect in &applicable {
            match evaluate(expect, &reply) {
                Ok(()) => {
                    if let Some(Value::Object(set)) = expect.get("set") {
                        for (k, v) in set {
                            if let Some(v) = v.as_str() {
                                vars.insert(k.clone(), v.to_owned());
                            }
                        }
                    }
                    return Ok(());
                }
                Err(reason) => reasons.push(reason),
            }
        }
        Err(StepError::Failed(reasons.join(" | or | ")))
    }

    fn build(&self, request: &Value) -> Result<http::Request<Vec<u8>>, String> {
        let method = request["method"]
            .as_str()
            .unwrap_or("GET")
            .to_ascii_uppercase();
        let path = request["path"].as_str().unwrap_or("/");
        let query = request.get("query").and_then(Value::as_str).unwrap_or("");
        for (label, text) in [("path", path), ("query", query)] {
            if text.chars().any(|c| c <= ' ' || c as u32 >= 0x7f) {
                return Err(format!(
                    "request.{label} has a character that cannot be sent raw: {text:?}"
                ));
            }
        }
        let uri = if query.is_empty() {
            format!("{}{path}", self.base_url)
        } else {
            format!("{}{path}?{query}", self.base_url)
        };
        let body: Option<Vec<u8>> = match (request.get("body_raw"), request.get("body")) {
            (Some(Value::String(raw)), _) => Some(raw.as_bytes().to_vec()),
            (_, Some(body)) if !body.is_null() => {
                Some(serde_json::to_vec(body).map_err(|e| e.to_string())?)
            }
            _ => None,
        };
        let mut headers: Vec<(String, String)> = vec![("User-Agent".into(), USER_AGENT.into())];
        if let Some(token) = &self.token {
            headers.push(("Authorization".into(), format!("Bearer {token}")));
        }
        if body.is_some() {
            headers.push(("Content-Type".into(), "application/scim+json".into()));
        }
        if let Some(Value::Object(overrides)) = request.get("headers") {
            for (name, value) in overrides {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                if let Some(value) = value.as_str() {
                    headers.push((name.clone(), value.to_owned()));
                }
            }
        }
        let mut builder = http::Request::builder().method(method.as_str()).uri(&uri);
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| format!("header {name:?}: {e}"))?;
            let value = HeaderValue::from_str(&value).map_err(|e| format!("header {name}: {e}"))?;
            builder = builder.header(name, value);
        }
        builder
            .body(body.unwrap_or_default())
            .map_err(|e| format!("cannot build request {method} {uri}: {e}"))
    }
}

fn validate_matchers(value: &Value, at: &str) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            let dollar = map.keys().filter(|k| k.starts_with('$')).count();
            if dollar > 0 && dollar != map.len() {
                return Err(format!("{at}: mixes $operators with plain keys"));
            }
            for (k, v) in map {
                if k.starts_with('$') && !MATCHERS.contains(&k.as_str()) {
                    return Err(format!("{at}: unknown matcher {k}"));
                }
                if k == "$eq" || k == "$only" {
                    continue;
                }
                validate_matchers(v, at)?;
            }
            let _ = is_matcher(value);
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(|v| validate_matchers(v, at)),
        _ => Ok(()),
    }
}

fn is_var_map(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.values().all(Value::is_string))
}

/// Checks a scenario's shape, catching typos before anything is sent.
pub(crate) fn validate(scenario: &Value) -> Result<(), String> {
    for key in ["name", "idp", "source"] {
        let filled = scenario
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty());
        if !filled {
            return Err(format!("missing or empty string field {key:?}"));
        }
    }
    let steps = scenario
        .get("steps")
        .and_then(Value::as_array)
        .filter(|s| !s.is_empty())
        .ok_or("'steps' must be a non-empty list")?;
    for (n, step) in steps.iter().enumerate() {
        let at = format!("step {}", n + 1);
        let object = step.as_object().ok_or(format!("{at}: must be an object"))?;
        if let Some(extra) = object.keys().find(|k| !STEP_KEYS.contains(&k.as_str())) {
            return Err(format!("{at}: unknown key {extra:?}"));
        }
        let request = step
            .get("request")
            .and_then(Value::as_object)
            .ok_or(format!("{at}: 'request' object required"))?;
        if let Some(extra) = request.keys().find(|k| !REQUEST_KEYS.contains(&k.as_str())) {
            return Err(format!("{at}: unknown request key {extra:?}"));
        }
        if !request
            .get("method")
            .and_then(Value::as_str)
            .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic()))
        {
            return Err(format!("{at}: request.method must be an HTTP method name"));
        }
        if !request
            .get("path")
            .and_then(Value::as_str)
            .is_some_and(|p| p.starts_with('/'))
        {
            return Err(format!("{at}: request.path must start with /"));
        }
        for key in ["path", "query"] {
            if let Some(text) = request.get(key).and_then(Value::as_str)
                && strip(text).chars().any(|c| c <= ' ' || c as u32 >= 0x7f)
            {
                return Err(format!(
                    "{at}: request.{key} has a space, control or non-ASCII character"
                ));
            }
        }
        if request.contains_key("body") && request.contains_key("body_raw") {
            return Err(format!("{at}: use either body or body_raw"));
        }
        let expects: Vec<&Value> = match step.get("expect") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        for expect in expects {
            let e = expect.as_object().ok_or(format!(
                "{at}: expect must be an object or a list of objects"
            ))?;
            if let Some(extra) = e.keys().find(|k| !EXPECT_KEYS.contains(&k.as_str())) {
                return Err(format!("{at}: unknown expect key {extra:?}"));
            }
            if let Some(json) = e.get("json") {
                let json = json
                    .as_object()
                    .ok_or(format!("{at}: expect.json must map paths to values"))?;
                for (path, value) in json {
                    validate_matchers(value, &format!("{at} json {path:?}"))?;
                }
            }
            for key in ["when", "set"] {
                if let Some(v) = e.get(key)
                    && !is_var_map(v)
                {
                    return Err(format!(
                        "{at}: expect.{key} must map variable names to strings"
                    ));
                }
            }
        }
        if let Some(v) = step.get("when")
            && !is_var_map(v)
        {
            return Err(format!("{at}: when must map variable names to strings"));
        }
        check_modifiers(&step.to_string()).map_err(|e| format!("{at}: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::TransportFuture;

    /// A scripted response: status, headers, body.
    type Canned = (u16, Vec<(&'static str, &'static str)>, &'static str);

    /// Answers from a script and records what it was sent.
    struct Scripted {
        replies: Mutex<Vec<Canned>>,
        seen: Mutex<Vec<String>>,
    }

    impl Scripted {
        fn new(mut replies: Vec<Canned>) -> Scripted {
            replies.reverse();
            Scripted {
                replies: Mutex::new(replies),
                seen: Mutex::new(Vec::new()),
            }
        }
    }

    impl Transport for Scripted {
        fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
            self.seen.lock().unwrap().push(format!(
                "{} {} {}",
                request.method(),
                request.uri(),
                request
                    .headers()
                    .get("Authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-")
            ));
            let (status, headers, body) =
                self.replies
                    .lock()
                    .unwrap()
                    .pop()
                    .unwrap_or((500, vec![], ""));
            Box::pin(async move {
                let mut builder = http::Response::builder().status(status);
                for (k, v) in headers {
                    builder = builder.header(k, v);
                }
                Ok(builder.body(body.as_bytes().to_vec()).unwrap())
            })
        }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    const SCENARIO: &str = r#"{"name": "s", "idp": "x", "source": "test", "steps": [
      {"request": {"method": "POST", "path": "/Users", "body": {"userName": "u.${run}"}},
       "expect": {"status": 201}, "capture": {"uid": "id"}},
      {"request": {"method": "PATCH", "path": "/Users/${uid}", "headers": {"Authorization": null}},
       "expect": [{"status": [200, 204], "set": {"o": "applied"}}, {"status": 400, "scimType": "invalidValue", "set": {"o": "refused"}}]},
      {"request": {"method": "GET", "path": "/Users/${uid}"},
       "expect": [{"when": {"o": "applied"}, "json": {"active": false}}, {"when": {"o": "refused"}, "json": {"active": true}}]},
      {"cleanup": true, "request": {"method": "DELETE", "path": "/Users/${uid}"}},
      {"cleanup": true, "request": {"method": "DELETE", "path": "/Users/${never}"}}
    ]}"#;

    #[test]
    fn location_capture_branches_and_cleanup() {
        let transport = Scripted::new(vec![
            (201, vec![("Location", "http://h/v2/Users/abc%2Dd?x=1")], ""),
            (400, vec![], r#"{"scimType": "invalidValue"}"#),
            (200, vec![], r#"{"active": true}"#),
            (204, vec![], ""),
        ]);
        let scenario = Scenario::from_json(SCENARIO).unwrap();
        let runner = Runner::new(transport, "http://h/v2/")
            .token("tok")
            .var("run", "r1");
        assert_eq!(block(runner.run(&scenario)), Ok(()));
        let seen = runner.transport().seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                "POST http://h/v2/Users Bearer tok",
                "PATCH http://h/v2/Users/abc-d -",
                "GET http://h/v2/Users/abc-d Bearer tok",
                "DELETE http://h/v2/Users/abc-d Bearer tok",
            ],
            "id falls back to the Location header; the never-captured cleanup is skipped"
        );
    }

    /// [`SCENARIO`] against a server that answers its step 3 with `active: true`.
    fn failing_at_step_3() -> (Runner<Scripted>, Scenario) {
        let transport = Scripted::new(vec![
            (201, vec![], r#"{"id": "u1"}"#),
            (200, vec![], "{}"),
            (200, vec![], r#"{"active": true}"#),
            (204, vec![], ""),
        ]);
        let scenario = Scenario::from_json(SCENARIO).unwrap();
        (Runner::new(transport, "http://h/v2"), scenario)
    }

    #[test]
    fn failures_name_the_step_and_cleanup_still_runs() {
        let (runner, scenario) = failing_at_step_3();
        let err = block(runner.run(&scenario)).unwrap_err();
        assert!(
            err.starts_with(
                "step 3/5 \"GET /Users/${uid}\": json active: expected false, got true"
            ),
            "{err}"
        );
        let seen = runner.transport().seen.lock().unwrap().clone();
        assert_eq!(seen.last().unwrap(), "DELETE http://h/v2/Users/u1 -");
    }

    #[test]
    fn assert_all_lists_every_failed_scenario() {
        let (runner, scenario) = failing_at_step_3();
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            block(runner.assert_all(std::slice::from_ref(&scenario)))
        }))
        .expect_err("a failing scenario fails the assertion");
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(
            message.starts_with("1 of 1 scenarios failed:\nFAIL "),
            "{message}"
        );
        assert!(message.contains("step 3/5"), "{message}");
    }
}
