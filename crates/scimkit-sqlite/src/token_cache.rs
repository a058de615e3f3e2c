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
    entries: Mutex<HashMap<TokenHash, (Arc<Tenant>, Instant)>>,
}

impl TokenCache {
    /// The tenant of `hash` if it was read less than [`TOKEN_CACHE_TTL`] ago.
    pub(crate) fn get(&self, hash: &TokenHash) -> Option<Arc<Tenant>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (tenant, read) = entries.get(hash)?;
        (read.elapsed() < TOKEN_CACHE_TTL).then(|| tenant.clone())
    }

    /// Remembers that `hash` belongs to `tenant`, as read now.
    pub(crate) fn put(&self, hash: TokenHash, tenant: Arc<Tenant>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(hash, (tenant, Instant::now()));
    }

    /// Forgets everything (after any change to the `tenants` table through this store).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
