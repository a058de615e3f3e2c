//! `scimkit serve`: the SCIM server on axum + tokio.

use std::sync::Arc;
use std::time::Duration;

use scimkit_provision::{
    Authenticator, InMemoryStore, ScimService, ServiceConfig, Store, TokenAuthenticator,
    generate_token,
};
use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::{SqliteOptions, SqliteStore};
use tokio::net::TcpListener;

use crate::app;
use crate::cli::ServeArgs;
use crate::connections::{self, Drained};
use crate::provisioning_log::ProvisioningLog;
use crate::tenants::{self, DEFAULT_TENANT, DefaultSettings};

/// The last line `serve` prints on standard output once it accepts requests.
pub const READY: &str = "Ready; Ctrl-C or SIGTERM stops the server.";

/// How long a shutdown waits for requests in flight before the process exits anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Runs the server until SIGINT or SIGTERM.
///
/// # Errors
/// A message when the database cannot be opened or the address cannot be bound.
pub async fn run(args: ServeArgs) -> Result<(), String> {
    let registry = Arc::new(SchemaRegistry::core());
    let default_tenant = DefaultSettings {
        preset: args.compat,
        patch_response: args.patch_response.map(Into::into),
        allowed_domains: if args.allow_any_domain {
            Some(Vec::new())
        } else if args.allowed_domains.is_empty() {
            None
        } else {
            Some(args.allowed_domains.clone())
        },
    };

    let backend = Backend::open(&args, registry.clone(), default_tenant).await?;
    let Backend {
        store,
        authenticator,
        sqlite,
        token,
        description: where_,
    } = backend;

    let mut config = ServiceConfig::new(&args.base_path);
    config.public_base_url = args.public_url.clone();
    config.limits.max_body_bytes = args.max_body_bytes;
    config.limits.bulk_max_payload_bytes = config
        .limits
        .bulk_max_payload_bytes
        .min(args.max_body_bytes);
    let service = ScimService::builder(store, authenticator.clone())
        .registry(registry)
        .config(config)
        .events(Arc::new(ProvisioningLog))
        .build();
    let base_path = service.config().base_path.clone();
    let router = app::router(
        service,
        authenticator,
        Duration::from_secs(args.request_timeout.max(1)),
    );

    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let base_url = format!("http://{addr}{base_path}");
    // What an IdP is given: the public URL behind a proxy, else the address served.
    let idp_url = args.public_url.clone().unwrap_or_else(|| base_url.clone());
    let shutdown = shutdown_signal()?;
    println!(
        "scimkit {}: SCIM 2.0 at {base_url} ({where_})",
        env!("CARGO_PKG_VERSION")
    );
    if let Some(token) = &token {
        print_token(token, &base_url, &idp_url);
    }
    println!("{READY}");
    tracing::info!(target: "scimkit", %base_url, storage = %where_, "serving");

    let header_timeout = Duration::from_secs(args.header_timeout.max(1));
    let drained =
        connections::serve(listener, router, header_timeout, SHUTDOWN_GRACE, shutdown).await;
    if drained == Drained::TimedOut {
        tracing::warn!(target: "scimkit", "requests still running after {}s; exiting", SHUTDOWN_GRACE.as_secs());
    }
    if let Some(store) = sqlite {
        store.close().await;
    }
    tracing::info!(target: "scimkit", "stopped");
    Ok(())
}

/// Where the data and the tenants live.
struct Backend {
    store: Arc<dyn Store>,
    authenticator: Arc<dyn Authenticator>,
    /// The SQLite store, to close it on shutdown.
    sqlite: Option<Arc<SqliteStore>>,
    /// The default tenant's token when it was just generated (shown once).
    token: Option<String>,
    /// For the banner, e.g. `SQLite scimkit.db`.
    description: String,
}

impl Backend {
    /// `--memory`: [`InMemoryStore`] and a [`TokenAuthenticator`] that knows the default
    /// tenant only. Otherwise the SQLite file, its tenants table as the authenticator, and the
    /// default tenant made sure of ([`tenants::ensure_default`]).
    async fn open(
        args: &ServeArgs,
        registry: Arc<SchemaRegistry>,
        default_tenant: DefaultSettings,
    ) -> Result<Backend, String> {
        if args.memory {
            let authenticator = Arc::new(TokenAuthenticator::new());
            let token = args.token.clone().unwrap_or_else(generate_token);
            authenticator.insert(&token, default_tenant.new_tenant());
            return Ok(Backend {
                store: Arc::new(InMemoryStore::new(registry)),
                authenticator,
                sqlite: None,
                token: args.token.is_none().then_some(token),
                description: "in memory, lost on exit".to_owned(),
            });
        }
        let db = &args.storage.db;
        let options = SqliteOptions::new(db).durability(args.durability.into());
        let store = SqliteStore::open_with(&options, registry)
            .await
            .map_err(|e| format!("{}: {e}", db.display()))?;
        let tenants = store.tenants();
        let token =
            tenants::ensure_default(&tenants, &default_tenant, args.token.as_deref()).await?;
        let store = Arc::new(store);
        Ok(Backend {
            store: store.clone(),
            authenticator: Arc::new(tenants),
            sqlite: Some(store),
            token,
            description: format!("SQLite {}", db.display()),
        })
    }
}

fn print_token(token: &str, base_url: &str, idp_url: &str) {
    println!();
    println!(
        "Tenant {DEFAULT_TENANT:?} bearer token (shown only now; only its SHA-256 hash is kept):"
    );
    println!();
    println!("    {token}");
    println!();
    println!("Try it:  curl -H \"Authorization: Bearer {token}\" {base_url}/Users");
    println!("Entra ID: Tenant URL {idp_url}?aadOptscim062020, Secret token as above.");
}

/// Registers the SIGINT (Ctrl-C) and SIGTERM handlers now (so a signal sent as soon as the
/// server said it is ready is not missed) and returns a future that resolves on either.
///
/// # Errors
/// A message when a handler cannot be registered.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{SignalKind, signal};
    let register = |kind: SignalKind| {
        signal(kind).map_err(|e| format!("cannot register a signal handler: {e}"))
    };
    let mut interrupt = register(SignalKind::interrupt())?;
    let mut terminate = register(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!(target: "scimkit", "shutdown signal received; finishing requests in flight");
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!(target: "scimkit", "shutdown signal received; finishing requests in flight");
    })
}
