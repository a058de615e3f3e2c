//! Cursor paging (RFC 9865 §2): the `cursor` parameter and the `nextCursor` /
//! `previousCursor` of a ListResponse, on top of the index paging every store provides.
//!
//! A cursor is stateless: nothing is kept on the server between pages. It holds
//!
//! - the 0-based position of the first resource of the page it opens,
//! - the page size (`count`) of the first request, which every later page must keep
//!   (RFC 9865 §2.1 `invalidCount`),
//! - the time it was issued, in seconds since the Unix epoch, so that it expires after
//!   [`Limits::cursor_timeout_secs`](crate::Limits::cursor_timeout_secs) (`expiredCursor`),
//! - a tag: the first 16 bytes of a SHA-256 digest over those values and the query they
//!   belong to (tenant, resource type, canonical filter, `sortBy`, `sortOrder`).
//!
//! It is written as lower-case hex (RFC 3986 unreserved characters only, as RFC 9865 §2
//! requires). A cursor whose tag does not match (damaged, made up, or used with another
//! query or by another tenant) is 400 `invalidCursor`, the same answer for every case
//! (RFC 9865 §5). A cursor grants nothing: each page is authorised by its own bearer token
//! and searched within its own tenant, and a made-up position reaches only what
//! `startIndex` reaches anyway.
//!
//! Because the position is an index, a cursor page is as consistent as an index page
//! (RFC 7644 §3.4.2.4): a resource created or deleted before the position while a client
//! pages shifts the pages after it by one.

use std::time::{SystemTime, UNIX_EPOCH};

use scimkit_schema::{ScimError, ScimType};
use sha2::{Digest, Sha256};

use crate::store::SearchQuery;

/// The format version, the first byte of every cursor.
const VERSION: u8 = 1;
/// Bytes in a cursor: version, position, count, issue time, tag.
const LEN: usize = 1 + 8 + 8 + 8 + 16;

/// One decoded cursor: where its page starts, its page size, when it was issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// 0-based position of the page's first resource among all matches.
    pub(crate) offset: u64,
    /// The page size every page of this query uses.
    pub(crate) count: u64,
    /// Seconds since the Unix epoch.
    pub(crate) issued: u64,
}

/// What a cursor is bound to: the query whose pages it walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Binding([u8; 32]);

impl Binding {
    /// The binding of `query` on `scope` (a resource type's name, or `"/"` for a query
    /// across all types) for tenant `tenant`. Two requests that differ only in `attributes`,
    /// `excludedAttributes` or `count` have the same binding.
    pub(crate) fn new(tenant: &str, scope: &str, query: &SearchQuery) -> Binding {
        let mut digest = Sha256::new();
        for part in [
            tenant.to_owned(),
            scope.to_owned(),
            query
                .filter
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            query
                .sort
                .as_ref()
                .map(|s| format!("{} {:?}", s.by, s.order))
                .unwrap_or_default(),
        ] {
            digest.update((part.len() as u64).to_be_bytes());
            digest.update(part.as_bytes());
        }
        Binding(digest.finalize().into())
    }

    fn tag(&self, fields: &[u8]) -> [u8; 16] {
        let mut digest = Sha256::new();
        digest.update(b"scimkit cursor");
        digest.update(self.0);
        digest.update(fields);
        let full: [u8; 32] = digest.finalize().into();
        let mut tag = [0; 16];
        tag.copy_from_slice(&full[..16]);
        tag
    }
}

/// Seconds since the Unix epoch, now (0 if the clock is before it).
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cursor {
    /// The cursor's text: `2 × 41` lower-case hex digits.
    pub(crate) fn encode(&self, binding: &Binding) -> String {
        let mut bytes = Vec::with_capacity(LEN);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.offset.to_be_bytes());
        bytes.extend_from_slice(&self.count.to_be_bytes());
        bytes.extend_from_slice(&self.issued.to_be_bytes());
        let tag = binding.tag(&bytes);
        bytes.extend_from_slice(&tag);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a cursor this server issued for `binding`, checking it is still valid at `now`
    /// (seconds since the Unix epoch) with a lifetime of `timeout_secs`.
    ///
    /// # Errors
    /// 400 `invalidCursor` when `text` is not such a cursor (RFC 9865 §2.1); 400
    /// `expiredCursor` when it was issued more than `timeout_secs` before `now`.
    pub(crate) fn decode(
        text: &str,
        binding: &Binding,
        now: u64,
        timeout_secs: u64,
    ) -> Result<Cursor, ScimError> {
        let invalid = || {
            ScimError::new(
                ScimType::InvalidCursor,
                format!(
                    "cursor {:?} is not one this server issued for this query; send an empty \
                     cursor for the first page, then the nextCursor or previousCursor of the \
                     last page, with the same filter, sortBy and sortOrder (RFC 9865 §2.1)",
                    shorten(text)
                ),
            )
        };
        let bytes = hex_bytes(text.trim()).ok_or_else(invalid)?;
        if bytes.len() != LEN || bytes[0] != VERSION {
            return Err(invalid());
        }
        let (fields, tag) = bytes.split_at(LEN - 16);
        if binding.tag(fields) != tag {
            return Err(invalid());
        }
        let word = |at: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&fields[at..at + 8]);
            u64::from_be_bytes(b)
        };
        let cursor = Cursor {
            offset: word(1),
            count: word(9),
            issued: word(17),
        };
        if now.saturating_sub(cursor.issued) > timeout_secs {
            return Err(ScimError::new(
                ScimType::ExpiredCursor,
                format!(
                    "cursor was issued {} s ago; cursors are valid for {timeout_secs} s \
                     (cursorTimeout); start again with an empty cursor (RFC 9865 §2.1)",
                    now - cursor.issued
                ),
            ));
        }
        Ok(cursor)
    }
}

/// The bytes a string of hex digit pairs stands for; `None` if it is not one.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// At most the first 100 characters of `text`, for an error's detail.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scimkit_filter::FilterOptions;

    fn binding(filter: &str) -> Binding {
        let query = SearchQuery::all(10)
            .with_filter(FilterOptions::lenient().parse_filter(filter).unwrap());
        Binding::new("t1", "Users", &query)
    }

    #[test]
    fn a_cursor_round_trips_through_its_text() {
        let b = binding("userName sw \"a\"");
        let c = Cursor {
            offset: 20,
            count: 10,
            issued: 1_000,
        };
        let text = c.encode(&b);
        assert_eq!(text.len(), 2 * LEN);
        assert!(
            text.bytes()
                .all(|x| x.is_ascii_hexdigit() && !x.is_ascii_uppercase())
        );
        assert_eq!(Cursor::decode(&text, &b, 1_500, 3_600), Ok(c));
    }

    /// RFC 9865 §2.1 / §5: another query, another tenant, a changed byte or a made-up
    /// string are all the same `invalidCursor`.
    #[test]
    fn a_cursor_for_another_query_or_tenant_or_altered_is_invalid() {
        let b = binding("userName sw \"a\"");
        let text = Cursor {
            offset: 20,
            count: 10,
            issued: 1_000,
        }
        .encode(&b);
        let query = SearchQuery::all(10).with_filter(
            FilterOptions::lenient()
                .parse_filter("userName sw \"a\"")
                .unwrap(),
        );
        let others = [
            binding("userName sw \"b\""),
            Binding::new("t2", "Users", &query),
            Binding::new("t1", "Groups", &query),
        ];
        for other in others {
            let err = Cursor::decode(&text, &other, 1_000, 3_600).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidCursor));
        }
        // The position changed from 20 to 21 without a new tag.
        let mut forged = text.clone().into_bytes();
        forged[17] = b'5';
        let forged = String::from_utf8(forged).unwrap();
        for bad in [forged.as_str(), "", "zz", "é", &text[..text.len() - 2]] {
            let err = Cursor::decode(bad, &b, 1_000, 3_600).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidCursor), "{bad:?}");
            assert_eq!(err.status, 400);
        }
    }

    /// The binding is over the canonical filter: operator case and spacing do not matter.
    #[test]
    fn the_same_filter_spelled_differently_binds_the_same() {
        assert_eq!(
            binding("userName sw \"a\""),
            binding("userName  SW   \"a\"")
        );
        assert_ne!(binding("userName sw \"a\""), binding("userName sw \"A\""));
    }

    #[test]
    fn a_cursor_older_than_the_timeout_is_expired() {
        let b = binding("userName pr");
        let text = Cursor {
            offset: 0,
            count: 10,
            issued: 1_000,
        }
        .encode(&b);
        assert!(Cursor::decode(&text, &b, 4_600, 3_600).is_ok());
        let err = Cursor::decode(&text, &b, 4_601, 3_600).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::ExpiredCursor));
        assert!(err.detail.as_deref().unwrap().contains("3601 s ago"));
    }
}
