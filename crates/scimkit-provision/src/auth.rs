//! Authentication: bearer token → tenant (RFC 7644 §2, RFC 6750).
//!
//! The provided [`TokenAuthenticator`] never keeps a token: it stores the SHA-256 digest
//! ([`TokenHash`]) and compares digests in constant time (`subtle`), so neither a memory dump
//! nor response timing reveals a token. SHA-256 without salt or stretching is the right tool
//! for bearer tokens because they are long random secrets ([`generate_token`] makes 256-bit
//! ones), not guessable passwords (RFC 7644 §7.4 asks for "sufficient entropy").

use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::store::BoxFuture;
use crate::tenant::Tenant;

/// Who a request acts for: the tenant and, if known, the subject (for `/Me`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The tenant.
    pub tenant: Arc<Tenant>,
    /// The subject the credentials belong to, if the authenticator knows one.
    pub subject: Option<String>,
}

/// Maps the bearer token of a request to a [`Principal`]. Implement it to look tokens up in
/// your own database; [`TokenAuthenticator`] keeps them in memory.
pub trait Authenticator: Send + Sync {
    /// The principal for `token` (the text after `Bearer `), or `None` when the token is
    /// unknown. A disabled tenant is still returned: the service answers 403 for it.
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<Principal>>;
}

/// The SHA-256 digest of a bearer token: what gets stored instead of the token.
///
/// ```
/// use scimkit_provision::TokenHash;
///
/// let hash = TokenHash::of("s3cret-token");
/// assert!(hash.verify("s3cret-token"));
/// assert!(!hash.verify("s3cret-tokeN"));
/// assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// Hashes a token.
    pub fn of(token: &str) -> TokenHash {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `token` hashes to this digest, compared in constant time.
    pub fn verify(&self, token: &str) -> bool {
        self.ct_eq(&TokenHash::of(token))
    }

    /// Constant-time equality of two digests.
    pub fn ct_eq(&self, other: &TokenHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    /// Lower-case hex (64 characters), for storing in a database or a file.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Parses [`to_hex`](Self::to_hex) output.
    pub fn from_hex(hex: &str) -> Option<TokenHash> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(TokenHash(out))
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

/// A new random bearer token: 256 bits from the operating system's generator (two v4 UUIDs'
/// worth of randomness), as 64 lower-case hex characters.
pub fn generate_token() -> String {
    let a = uuid::Uuid::new_v4().simple().to_string();
    let b = uuid::Uuid::new_v4().simple().to_string();
    // A v4 UUID has 122 random bits; hashing two of them spreads 244 bits over the output.
    TokenHash::of(&format!("{a}{b}")).to_hex()
}

/// In-memory bearer-token authenticator: token digests → tenants. Thread-safe; tenants can
/// be added, replaced (e.g. disabled) and removed while the service runs.
///
/// Lookup hashes the presented token once and compares it with every stored digest in
/// constant time without stopping at a match, so timing does not depend on which digest (if
/// any) matched. Cost is linear in the number of tokens, fine for thousands; a host with far
/// more implements [`Authenticator`] over its database.
///
/// ```
/// use std::sync::Arc;
/// use scimkit_provision::{Authenticator, Tenant, TokenAuthenticator};
///
/// let auth = TokenAuthenticator::new();
/// auth.insert("token-for-acme", Tenant::new("acme"));
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let principal = auth.authenticate("token-for-acme").await.unwrap();
/// assert_eq!(principal.tenant.id, "acme");
/// assert!(auth.authenticate("token-for-acme ").await.is_none());
/// # });
/// ```
#[derive(Default)]
pub struct TokenAuthenticator {
    entries: RwLock<Vec<(TokenHash, Arc<Tenant>)>>,
}

impl TokenAuthenticator {
    /// An authenticator that knows no token.
    pub fn new() -> TokenAuthenticator {
        TokenAuthenticator::default()
    }

    /// Adds (or re-points) `token` to `tenant`; only the digest is kept.
    pub fn insert(&self, token: &str, tenant: Tenant) {
        self.insert_hash(TokenHash::of(token), tenant);
    }

    /// Adds (or re-points) a stored digest to `tenant`.
    pub fn insert_hash(&self, hash: TokenHash, tenant: Tenant) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let tenant = Arc::new(tenant);
        match entries.iter_mut().find(|(h, _)| h.ct_eq(&hash)) {
            Some(entry) => entry.1 = tenant,
            None => entries.push((hash, tenant)),
        }
    }

    /// Replaces the tenant record wherever it is used (same `id`), e.g. to disable it or
    /// change its preset; returns how many tokens point to it.
    pub fn update_tenant(&self, tenant: Tenant) -> usize {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let tenant = Arc::new(tenant);
        let mut n = 0;
        for entry in entries.iter_mut().filter(|(_, t)| t.id == tenant.id) {
            entry.1 = tenant.clone();
            n += 1;
        }
        n
    }

    /// Forgets a token; returns whether it was known.
    pub fn remove(&self, token: &str) -> bool {
        let hash = TokenHash::of(token);
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        let before = entries.len();
        entries.retain(|(h, _)| !h.ct_eq(&hash));
        entries.len() != before
    }

    fn lookup(&self, token: &str) -> Option<Arc<Tenant>> {
        let presented = TokenHash::of(token);
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let mut found = None;
        for (hash, tenant) in entries.iter() {
            if hash.ct_eq(&presented) {
                found = Some(tenant.clone());
            }
        }
        found
    }
}

impl Authenticator for TokenAuthenticator {
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<Principal>> {
        Box::pin(async move {
            self.lookup(token).map(|tenant| Principal {
                tenant,
                subject: None,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_and_tokens_are_random() {
        let t = generate_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, generate_token());
        assert!(TokenHash::from_hex("zz").is_none());
        assert!(TokenHash::from_hex(&"g".repeat(64)).is_none());
        assert_eq!(
            TokenHash::of("abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "SHA-256 test vector (FIPS 180-2)"
        );
    }

    #[test]
    fn tenants_can_be_updated_and_tokens_removed() {
        let auth = TokenAuthenticator::new();
        auth.insert("a", Tenant::new("acme"));
        auth.insert("b", Tenant::new("acme"));
        assert_eq!(
            auth.update_tenant(Tenant::new("acme").with_enabled(false)),
            2
        );
        assert!(!auth.lookup("a").unwrap().enabled);
        assert!(auth.remove("a"));
        assert!(!auth.remove("a"));
        assert!(auth.lookup("a").is_none());
        assert!(auth.lookup("b").is_some());
    }
}
