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
//! - a tag: the first 16 bytes of an HMAC-SHA-256, under the service's secret key
//!   ([`ScimServiceBuilder::cursor_key`](crate::ScimServiceBuilder::cursor_key)), over
//!   those values and the query they belong to (tenant, resource type, canonical filter,
//!   `sortBy`, `sortOrder`).
//!
//! It is written as lower-case hex (RFC 3986 unreserved characters only, as RFC 9865 §2
//! requires). It is readable, not forgeable: a cursor whose tag does not match (damaged,
//! made up, made under another key, or used with another query or by another tenant) is
//! 400 `invalidCursor`, the same answer for every case (RFC 9865 §5). A tagged cursor is
//! still checked against the limits in force: a page size above the maximum page size is
//! `invalidCount`, an issue time more than five minutes ahead of the clock is
//! `invalidCursor`. A cursor grants nothing: each page is authorised by its own bearer
//! token and searched within its own tenant.
//!
//! Because the position is an index, a cursor page is as consistent as an index page
//! (RFC 7644 §3.4.2.4): when a resource ahead of the position is created, deleted, or
//! changed so that it enters or leaves the filter or moves in the sort order while a client
//! pages, the pages after it shift by one, and the client sees one resource twice or misses
//! one.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use scimkit_schema::{ScimError, ScimType};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

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

/// How far ahead of the clock a cursor's issue time may be (a clock set back), in seconds.
const CLOCK_SKEW_SECS: u64 = 300;

/// The secret cursors are tagged with: 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct CursorKey([u8; 32]);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// The key for `secret` (any length): its SHA-256 digest.
    pub(crate) fn new(secret: &[u8]) -> CursorKey {
        CursorKey(Sha256::digest(secret).into())
    }

    /// A random key, from the same source as bearer tokens (256 bits).
    pub(crate) fn random() -> CursorKey {
        CursorKey::new(crate::generate_token().as_bytes())
    }
}

/// What a cursor is bound to: the service's key and the query whose pages it walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Binding {
    key: CursorKey,
    query: [u8; 32],
}

impl Binding {
    /// The binding of `query` on `scope` (a resource type's name, or `"/"` for a query
    /// across all types) for tenant `tenant`, under `key`. Two requests that differ only in
    /// `attributes`, `excludedAttributes` or `count` have the same binding.
    pub(crate) fn new(key: CursorKey, tenant: &str, scope: &str, query: &SearchQuery) -> Binding {
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
        Binding {
            key,
            query: digest.finalize().into(),
        }
    }

    /// HMAC-SHA-256 under the key over the query digest and `fields`, cut to 16 bytes.
    fn tag(&self, fields: &[u8]) -> [u8; 16] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key.0)
            .expect("HMAC takes a key of any length");
        mac.update(&self.query);
        mac.update(fields);
        let full: [u8; 32] = mac.finalize().into_bytes().into();
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

    /// Reads a cursor this server issued for `binding`, checking it against the limits in
    /// force: a lifetime of `timeout_secs` at `now` (seconds since the Unix epoch) and a page
    /// size of at most `max_count`.
    ///
    /// # Errors
    /// 400 `invalidCursor` when `text` is not such a cursor, or was issued more than five
    /// minutes after `now` (RFC 9865 §2.1); 400 `expiredCursor` when it was issued more than
    /// `timeout_secs` before `now`; 400 `invalidCount` when its page size is above
    /// `max_count` (the maximum was lowered while the client paged).
    pub(crate) fn decode(
        text: &str,
        binding: &Binding,
        now: u64,
        timeout_secs: u64,
        max_count: u64,
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
        // Compared in constant time, so the time taken says nothing of the right tag.
        if !bool::from(binding.tag(fields)[..].ct_eq(tag)) {
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
        if cursor.issued > now.saturating_add(CLOCK_SKEW_SECS) {
            return Err(invalid());
        }
        if cursor.count > max_count {
            return Err(ScimError::new(
                ScimType::InvalidCount,
                format!(
                    "the cursor's page size {} is above maxPageSize {max_count}; start again \
                     with an empty cursor (RFC 9865 §2.1)",
                    cursor.count
                ),
            ));
        }
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

/// The bytes a string of hex digit pairs stands for; `None` if it is not one (only
/// `0-9`, `a-f`, `A-F`: `u8::from_str_radix` alone would take a leading `+`).
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
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

    const KEY: CursorKey = CursorKey([7; 32]);

    fn binding(filter: &str) -> Binding {
        let query = SearchQuery::all(10)
            .with_filter(FilterOptions::lenient().parse_filter(filter).unwrap());
        Binding::new(KEY, "t1", "Users", &query)
    }

    /// The text of a cursor for `b`.
    fn issue(b: &Binding, offset: u64, count: u64, issued: u64) -> String {
        Cursor {
            offset,
            count,
            issued,
        }
        .encode(b)
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
        assert_eq!(Cursor::decode(&text, &b, 1_500, 3_600, 100), Ok(c));
    }

    /// RFC 9865 §2.1 / §5: another query, another tenant, a changed byte or a made-up
    /// string are all the same `invalidCursor`.
    #[test]
    fn a_cursor_for_another_query_or_tenant_or_altered_is_invalid() {
        let b = binding("userName sw \"a\"");
        let text = issue(&b, 20, 10, 1_000);
        let query = SearchQuery::all(10).with_filter(
            FilterOptions::lenient()
                .parse_filter("userName sw \"a\"")
                .unwrap(),
        );
        let others = [
            binding("userName sw \"b\""),
            Binding::new(KEY, "t2", "Users", &query),
            Binding::new(KEY, "t1", "Groups", &query),
            Binding::new(CursorKey::new(b"another key"), "t1", "Users", &query),
        ];
        for other in others {
            let err = Cursor::decode(&text, &other, 1_000, 3_600, 100).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidCursor));
        }
        // The position changed from 20 to 21 without a new tag.
        let mut forged = text.clone().into_bytes();
        forged[17] = b'5';
        let forged = String::from_utf8(forged).unwrap();
        // Regression (tester): `from_str_radix` took "+1" for 0x01.
        let plus = format!("+{}", &text[1..]);
        assert_eq!(&text[..1], "0");
        for bad in [
            forged.as_str(),
            &plus,
            "",
            "zz",
            "é",
            &text[..text.len() - 2],
        ] {
            let err = Cursor::decode(bad, &b, 1_000, 3_600, 100).unwrap_err();
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
        let text = issue(&b, 0, 10, 1_000);
        assert!(Cursor::decode(&text, &b, 4_600, 3_600, 100).is_ok());
        let err = Cursor::decode(&text, &b, 4_601, 3_600, 100).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::ExpiredCursor));
        assert!(err.detail.as_deref().unwrap().contains("3601 s ago"));
    }

    /// A cursor with a valid tag is still held to the limits in force: an issue time more
    /// than five minutes ahead is `invalidCursor`, a page size above the maximum (lowered
    /// since) is `invalidCount`.
    #[test]
    fn a_tagged_cursor_is_held_to_the_limits_in_force() {
        let b = binding("userName pr");
        let ahead = issue(&b, 0, 10, 1_301);
        let err = Cursor::decode(&ahead, &b, 1_000, 3_600, 100).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidCursor));
        assert!(Cursor::decode(&ahead, &b, 1_001, 3_600, 100).is_ok());
        let big = issue(&b, 0, 101, 1_000);
        let err = Cursor::decode(&big, &b, 1_000, 3_600, 100).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidCount));
        assert!(
            err.detail
                .as_deref()
                .unwrap()
                .contains("page size 101 is above maxPageSize 100")
        );
    }
}
