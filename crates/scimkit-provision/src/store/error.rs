//! [`StoreError`]: what a store call can fail with, and how each maps to a SCIM Error.

use scimkit_schema::ScimError;

use super::Version;

/// Why a [`Store`](super::Store) call failed. Converts into the SCIM Error the service
/// answers with ([`From<StoreError> for ScimError`](ScimError)).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No resource with that id (never created, deleted, or another tenant's): 404.
    #[error("resource not found")]
    NotFound,
    /// The expected version is not the current one: 412 Precondition Failed
    /// (RFC 7644 §3.14). The service retries PATCH and PUT without `If-Match` instead.
    #[error("version mismatch: the resource is now at {current}")]
    VersionMismatch {
        /// The resource's current version.
        current: Version,
    },
    /// A unique attribute's value is taken by another resource of the tenant: 409
    /// `uniqueness` (RFC 7644 §3.3).
    #[error("{attribute} {value:?} is already in use")]
    Uniqueness {
        /// The attribute's canonical path, e.g. `userName`.
        attribute: String,
        /// The value as sent.
        value: String,
    },
    /// The request cannot be carried out as asked (bad filter, refused PATCH, ...): the
    /// SCIM Error is returned as is.
    #[error("{0}")]
    Invalid(ScimError),
    /// The back-end failed (I/O, a broken connection, ...): 500 with this detail.
    #[error("storage back-end failed: {0}")]
    Backend(String),
}

impl From<ScimError> for StoreError {
    fn from(err: ScimError) -> StoreError {
        StoreError::Invalid(err)
    }
}

impl From<StoreError> for ScimError {
    fn from(err: StoreError) -> ScimError {
        match err {
            StoreError::NotFound => ScimError::not_found("resource not found (RFC 7644 §3.4.1)"),
            StoreError::VersionMismatch { .. } => ScimError::with_status(
                412,
                "the resource has changed: its version does not match If-Match (RFC 7644 §3.14)",
            ),
            StoreError::Uniqueness { attribute, value } => ScimError::uniqueness(format!(
                "{attribute} {value:?} is already in use by another resource (RFC 7644 §3.3)"
            )),
            StoreError::Invalid(err) => err,
            StoreError::Backend(detail) => {
                ScimError::with_status(500, format!("storage failure: {detail}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scimkit_schema::ScimType;

    #[test]
    fn each_error_maps_to_its_status() {
        let cases = [
            (StoreError::NotFound, 404, None),
            (
                StoreError::VersionMismatch {
                    current: Version::new("2"),
                },
                412,
                None,
            ),
            (
                StoreError::Uniqueness {
                    attribute: "userName".into(),
                    value: "bjensen".into(),
                },
                409,
                Some(ScimType::Uniqueness),
            ),
            (StoreError::Backend("disk full".into()), 500, None),
        ];
        for (err, status, scim_type) in cases {
            let scim = ScimError::from(err);
            assert_eq!(scim.status, status);
            assert_eq!(scim.scim_type, scim_type);
        }
    }
}
