//! The provisioning log: one structured `tracing` line per provisioning change, like the
//! provisioning log an identity provider keeps on its side.
//!
//! Successful changes come from the service's [`EventSink`] (after the store confirmed the
//! write); refused writes come from the HTTP layer ([`failure`]). Every line has the target
//! `scimkit::provisioning` and the fields `tenant`, `operation`, `resource_type`, `id` and
//! `outcome` (`success` or `failure`); failures add `status`, `scim_type` and `detail`.

use scimkit_provision::{Change, Event, EventSink};
use tracing::info;

/// How many member ids a `members_added` / `members_removed` line lists before it only
/// counts (a 100,000-member group must not become one 4 MB log line).
pub const MAX_LOGGED_MEMBERS: usize = 20;

/// The [`EventSink`] that writes the provisioning log.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProvisioningLog;

/// The operation name of a change, as logged.
pub fn operation(change: &Change) -> &'static str {
    match change {
        Change::Created => "created",
        Change::Updated => "updated",
        Change::Deactivated => "deactivated",
        Change::Reactivated => "reactivated",
        Change::Renamed { .. } => "renamed",
        Change::MembersAdded(_) => "members_added",
        Change::MembersRemoved(_) => "members_removed",
        Change::Deleted => "deleted",
    }
}

/// The member ids of a membership change, at most [`MAX_LOGGED_MEMBERS`] of them, and their
/// count.
fn members(change: &Change) -> Option<(usize, String)> {
    let (Change::MembersAdded(ids) | Change::MembersRemoved(ids)) = change else {
        return None;
    };
    let mut shown = ids
        .iter()
        .take(MAX_LOGGED_MEMBERS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",");
    if ids.len() > MAX_LOGGED_MEMBERS {
        shown.push_str(",...");
    }
    Some((ids.len(), shown))
}

impl EventSink for ProvisioningLog {
    fn record(&self, event: Event) {
        let operation = operation(&event.change);
        let (count, ids) = members(&event.change).unzip();
        let (from, to) = match &event.change {
            Change::Renamed { from, to } => (
                Some(from.as_deref().unwrap_or("")),
                Some(to.as_deref().unwrap_or("")),
            ),
            _ => (None, None),
        };
        // `Option` fields are left out of the line when `None`.
        info!(
            target: "scimkit::provisioning",
            tenant = %event.tenant,
            operation,
            resource_type = %event.resource_type,
            id = %event.id,
            outcome = "success",
            count,
            members = ids.as_deref(),
            from,
            to,
        );
    }
}

/// A refused write (POST, PUT, PATCH, DELETE answered with an error status).
#[derive(Debug)]
pub struct Failure<'a> {
    /// The tenant, when the token named one.
    pub tenant: Option<&'a str>,
    /// `create`, `replace`, `patch`, `delete`, `bulk` or `search`.
    pub operation: &'static str,
    /// The request path below the base path, e.g. `/Users/2819c223`.
    pub path: &'a str,
    /// The HTTP status.
    pub status: u16,
    /// The SCIM Error's `scimType`, if any.
    pub scim_type: Option<&'a str>,
    /// The SCIM Error's `detail`, if any.
    pub detail: Option<&'a str>,
}

/// Logs a refused write.
pub fn failure(f: &Failure<'_>) {
    info!(
        target: "scimkit::provisioning",
        tenant = f.tenant.unwrap_or("-"),
        operation = f.operation,
        path = f.path,
        outcome = "failure",
        status = f.status,
        scim_type = f.scim_type.unwrap_or(""),
        detail = f.detail.unwrap_or(""),
    );
}

/// The operation a write request performs, by method and path shape; `None` for reads.
pub fn write_operation(method: &http::Method, path: &str) -> Option<&'static str> {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    match *method {
        http::Method::POST if last.eq_ignore_ascii_case("Bulk") => Some("bulk"),
        http::Method::POST if last == ".search" => None,
        http::Method::POST => Some("create"),
        http::Method::PUT => Some("replace"),
        http::Method::PATCH => Some("patch"),
        http::Method::DELETE => Some("delete"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;

    #[test]
    fn membership_lines_are_bounded() {
        let ids: Vec<String> = (0..25).map(|i| format!("u{i}")).collect();
        let (count, shown) = members(&Change::MembersAdded(ids)).unwrap();
        assert_eq!(count, 25);
        assert_eq!(shown.split(',').count(), MAX_LOGGED_MEMBERS + 1);
        assert!(shown.ends_with(",..."));
        let (count, shown) = members(&Change::MembersRemoved(vec!["a".into()])).unwrap();
        assert_eq!((count, shown.as_str()), (1, "a"));
        assert!(members(&Change::Created).is_none());
    }

    #[test]
    fn writes_are_told_from_reads() {
        assert_eq!(
            write_operation(&Method::POST, "/scim/v2/Users"),
            Some("create")
        );
        assert_eq!(
            write_operation(&Method::POST, "/scim/v2/Bulk"),
            Some("bulk")
        );
        assert_eq!(
            write_operation(&Method::POST, "/scim/v2/Users/.search"),
            None
        );
        assert_eq!(
            write_operation(&Method::PATCH, "/scim/v2/Groups/g1"),
            Some("patch")
        );
        assert_eq!(
            write_operation(&Method::DELETE, "/scim/v2/Users/u1/"),
            Some("delete")
        );
        assert_eq!(write_operation(&Method::GET, "/scim/v2/Users"), None);
    }
}
