//! Tenants in SQLite: they survive a reopen, tokens authenticate their tenant (RFC 7644 §2),
//! only token digests are ever written to the database file.

use std::sync::Arc;

use scimkit_provision::{Authenticator, PatchResponse, Preset, StoreError, Tenant, TokenHash};
use scimkit_schema::SchemaRegistry;
use scimkit_sqlite::SqliteStore;

/// A fresh database path in a temporary directory (kept while the first value lives) and the
/// core registry.
fn temp_db() -> (tempfile::TempDir, std::path::PathBuf, Arc<SchemaRegistry>) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let path = dir.path().join("tenants.db");
    (dir, path, Arc::new(SchemaRegistry::core()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_persist_and_authenticate() {
    let (_dir, path, registry) = temp_db();
    let store = SqliteStore::open(&path, registry.clone())
        .await
        .expect("open");
    let tenants = store.tenants();
    let acme = Tenant::new("acme")
        .with_preset(Preset::Entra)
        .with_patch_response(PatchResponse::NoContent)
        .with_allowed_email_domains(["acme.example"]);
    let acme_token = tenants.add(&acme, "Acme Inc.", None).await.expect("add");
    assert_eq!(acme_token.len(), 64, "a generated 256-bit token");
    let given = "globex-token-from-the-command-line";
    tenants
        .add(&Tenant::new("globex"), "Globex", Some(given))
        .await
        .expect("add with a given token");
    assert!(matches!(
        tenants.add(&Tenant::new("acme"), "again", None).await,
        Err(StoreError::Uniqueness { attribute, .. }) if attribute == "tenant id"
    ));
    assert!(matches!(
        tenants.add(&Tenant::new("initech"), "Initech", Some(given)).await,
        Err(StoreError::Uniqueness { attribute, .. }) if attribute == "token"
    ));

    let principal = tenants
        .authenticate(&acme_token)
        .await
        .expect("acme's token");
    assert_eq!(*principal.tenant, acme);
    assert_eq!(
        tenants.authenticate(given).await.expect("globex").tenant.id,
        "globex"
    );
    assert!(tenants.authenticate("not a token").await.is_none());
    assert!(tenants.authenticate("").await.is_none());

    tenants.set_enabled("acme", false).await.expect("disable");
    let disabled = tenants
        .authenticate(&acme_token)
        .await
        .expect("still known");
    assert!(
        !disabled.tenant.enabled,
        "a disabled tenant authenticates; the service answers 403"
    );
    let rotated = tenants.rotate_token("globex").await.expect("rotate");
    assert!(
        tenants.authenticate(given).await.is_none(),
        "old token revoked"
    );
    assert!(matches!(
        tenants.set_enabled("nobody", true).await,
        Err(StoreError::NotFound)
    ));
    store.close().await;

    // Everything is on disk, and no token is.
    let bytes: Vec<u8> = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::read(format!("{}{suffix}", path.display())).ok())
        .flatten()
        .collect();
    for token in [acme_token.as_str(), given, rotated.as_str()] {
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "a token was written to the database"
        );
    }
    let hash = TokenHash::of(&rotated).to_hex();
    assert!(bytes.windows(hash.len()).any(|w| w == hash.as_bytes()));

    let reopened = SqliteStore::open(&path, registry).await.expect("reopen");
    let tenants = reopened.tenants();
    let list = tenants.list().await.expect("list");
    let ids: Vec<&str> = list.iter().map(|r| r.tenant.id.as_str()).collect();
    assert_eq!(ids, ["acme", "globex"]);
    assert_eq!(list[0].name, "Acme Inc.");
    assert!(list[0].has_token);
    assert_eq!(list[0].tenant, acme.clone().with_enabled(false));
    tenants.set_enabled("acme", true).await.expect("enable");
    assert!(
        tenants
            .authenticate(&acme_token)
            .await
            .expect("acme")
            .tenant
            .enabled
    );
    assert_eq!(
        tenants
            .authenticate(&rotated)
            .await
            .expect("globex")
            .tenant
            .id,
        "globex"
    );
}

/// A server caches authenticated tokens for `TOKEN_CACHE_TTL`; a change made by another
/// process on the same file (`scimkit tenant disable` / `rotate-token` while `scimkit serve`
/// runs) is seen once that time has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_from_another_process_are_seen_within_the_cache_ttl() {
    let (_dir, path, registry) = temp_db();
    let server = SqliteStore::open(&path, registry.clone())
        .await
        .expect("open");
    let cli = SqliteStore::open(&path, registry)
        .await
        .expect("open again");
    let token = server
        .tenants()
        .add(&Tenant::new("acme"), "Acme", None)
        .await
        .expect("add");
    let other = server
        .tenants()
        .add(&Tenant::new("globex"), "Globex", None)
        .await
        .expect("add");
    let serving = server.tenants();
    assert!(
        serving
            .authenticate(&token)
            .await
            .expect("acme")
            .tenant
            .enabled
    );
    assert!(serving.authenticate(&other).await.is_some());

    cli.tenants()
        .set_enabled("acme", false)
        .await
        .expect("disable");
    let fresh = cli.tenants().rotate_token("globex").await.expect("rotate");
    tokio::time::sleep(scimkit_sqlite::TOKEN_CACHE_TTL + std::time::Duration::from_millis(50))
        .await;
    assert!(
        !serving
            .authenticate(&token)
            .await
            .expect("acme")
            .tenant
            .enabled,
        "disabled by the other process"
    );
    assert!(
        serving.authenticate(&other).await.is_none(),
        "rotated by the other process"
    );
    assert!(serving.authenticate(&fresh).await.is_some());
}

/// Regression (tester report): a token replaced on tenant `ta` and then given to tenant `tb`
/// could, for up to `TOKEN_CACHE_TTL`, still act as `ta` in a server that had cached it. A
/// replaced token is retired: it can never become another tenant's (schema version 3), so a
/// cached token only ever names the tenant it was issued to; that tenant may take it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_token_never_becomes_another_tenants() {
    let (_dir, path, registry) = temp_db();
    let store = SqliteStore::open(&path, registry.clone())
        .await
        .expect("open");
    let tenants = store.tenants();
    tenants
        .add(&Tenant::new("ta"), "A", Some("TA-original"))
        .await
        .expect("ta");
    tenants
        .add(&Tenant::new("tb"), "B", Some("TB-original"))
        .await
        .expect("tb");
    tenants.set_token("ta", "TA-new").await.expect("rotate ta");
    let taken = |r: Result<_, StoreError>| {
        matches!(r, Err(StoreError::Uniqueness { attribute, value })
            if attribute == "token" && value == "(hidden)")
    };
    assert!(taken(tenants.set_token("tb", "TA-original").await));
    assert!(taken(
        tenants
            .add(&Tenant::new("tc"), "C", Some("TA-original"))
            .await
            .map(|_| ())
    ));
    assert!(tenants.authenticate("TA-original").await.is_none());
    assert_eq!(
        tenants
            .authenticate("TB-original")
            .await
            .expect("tb")
            .tenant
            .id,
        "tb",
        "tb keeps its token after the refusal"
    );
    tenants
        .set_token("ta", "TA-original")
        .await
        .expect("a tenant may take its own token back");
    assert_eq!(
        tenants
            .authenticate("TA-original")
            .await
            .expect("ta")
            .tenant
            .id,
        "ta"
    );
    store.close().await;
    // The retirement survives a reopen.
    let reopened = SqliteStore::open(&path, registry).await.expect("reopen");
    assert!(taken(reopened.tenants().set_token("tb", "TA-new").await));
}

/// Regression (tester): a tenant change dropped while it waited for its batch (a cut-off
/// request) was committed with the batch, but the token cache was cleared only after the
/// call's last await, so the store kept authenticating the tenant as it was, for up to
/// `TOKEN_CACHE_TTL`. The cache is now cleared when the batch ends.
#[tokio::test]
async fn a_tenant_change_cut_off_while_waiting_still_clears_the_cache() {
    let (_dir, path, registry) = temp_db();
    let store = SqliteStore::open(&path, registry).await.expect("open");
    let tenants = store.tenants();
    tenants
        .add(&Tenant::new("acme"), "Acme", Some("acme-token"))
        .await
        .expect("add");
    let cached = tenants.authenticate("acme-token").await.expect("known");
    assert!(cached.tenant.enabled);
    let disable = Tenant::new("acme").with_enabled(false);
    let mut update = Box::pin(tenants.update(&disable));
    let ready =
        std::future::poll_fn(|cx| std::task::Poll::Ready(update.as_mut().poll(cx).is_ready()))
            .await;
    assert!(!ready, "written, waiting for its batch");
    drop(update);
    // A later write comes after the cut-off one's batch has ended.
    tenants
        .add(&Tenant::new("later"), "Later", None)
        .await
        .expect("add");
    assert!(!tenants.get("acme").await.expect("stored").tenant.enabled);
    let now = tenants.authenticate("acme-token").await.expect("known");
    assert!(!now.tenant.enabled, "the change is seen at once");
}
