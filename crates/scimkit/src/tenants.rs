//! Tenants in the database file: `scimkit tenant ...`, and the default tenant `serve` sets up.
//!
//! The records and the [`Authenticator`](scimkit_provision::Authenticator) over them are
//! [`scimkit_sqlite::SqliteTenants`]; a running server looks every token up in the table, so
//! a change made here (disable, rotate-token) applies to it at once.

use std::path::Path;
use std::sync::Arc;

use scimkit_patch::Preset;
use scimkit_provision::{PatchResponse, StoreError, Tenant};
use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::{SqliteStore, SqliteTenants, TenantRecord};

use crate::cli::{TenantAddArgs, TenantCommand};

/// The id of the tenant `serve` creates on first start and configures from its flags.
pub const DEFAULT_TENANT: &str = "default";

/// What `serve`'s flags say about the default tenant; `None` means "not given": a new
/// tenant gets the default, an existing one keeps what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultSettings {
    /// `--compat`.
    pub preset: Option<Preset>,
    /// `--patch-response`.
    pub patch_response: Option<PatchResponse>,
    /// `--allowed-domain` (the list) or `--allow-any-domain` (an empty list).
    pub allowed_domains: Option<Vec<String>>,
}

impl DefaultSettings {
    /// The settings applied to `tenant`: given values replace stored ones, the rest stay.
    pub fn apply(&self, tenant: Tenant) -> Tenant {
        let tenant = match self.preset {
            Some(preset) => tenant.with_preset(preset),
            None => tenant,
        };
        let tenant = match self.patch_response {
            Some(patch_response) => tenant.with_patch_response(patch_response),
            None => tenant,
        };
        match &self.allowed_domains {
            Some(domains) => tenant.with_allowed_email_domains(domains),
            None => tenant,
        }
    }

    /// The default tenant of a new database (or of `--memory`).
    pub fn new_tenant(&self) -> Tenant {
        self.apply(Tenant::new(DEFAULT_TENANT))
    }
}

/// Makes sure the default tenant exists, configured by `settings` (given flags replace
/// stored values, absent flags keep them: a restart without `--allowed-domain` never widens
/// a restriction; each change is logged), and that `token`, when given, is its token.
/// Returns the token when one was generated: the only time it can be shown.
///
/// # Errors
/// A message on database failure or when `token` belongs to another tenant.
pub async fn ensure_default(
    tenants: &SqliteTenants,
    settings: &DefaultSettings,
    token: Option<&str>,
) -> Result<Option<String>, String> {
    match tenants.get(DEFAULT_TENANT).await {
        Ok(record) => {
            let tenant = settings.apply(record.tenant.clone());
            if tenant != record.tenant {
                log_changes(&record.tenant, &tenant);
                tenants.update(&tenant).await.map_err(message)?;
            }
            match token {
                Some(token) => tenants
                    .set_token(&tenant.id, token)
                    .await
                    .map_err(message)?,
                None if !record.has_token => {
                    return tenants
                        .rotate_token(&tenant.id)
                        .await
                        .map(Some)
                        .map_err(message);
                }
                None => {}
            }
            Ok(None)
        }
        Err(StoreError::NotFound) => {
            let created = tenants
                .add(&settings.new_tenant(), "Default tenant", token)
                .await
                .map_err(message)?;
            Ok(token.is_none().then_some(created))
        }
        Err(err) => Err(message(err)),
    }
}

/// One warning line per setting of the default tenant a start changed.
fn log_changes(before: &Tenant, after: &Tenant) {
    if before.preset != after.preset {
        tracing::warn!(target: "scimkit", tenant = DEFAULT_TENANT, from = before.preset.as_str(), to = after.preset.as_str(), "compatibility preset changed");
    }
    if before.patch_response != after.patch_response {
        tracing::warn!(target: "scimkit", tenant = DEFAULT_TENANT, from = before.patch_response.as_str(), to = after.patch_response.as_str(), "PATCH response changed");
    }
    if before.allowed_email_domains != after.allowed_email_domains {
        let show = |d: &[String]| {
            if d.is_empty() {
                "any".to_owned()
            } else {
                d.join(",")
            }
        };
        tracing::warn!(target: "scimkit", tenant = DEFAULT_TENANT, from = %show(&before.allowed_email_domains), to = %show(&after.allowed_email_domains), "allowed email domains changed");
    }
}

/// Runs `scimkit tenant ...`; returns what to print.
///
/// # Errors
/// A message naming the tenant or the database problem.
pub async fn run(command: TenantCommand) -> Result<String, String> {
    match command {
        TenantCommand::Add(args) => add(args).await,
        TenantCommand::List(storage) => {
            let tenants = open(&storage.db, false).await?;
            Ok(table(&tenants.list().await.map_err(message)?))
        }
        TenantCommand::Disable(args) | TenantCommand::Enable(args) if args.id.is_empty() => {
            Err("the tenant id is empty".into())
        }
        TenantCommand::Disable(args) => {
            let tenants = open(&args.storage.db, false).await?;
            tenants
                .set_enabled(&args.id, false)
                .await
                .map_err(|e| named(&args.id, e))?;
            Ok(format!(
                "Tenant {:?} disabled: its requests now get 403 and change nothing.",
                args.id
            ))
        }
        TenantCommand::Enable(args) => {
            let tenants = open(&args.storage.db, false).await?;
            tenants
                .set_enabled(&args.id, true)
                .await
                .map_err(|e| named(&args.id, e))?;
            Ok(format!("Tenant {:?} enabled.", args.id))
        }
        TenantCommand::RotateToken(args) => {
            let tenants = open(&args.storage.db, false).await?;
            let token = match &args.token {
                Some(token) => {
                    tenants
                        .set_token(&args.id, token)
                        .await
                        .map_err(|e| named(&args.id, e))?;
                    return Ok(format!(
                        "Tenant {:?} has the given token; the old one no longer works.",
                        args.id
                    ));
                }
                None => tenants
                    .rotate_token(&args.id)
                    .await
                    .map_err(|e| named(&args.id, e))?,
            };
            Ok(token_notice(
                &args.id,
                &token,
                "new bearer token; the old one no longer works",
            ))
        }
    }
}

async fn add(args: TenantAddArgs) -> Result<String, String> {
    if args.id.trim().is_empty() {
        return Err("the tenant id is empty".into());
    }
    let tenants = open(&args.storage.db, true).await?;
    let tenant = Tenant::new(args.id.clone())
        .with_preset(args.compat)
        .with_patch_response(args.patch_response.into())
        .with_allowed_email_domains(&args.allowed_domains);
    let name = args.name.as_deref().unwrap_or(&args.id);
    let token = tenants
        .add(&tenant, name, args.token.as_deref())
        .await
        .map_err(|e| match e {
            StoreError::Uniqueness { attribute, .. } if attribute == "token" => {
                "another tenant has (or had) this token".to_owned()
            }
            StoreError::Uniqueness { .. } => format!("a tenant {:?} already exists", args.id),
            other => message(other),
        })?;
    if args.token.is_some() {
        return Ok(format!("Tenant {:?} added with the given token.", args.id));
    }
    Ok(token_notice(&args.id, &token, "bearer token"))
}

/// The text that shows a token once.
pub fn token_notice(id: &str, token: &str, what: &str) -> String {
    format!(
        "Tenant {id:?} {what} (shown only now; only its SHA-256 hash is kept):\n\n    {token}\n"
    )
}

/// Opens the tenants of the database at `db`; only `create` makes a missing file.
async fn open(db: &Path, create: bool) -> Result<SqliteTenants, String> {
    if !create && !db.exists() {
        return Err(format!(
            "no database at {} (start `scimkit serve` or `scimkit tenant add` first, or give --db)",
            db.display()
        ));
    }
    let store = SqliteStore::open(db, Arc::new(SchemaRegistry::core()))
        .await
        .map_err(|e| format!("{}: {e}", db.display()))?;
    Ok(store.tenants())
}

/// `scimkit tenant list` output: one row per tenant, columns aligned.
pub fn table(records: &[TenantRecord]) -> String {
    let mut rows = vec![[
        "ID".to_owned(),
        "NAME".into(),
        "ENABLED".into(),
        "COMPAT".into(),
        "TOKEN".into(),
        "PATCH".into(),
        "ALLOWED DOMAINS".into(),
        "CREATED".into(),
    ]];
    for r in records {
        rows.push([
            r.tenant.id.clone(),
            r.name.clone(),
            if r.tenant.enabled { "yes" } else { "no" }.into(),
            r.tenant.preset.as_str().into(),
            if r.has_token { "set" } else { "none" }.into(),
            r.tenant.patch_response.as_str().into(),
            if r.tenant.allowed_email_domains.is_empty() {
                "any".into()
            } else {
                r.tenant.allowed_email_domains.join(",")
            },
            r.created.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            cells.join("  ").trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn message(err: StoreError) -> String {
    format!("database: {err}")
}

fn named(id: &str, err: StoreError) -> String {
    match err {
        StoreError::NotFound => format!("no tenant {id:?} (see `scimkit tenant list`)"),
        StoreError::Uniqueness { .. } => "another tenant has (or had) this token".into(),
        other => message(other),
    }
}
