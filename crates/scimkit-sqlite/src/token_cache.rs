//! [`TokenCache`]: the tenants recently authenticated, so that a request does not cost a
//! database round trip before its real work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scimkit_provision::{Tenant, TokenHash};

/// How long an authenticated token's tenant is reused without reading the `tenants` table
/// again: the delay with which a change made by another process (`scimkit tenant disable`,
/// `rotate-token` while the server runs) takes effect. Changes made through the same store
/// take effect at once.
pub const TOKEN_CACHE_TTL: Duration = Duration::from_secs(1);

/// Most tokens kept; beyond, the cache starts over (a server has a handful of tenants).
const CAPACITY: usize = 1024;

/// Token digest → tenant and when it was read. Only tokens found in the table are kept, so
/// unknown tokens always reach the database and are always refused.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    map: HashMap<TokenHash, (Arc<Tenant>, Instant)>,
    /// How many times the cache was cleared: a tenant read before a clear is not kept.
    generation: u64,
}

/// When a lookup started, for [`TokenCache::put`]: see [`TokenCache::generation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Generation(u64);

impl TokenCache {
    /// The tenant of `hash` if it was read less than [`TOKEN_CACHE_TTL`] ago.
    pub(crate) fn get(&self, hash: &TokenHash) -> Option<Arc<Tenant>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (tenant, read) = entries.map.get(hash)?;
        (read.elapsed() < TOKEN_CACHE_TTL).then(|| tenant.clone())
    }

    /// Taken before reading a tenant from the table, and given to [`put`](Self::put).
    pub(crate) fn generation(&self) -> Generation {
        Generation(
            self.entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .generation,
        )
    }

    /// Remembers that `hash` belongs to `tenant`, as read from the table since `since`,
    /// unless the cache was cleared meanwhile: a change committed during the read would
    /// otherwise be hidden behind the older tenant for up to [`TOKEN_CACHE_TTL`] (tester: a
    /// tenant disabled during an authentication stayed enabled for that second).
    pub(crate) fn put(&self, hash: TokenHash, tenant: Arc<Tenant>, since: Generation) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.generation != since.0 {
            return;
        }
        if entries.map.len() >= CAPACITY {
            entries.map.clear();
        }
        entries.map.insert(hash, (tenant, Instant::now()));
    }

    /// Forgets everything (after any change to the `tenants` table through this store),
    /// including the lookups running now.
    pub(crate) fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.map.clear();
        entries.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (tester): an authentication that read a tenant, then a change through the
    /// store that cleared the cache, then the authentication's `put` of the tenant as it
    /// was: the change was hidden for up to [`TOKEN_CACHE_TTL`]. A tenant read before a
    /// clear is not kept; one read after it is.
    #[test]
    fn a_tenant_read_before_a_clear_is_not_kept() {
        let cache = TokenCache::default();
        let hash = TokenHash::of("token");
        let since = cache.generation();
        let stale = Arc::new(Tenant::new("acme"));
        cache.clear();
        cache.put(hash, stale, since);
        assert!(cache.get(&hash).is_none(), "read before the clear");
        let since = cache.generation();
        cache.put(hash, Arc::new(Tenant::new("acme")), since);
        assert!(cache.get(&hash).is_some(), "read after it");
    }
}
