//! Parsing a request message from bytes with SCIM errors.

use serde::de::DeserializeOwned;

use crate::error::ScimError;

/// Parses `body` as a message of type `T` whose `schemas` must list `urn`.
pub(crate) fn parse_message<T: DeserializeOwned>(
    body: &[u8],
    urn: &str,
    schemas: impl Fn(&T) -> &[String],
) -> Result<T, ScimError> {
    let message: T = serde_json::from_slice(body).map_err(|e| {
        ScimError::invalid_syntax(format!("not a valid {} message: {e}", short(urn)))
    })?;
    if !schemas(&message)
        .iter()
        .any(|s| s.eq_ignore_ascii_case(urn))
    {
        return Err(ScimError::invalid_syntax(format!(
            "\"schemas\" must contain {urn:?} (RFC 7644 §3.1)"
        )));
    }
    Ok(message)
}

/// The default `schemas` of a message: just its URN.
pub(crate) fn schemas_of(urn: &str) -> Vec<String> {
    vec![urn.to_owned()]
}

fn short(urn: &str) -> &str {
    urn.rsplit(':').next().unwrap_or(urn)
}
