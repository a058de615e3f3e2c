//! Test support: replays the project's IdP scenario files against a SCIM service.
//!
//! The scenarios (copied into `data/idp/` and `data/cases/`) describe what Microsoft Entra
//! ID, Okta, OneLogin and JumpCloud send, step by step, with the state read back and checked.
//! This crate runs them with the same semantics as the shared `idp_replay.py` checker, over
//! any [`Transport`] (`http::Request<Vec<u8>>` → `http::Response<Vec<u8>>`): in-process
//! through `scimkit_provision::ScimService`, or over real HTTP against `scimkit serve`.
//!
//! # Scenario format
//!
//! A scenario is `{"name", "idp", "source", "steps": [STEP, ...]}`. A step:
//!
//! - `request`: `method`, `path` (appended to the base URL), `query` (raw, sent as
//!   written), `headers` (override the defaults `Authorization: Bearer <token>`,
//!   `User-Agent: idp-replay/1.0` and, with a body, `Content-Type: application/scim+json`;
//!   `null` removes one), `body` (JSON) or `body_raw` (text);
//! - `expect`: `status` (an int or a list; default any 2xx), `json` (dotted path →
//!   expected value or matcher), `header` (name → regex, `null` = absent), `scimType`; or a
//!   list of such objects, of which one must hold. An expect object may `set` variables
//!   when it is the one that holds, and is only considered `when` its variables have the
//!   given values;
//! - `capture`: variable → dotted path in the response JSON, or `header:NAME`; a capture of
//!   `id` on a 201 without one falls back to the `Location` header's last segment;
//! - `when`: run the step only if the variables have these values;
//! - `cleanup: true`: runs at the end whatever happened, never fails the scenario, and is
//!   skipped when it uses a variable never captured.
//!
//! Placeholders `${name}` in every string: `${run}` (a token per run), `${base_url}`,
//! captures and `set` variables; modifiers `|upper`, `|lower`, `|url` (percent-encode all but
//! unreserved characters) and `|dt(SHIFT,OFFSET)` (an `xsd:dateTime` shifted by SHIFT seconds
//! and written as local time at OFFSET, without fraction or offset).
//!
//! Dotted paths: `Resources.0.id`, `name.givenName`, `emails[type=work].value`,
//! `members[value="${uid}"]`, `urn:...:enterprise:2.0:User.manager.value` (a `urn:`
//! segment matches the longest key it starts with); keys match exactly, else
//! case-insensitively.
//!
//! Expected values: plain JSON (objects match as subsets, lists in any order with the same
//! length, `null` = absent or null) or matchers `$absent`, `$present`, `$len`,
//! `$contains`, `$ci`, `$empty`, `$in`, `$any`, `$not`, `$eq`, `$regex`, `$type`, `$gt`,
//! `$gte`, `$lt`, `$lte`, `$only` (several in one object must all hold).
//!
//! # Example
//!
//! ```
//! use scimkit_replay::{Runner, Transport, TransportFuture, Scenario};
//!
//! /// A "server" that answers every request with an empty 200 ListResponse.
//! struct Canned;
//! impl Transport for Canned {
//!     fn send(&self, _request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
//!         Box::pin(async {
//!             let body = br#"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
//!                             "totalResults": 0, "Resources": []}"#.to_vec();
//!             Ok(http::Response::builder().status(200).body(body).unwrap())
//!         })
//!     }
//! }
//!
//! let scenario = Scenario::from_json(r#"{"name": "probe", "idp": "entra", "source": "doc",
//!   "steps": [{"request": {"method": "GET", "path": "/Users", "query": "filter=userName+eq+%22${run}%22"},
//!              "expect": {"status": 200, "json": {"totalResults": 0, "Resources": {"$len": 0}}}}]}"#).unwrap();
//! let runner = Runner::new(Canned, "http://localhost/scim/v2").token("t");
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! assert_eq!(runner.run(&scenario).await, Ok(()));
//! # });
//! ```
#![forbid(unsafe_code)]

mod matcher;
mod path;
mod placeholder;
mod runner;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use serde_json::Value;

pub use matcher::check;
pub use path::resolve;
pub use placeholder::{Unresolved, substitute};
pub use runner::Runner;

/// What [`Transport::send`] returns: the response, or a connection error.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<Vec<u8>>, String>> + Send + 'a>>;

/// Sends one request and returns the response (no redirects followed).
pub trait Transport: Send + Sync {
    /// Sends `request`; its URI is the base URL + path + query.
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_>;
}

/// One scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The file name, e.g. `entra-manager-add-string.json` (empty when built from text).
    pub file: String,
    /// The scenario's `name`.
    pub name: String,
    /// The whole scenario JSON.
    pub json: Value,
}

impl Scenario {
    /// Parses a scenario and checks its shape.
    ///
    /// # Errors
    /// A message when the text is not JSON or not a valid scenario.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        runner::validate(&json)?;
        let name = json["name"].as_str().unwrap_or_default().to_owned();
        Ok(Scenario {
            file: String::new(),
            name,
            json,
        })
    }

    /// Loads every `*.json` file of a folder, sorted by name.
    ///
    /// # Errors
    /// A message naming the file that could not be read or is invalid.
    pub fn load_dir(dir: &Path) -> Result<Vec<Scenario>, String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|file| {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                let mut scenario =
                    Scenario::from_json(&text).map_err(|e| format!("{}: {e}", file.display()))?;
                scenario.file = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Ok(scenario)
            })
            .collect()
    }
}

/// The folder holding the scenario data (`data/` of this crate).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Every shared scenario: `data/idp/` then `data/cases/`.
///
/// # Errors
/// A message naming a file that could not be read or is invalid.
pub fn all_scenarios() -> Result<Vec<Scenario>, String> {
    let mut all = Scenario::load_dir(&data_dir().join("idp"))?;
    all.extend(Scenario::load_dir(&data_dir().join("cases"))?);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_scenario_loads_and_validates() {
        let all = all_scenarios().unwrap();
        assert_eq!(all.len(), 96, "27 IdP scenarios and 69 cases");
        assert!(
            all.iter()
                .all(|s| !s.name.is_empty() && s.file.ends_with(".json"))
        );
    }

    #[test]
    fn invalid_scenarios_are_refused() {
        for bad in [
            r#"{"name": "x", "idp": "e", "source": "s", "steps": []}"#,
            r#"{"name": "x", "idp": "e", "source": "s", "steps": [{"request": {"method": "GET", "path": "Users"}}]}"#,
            r#"{"name": "x", "idp": "e", "source": "s", "steps": [{"request": {"method": "GET", "path": "/U"}, "expect": {"json": {"a": {"$nope": 1}}}}]}"#,
            r#"{"name": "x", "idp": "e", "source": "s", "steps": [{"request": {"method": "GET", "path": "/U", "query": "a b"}}]}"#,
            r#"{"name": "x", "idp": "e", "source": "s", "steps": [{"request": {"method": "GET", "path": "/U"}, "extra": 1}]}"#,
        ] {
            assert!(Scenario::from_json(bad).is_err(), "{bad}");
        }
    }
}
