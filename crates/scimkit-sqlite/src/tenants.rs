//! Tenants and their bearer tokens in the `tenants` table, and [`Authenticator`] over it:
//! what `scimkit tenant add|list|disable|enable|rotate-token` and `scimkit serve` use.
//!
//! Only the SHA-256 digest of a token is stored ([`TokenHash`]), never the token: a token is
//! shown once, when it is created. Lookup is by digest through the table's unique index;
//! comparing digests of 256-bit random tokens leaks nothing useful about the token through
//! timing (RFC 7644 §7.4 "sufficient entropy").

use std::sync::Arc;

use scimkit_provision::{
    Authenticator, BoxFuture, PatchResponse, Preset, Principal, StoreError, Tenant, TokenHash,
    generate_token, now_timestamp,
};
use serde_json::Value;

use crate::error::backend;
use crate::group_commit::Writer;
use crate::readers::Readers;
use crate::store::SqliteStore;
use crate::token_cache::TokenCache;

/// A stored tenant: the [`Tenant`] the service uses plus what only operators see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantRecord {
    /// The tenant (id, switch, preset, PATCH response, allowed domains).
    pub tenant: Tenant,
    /// A human-readable name (e.g. the customer's), for `scimkit tenant list`.
    pub name: String,
    /// Whether a token is set (tokens themselves are never stored).
    pub has_token: bool,
    /// When it was added, `xsd:dateTime` UTC.
    pub created: String,
    /// When it last changed, `xsd:dateTime` UTC.
    pub last_modified: String,
}

/// The tenants of a [`SqliteStore`]'s database. Cheap to clone; implements
/// [`Authenticator`] (bearer token → tenant) for the service.
///
/// ```
/// use std::sync::Arc;
/// use scimkit_provision::{Authenticator, Preset, Tenant};
/// use scimkit_schema::SchemaRegistry;
/// use scimkit_sqlite::SqliteStore;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = SqliteStore::open_temporary(Arc::new(SchemaRegistry::core())).await.unwrap();
/// let tenants = store.tenants();
/// let token = tenants.add(&Tenant::new("acme").with_preset(Preset::Entra), "Acme Inc.", None).await?;
/// let principal = tenants.authenticate(&token).await.expect("known token");
/// assert_eq!((principal.tenant.id.as_str(), principal.tenant.preset), ("acme", Preset::Entra));
///
/// let fresh = tenants.rotate_token("acme").await?;
/// assert!(tenants.authenticate(&token).await.is_none(), "the old token is gone");
/// assert!(tenants.authenticate(&fresh).await.is_some());
/// # Ok::<(), scimkit_provision::StoreError>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct SqliteTenants {
    writer: Writer,
    reader: Arc<Readers>,
    cache: Arc<TokenCache>,
}

impl SqliteStore {
    /// The tenants kept in this store's database.
    pub fn tenants(&self) -> SqliteTenants {
        SqliteTenants {
            writer: self.writer.clone(),
            reader: self.pools.reader.clone(),
            cache: self.token_cache.clone(),
        }
    }
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("the tenants table holds an unreadable {what}"))
}

/// A tenant read by a `SELECT {COLUMNS}` on a read connection.
fn record(row: &rusqlite::Row<'_>) -> Result<TenantRecord, StoreError> {
    let get_text = |name: &str| row.get::<_, String>(name).map_err(backend);
    let preset: Preset = get_text("preset")?.parse().map_err(|_| corrupt("preset"))?;
    let patch_response = PatchResponse::from_name(&get_text("patch_response")?)
        .ok_or_else(|| corrupt("patch response"))?;
    let domains: Vec<String> = serde_json::from_str(&get_text("allowed_email_domains")?)
        .map_err(|_| corrupt("domain list"))?;
    let tenant = Tenant::new(get_text("id")?)
        .with_enabled(row.get("enabled").map_err(backend)?)
        .with_preset(preset)
        .with_patch_response(patch_response)
        .with_allowed_email_domains(domains);
    Ok(TenantRecord {
        tenant,
        name: get_text("name")?,
        has_token: row
            .get::<_, Option<String>>("token_hash")
            .map_err(backend)?
            .is_some(),
        created: get_text("created")?,
        last_modified: get_text("last_modified")?,
    })
}

/// The tenants a `SELECT {COLUMNS}` with `params` finds, on a read connection.
async fn select(
    reader: &Readers,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<TenantRecord>, StoreError> {
    reader
        .read(|conn| {
            let mut statement = conn.prepare_cached(sql).map_err(backend)?;
            let mut rows = statement.query(params).map_err(backend)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(backend)? {
                out.push(record(row)?);
            }
            Ok(out)
        })
        .await
}

/// Whether a database error is the refusal of a token another tenant held before
/// (`retired_tokens`, schema version 3).
fn retired(message: &str) -> bool {
    message.contains("token retired by another tenant")
}

/// The message of a database error that is a unique-constraint failure (`UNIQUE` or
/// `PRIMARY KEY`) or a trigger's refusal, if it is one.
fn refusal(error: &rusqlite::Error) -> Option<&str> {
    use rusqlite::ffi;
    match error {
        rusqlite::Error::SqliteFailure(e, Some(message))
            if matches!(
                e.extended_code,
                ffi::SQLITE_CONSTRAINT_UNIQUE
                    | ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    | ffi::SQLITE_CONSTRAINT_TRIGGER
            ) =>
        {
            Some(message)
        }
        _ => None,
    }
}

/// A token that is, or was, another tenant's.
fn token_taken() -> StoreError {
    StoreError::Uniqueness {
        attribute: "token".into(),
        value: "(hidden)".into(),
    }
}

const COLUMNS: &str = "id, name, enabled, preset, patch_response, allowed_email_domains, \
                       token_hash, created, last_modified";

impl SqliteTenants {
    /// One write of the tenants table through the store's writer. Once the batch holding it
    /// has ended, and before the call returns, the token cache is cleared, so the change
    /// takes effect at once for this store, even when the call was dropped while it waited
    /// for its batch (tester: the cache was cleared after the call's last await, so a cut-off
    /// change was committed and the cache kept the old tenant).
    async fn write<T>(
        &self,
        write: impl FnOnce(&rusqlite::Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let cache = self.cache.clone();
        self.writer
            .write_then(write, Some(Box::new(move || cache.clear())))
            .await
    }

    /// Adds a tenant with `token` (or a new random one from [`generate_token`]) and returns
    /// the token: the only time it is available.
    ///
    /// # Errors
    /// [`StoreError::Uniqueness`] when the id or the token is taken (or the token was another tenant's);
    /// [`StoreError::Backend`] on database failure.
    pub async fn add(
        &self,
        tenant: &Tenant,
        name: &str,
        token: Option<&str>,
    ) -> Result<String, StoreError> {
        let token = token.map_or_else(generate_token, str::to_owned);
        let now = now_timestamp();
        let domains = Value::from(tenant.allowed_email_domains.clone()).to_string();
        let hash = TokenHash::of(&token).to_hex();
        let result = self
            .write(|conn| {
                conn.execute(
                    "INSERT INTO tenants (id, name, enabled, preset, patch_response, \
                     allowed_email_domains, token_hash, created, last_modified) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        &tenant.id,
                        name,
                        tenant.enabled,
                        tenant.preset.as_str(),
                        tenant.patch_response.as_str(),
                        &domains,
                        &hash,
                        &now,
                        &now,
                    ),
                )
                .map_err(|e| match refusal(&e) {
                    Some(message) if retired(message) || message.contains("token_hash") => {
                        token_taken()
                    }
                    Some(_) => StoreError::Uniqueness {
                        attribute: "tenant id".into(),
                        value: tenant.id.clone(),
                    },
                    None => backend(e),
                })
            })
            .await;
        result.map(|_| token)
    }

    /// Every tenant, by id.
    ///
    /// # Errors
    /// [`StoreError::Backend`] on database failure.
    pub async fn list(&self) -> Result<Vec<TenantRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tenants ORDER BY id");
        select(&self.reader, &sql, []).await
    }

    /// The tenant with this id.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Backend`] on database failure.
    pub async fn get(&self, id: &str) -> Result<TenantRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tenants WHERE id = ?");
        select(&self.reader, &sql, [id])
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// Stores the settings of `tenant` (switch, preset, PATCH response, allowed domains)
    /// under its id; the name and token stay.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Backend`] on database failure.
    pub async fn update(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let domains = Value::from(tenant.allowed_email_domains.clone()).to_string();
        let done = self
            .write(|conn| {
                conn.execute(
                    "UPDATE tenants SET enabled = ?, preset = ?, patch_response = ?, \
                     allowed_email_domains = ?, last_modified = ? WHERE id = ?",
                    (
                        tenant.enabled,
                        tenant.preset.as_str(),
                        tenant.patch_response.as_str(),
                        &domains,
                        now_timestamp(),
                        &tenant.id,
                    ),
                )
                .map_err(backend)
            })
            .await;
        match done? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// Turns provisioning on or off for a tenant ("SCIM sync active"); a disabled tenant
    /// still authenticates, and the service answers it 403.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Backend`] on database failure.
    pub async fn set_enabled(&self, id: &str, enabled: bool) -> Result<(), StoreError> {
        let tenant = self.get(id).await?.tenant.with_enabled(enabled);
        self.update(&tenant).await
    }

    /// Replaces the tenant's token by `token`; the old one stops working at once for this
    /// store, and within [`TOKEN_CACHE_TTL`](crate::TOKEN_CACHE_TTL) for other processes
    /// serving the same file. The old token is retired: it can never become another
    /// tenant's (so a server's cached token never acts for the wrong tenant); this tenant
    /// may take it back.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Uniqueness`] when another tenant has, or had,
    /// this token; [`StoreError::Backend`] on database failure.
    pub async fn set_token(&self, id: &str, token: &str) -> Result<(), StoreError> {
        let done = self
            .write(|conn| {
                conn.execute(
                    "UPDATE tenants SET token_hash = ?, last_modified = ? WHERE id = ?",
                    (TokenHash::of(token).to_hex(), now_timestamp(), id),
                )
                .map_err(|e| match refusal(&e) {
                    Some(_) => token_taken(),
                    None => backend(e),
                })
            })
            .await;
        match done? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// Gives the tenant a new random token and returns it (the only time it is available).
    ///
    /// # Errors
    /// As [`set_token`](Self::set_token).
    pub async fn rotate_token(&self, id: &str) -> Result<String, StoreError> {
        let token = generate_token();
        self.set_token(id, &token).await?;
        Ok(token)
    }

    /// The tenant `token` belongs to, if any, read from the table (no cache).
    ///
    /// # Errors
    /// [`StoreError::Backend`] on database failure.
    pub async fn find_by_token(&self, token: &str) -> Result<Option<Tenant>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM tenants WHERE token_hash = ?");
        let found = select(&self.reader, &sql, [TokenHash::of(token).to_hex()]).await?;
        Ok(found.into_iter().next().map(|r| r.tenant))
    }
}

impl Authenticator for SqliteTenants {
    /// Looks the token's digest up; a database failure counts as an unknown token (401), so
    /// a broken database never lets a request through. A token found is remembered for
    /// [`TOKEN_CACHE_TTL`](crate::TOKEN_CACHE_TTL) (changes through this store forget it at
    /// once), which saves a database round trip on most requests; an unknown token is
    /// looked up every time.
    fn authenticate<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<Principal>> {
        Box::pin(async move {
            let hash = TokenHash::of(token);
            let tenant = match self.cache.get(&hash) {
                Some(tenant) => tenant,
                None => {
                    let since = self.cache.generation();
                    let tenant = Arc::new(self.find_by_token(token).await.ok().flatten()?);
                    self.cache.put(hash, tenant.clone(), since);
                    tenant
                }
            };
            Some(Principal {
                tenant,
                subject: None,
            })
        })
    }
}
