//! The command line: `scimkit serve | tenant | filter | patch`. Every option of `serve` and
//! `tenant` can also come from an environment variable (named in `--help`).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use scimkit_patch::Preset;

/// scimkit: a SCIM 2.0 server (RFC 7643, RFC 7644) that Microsoft Entra ID, Okta and other
/// identity providers provision users and groups into, and the tools to debug what they send.
#[derive(Debug, Parser)]
#[command(name = "scimkit", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the SCIM server (HTTP on loopback by default; put a TLS proxy in front of it).
    Serve(ServeArgs),
    /// Manages the tenants in the database: one base URL for all, the bearer token selects
    /// the tenant. Works while a server runs on the same file; a running server sees the
    /// changes within a second (it keeps an authenticated token that long). A replaced
    /// token never becomes another tenant's.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Parses a SCIM filter (RFC 7644 §3.4.2.2) and prints its canonical form, or the error
    /// with a caret under the offending character.
    Filter(FilterArgs),
    /// Applies a PATCH request (RFC 7644 §3.5.2) to a resource and prints the result, or the
    /// SCIM Error the server would answer.
    Patch(PatchArgs),
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// The SQLite database file (created on first start).
    #[arg(
        long,
        env = "SCIMKIT_DB",
        default_value = "scimkit.db",
        value_name = "FILE"
    )]
    pub db: PathBuf,
}

/// `scimkit serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on: `IP:PORT`, `HOST:PORT` (the first address it resolves
    /// to) or `:PORT` (loopback, `127.0.0.1`). Port 0 picks a free one; the address in use is
    /// printed.
    #[arg(long, env = "SCIMKIT_LISTEN", default_value = "127.0.0.1:8080", value_parser = parse_listen)]
    pub listen: SocketAddr,

    /// The path the SCIM endpoints live under.
    #[arg(long, env = "SCIMKIT_BASE_PATH", default_value = "/scim/v2")]
    pub base_path: String,

    #[command(flatten)]
    pub storage: StorageArgs,

    /// When an acknowledged write is on disk: `full` survives power loss (an fsync per
    /// commit), `normal` survives a crash of the process, not of the machine (faster).
    #[arg(long, env = "SCIMKIT_DURABILITY", value_enum, default_value_t = DurabilityArg::Full)]
    pub durability: DurabilityArg,

    /// Keep everything in memory instead of the SQLite file (lost on exit).
    #[arg(long, env = "SCIMKIT_MEMORY")]
    pub memory: bool,

    /// The default tenant's bearer token (instead of a generated one). Only its SHA-256 hash
    /// is stored.
    #[arg(long, env = "SCIMKIT_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// The default tenant's IdP compatibility preset (PATCH dialect, body coercions, filter
    /// grammar). On a new database: `lenient` when not given. On an existing one: the stored
    /// preset is kept unless this is given.
    #[arg(long, env = "SCIMKIT_COMPAT", value_parser = parse_preset, value_name = "PRESET")]
    pub compat: Option<Preset>,

    /// How the default tenant answers a successful PATCH: `resource` is 200 with the resource
    /// (honouring `attributes` / `excludedAttributes`), `no-content` is 204 with only an ETag
    /// (cheaper for big groups; a request with `attributes` still gets 200). RFC 7644 §3.5.2.
    /// On a new database: `resource` when not given. On an existing one: the stored choice is
    /// kept unless this is given.
    #[arg(long, env = "SCIMKIT_PATCH_RESPONSE", value_enum)]
    pub patch_response: Option<PatchResponseArg>,

    /// An email domain the default tenant's users must belong to: every `emails[].value`, and
    /// `userName` when it holds an `@`, must be an address in one of them (a `userName` without
    /// `@` is a login name and passes; two `@` or a look-alike `@` is refused). Repeat it for
    /// several (comma-separated in the environment variable). On a new database: any domain
    /// when not given. On an existing one: the stored list is kept unless this (or
    /// `--allow-any-domain`) is given.
    #[arg(
        long = "allowed-domain",
        env = "SCIMKIT_ALLOWED_DOMAINS",
        value_delimiter = ',',
        value_name = "DOMAIN",
        conflicts_with = "allow_any_domain"
    )]
    pub allowed_domains: Vec<String>,

    /// Lifts the default tenant's email-domain restriction stored by an earlier
    /// `--allowed-domain`.
    #[arg(long, env = "SCIMKIT_ALLOW_ANY_DOMAIN")]
    pub allow_any_domain: bool,

    /// The public base URL for `meta.location` and `Location`, when a proxy serves the SCIM
    /// endpoints under another address (e.g. `https://scim.example.com/scim/v2`): an absolute
    /// `http`/`https` URL without query or fragment (RFC 7644 §1.3). Default: derived from
    /// each request's `Host`.
    #[arg(long, env = "SCIMKIT_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Largest request body in bytes (413 beyond).
    #[arg(long, env = "SCIMKIT_MAX_BODY_BYTES", default_value_t = scimkit_provision::DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Seconds a request may take once its headers are in, body upload included (408 beyond;
    /// the headers themselves are bounded by --header-timeout).
    #[arg(
        long,
        env = "SCIMKIT_REQUEST_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub request_timeout: u64,

    /// Seconds a client has to send a request's headers, from the moment its connection is
    /// accepted or its previous response was sent (so an idle keep-alive connection is closed
    /// after this long too); a connection that misses it is closed without a response.
    #[arg(
        long,
        env = "SCIMKIT_HEADER_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub header_timeout: u64,

    /// Log format on standard error.
    #[arg(long, env = "SCIMKIT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// SQLite's `synchronous` setting (see `scimkit_sqlite::Durability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityArg {
    /// `synchronous = FULL`: every commit is on stable storage before it is acknowledged.
    Full,
    /// `synchronous = NORMAL`: commits survive `kill -9`, the last ones may be lost on power loss.
    Normal,
}

impl From<DurabilityArg> for scimkit_sqlite::Durability {
    fn from(arg: DurabilityArg) -> Self {
        match arg {
            DurabilityArg::Full => scimkit_sqlite::Durability::Full,
            DurabilityArg::Normal => scimkit_sqlite::Durability::Normal,
        }
    }
}

/// What a successful PATCH answers (see `scimkit_provision::PatchResponse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PatchResponseArg {
    /// 200 OK with the resource.
    Resource,
    /// 204 No Content with an ETag, unless the request names `attributes`.
    NoContent,
}

impl From<PatchResponseArg> for scimkit_provision::PatchResponse {
    fn from(arg: PatchResponseArg) -> Self {
        match arg {
            PatchResponseArg::Resource => scimkit_provision::PatchResponse::Resource,
            PatchResponseArg::NoContent => scimkit_provision::PatchResponse::NoContent,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `key=value` text, one event per line.
    Text,
    /// One JSON object per line.
    Json,
}

/// `scimkit tenant ...`.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Adds a tenant and prints its bearer token (shown once; only its hash is stored).
    Add(TenantAddArgs),
    /// Lists the tenants.
    List(StorageArgs),
    /// Turns provisioning off for a tenant: its requests get 403 and nothing changes.
    Disable(TenantNameArgs),
    /// Turns provisioning back on.
    Enable(TenantNameArgs),
    /// Replaces a tenant's token and prints the new one; the old one stops working.
    RotateToken(TenantTokenArgs),
}

/// `scimkit tenant add`.
#[derive(Debug, Args)]
pub struct TenantAddArgs {
    /// The tenant's id (its isolation key), e.g. `acme`.
    pub id: String,
    /// A human-readable name, e.g. the customer's (default: the id).
    #[arg(long)]
    pub name: Option<String>,
    /// Its IdP compatibility preset.
    #[arg(long, default_value = "lenient", value_parser = parse_preset)]
    pub compat: Preset,
    /// An email domain its users must belong to (repeatable; as `serve --allowed-domain`).
    #[arg(long = "allowed-domain", value_name = "DOMAIN")]
    pub allowed_domains: Vec<String>,
    /// How it answers a successful PATCH: 200 with the resource, or 204 No Content with an
    /// ETag (RFC 7644 §3.5.2).
    #[arg(long, value_enum, default_value_t = PatchResponseArg::Resource)]
    pub patch_response: PatchResponseArg,
    /// Use this token instead of a generated one.
    #[arg(long)]
    pub token: Option<String>,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// A subcommand naming one tenant.
#[derive(Debug, Args)]
pub struct TenantNameArgs {
    /// The tenant's id.
    pub id: String,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// `scimkit tenant rotate-token`.
#[derive(Debug, Args)]
pub struct TenantTokenArgs {
    /// The tenant's id.
    pub id: String,
    /// Use this token instead of a generated one.
    #[arg(long)]
    pub token: Option<String>,
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// `scimkit filter`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// The filter, e.g. `userName eq "bjensen" and not (emails co "example.org")`.
    pub expression: String,
    /// The grammar of this preset (`entra` and `lenient` accept Entra's value-path filters).
    #[arg(long, default_value = "lenient", value_parser = parse_preset)]
    pub compat: Preset,
}

/// `scimkit patch`.
#[derive(Debug, Args)]
pub struct PatchArgs {
    /// The resource as JSON (a User or Group as the server stores it; `-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub resource: PathBuf,
    /// The PATCH request body (`PatchOp` JSON; `-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub patch: PathBuf,
    /// The IdP compatibility preset to apply it with.
    #[arg(long, default_value = "lenient", value_parser = parse_preset)]
    pub compat: Preset,
    /// The resource type (default: from `meta.resourceType`, else from `schemas`).
    #[arg(long = "type", value_name = "NAME")]
    pub resource_type: Option<String>,
}

/// `IP:PORT`, `HOST:PORT` (first resolved address) or `:PORT` (loopback).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Some(port) = text.strip_prefix(':') {
        let port: u16 = port
            .parse()
            .map_err(|_| format!("{text:?}: the port after ':' must be a number 0-65535"))?;
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    use std::net::ToSocketAddrs;
    text.to_socket_addrs()
        .map_err(|e| format!("{text:?} is not IP:PORT, HOST:PORT or :PORT ({e})"))?
        .next()
        .ok_or_else(|| format!("{text:?} resolves to no address"))
}

/// An absolute `http`/`https` URL with a host and no query or fragment (RFC 7644 §1.3: the
/// base URI carries no query string); a trailing `/` is dropped.
fn parse_public_url(text: &str) -> Result<String, String> {
    let uri: http::Uri = text
        .parse()
        .map_err(|e| format!("{text:?} is not a URL ({e})"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return Err(format!(
            "{text:?} must be an absolute http:// or https:// URL, e.g. https://scim.example.com/scim/v2"
        ));
    }
    if uri.query().is_some() || text.contains('#') {
        return Err(format!(
            "{text:?} has a query or fragment; the base URL carries none (RFC 7644 §1.3). \
             Entra's ?aadOptscim062020 goes on the Tenant URL in Entra, not here"
        ));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

fn parse_preset(text: &str) -> Result<Preset, String> {
    text.parse().map_err(|_| {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.as_str()).collect();
        format!("unknown preset {text:?}; one of: {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_match_the_readme() {
        let cli = Cli::try_parse_from(["scimkit", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(args.base_path, "/scim/v2");
        assert_eq!(args.storage.db, PathBuf::from("scimkit.db"));
        assert_eq!(args.compat, None);
        assert_eq!(args.durability, DurabilityArg::Full);
        assert_eq!(args.patch_response, None);
        assert!(!args.memory && args.token.is_none() && args.allowed_domains.is_empty());
    }

    #[test]
    fn presets_and_repeated_domains_parse() {
        let cli = Cli::try_parse_from([
            "scimkit",
            "serve",
            "--compat",
            "entra-legacy",
            "--allowed-domain",
            "a.example",
            "--allowed-domain",
            "b.example",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(args.compat, Some(Preset::EntraLegacy));
        assert_eq!(args.allowed_domains, ["a.example", "b.example"]);
        let cli =
            Cli::try_parse_from(["scimkit", "serve", "--patch-response", "no-content"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        assert_eq!(
            args.patch_response
                .map(scimkit_provision::PatchResponse::from),
            Some(scimkit_provision::PatchResponse::NoContent)
        );
        let err = Cli::try_parse_from(["scimkit", "serve", "--compat", "azure"]).unwrap_err();
        assert!(err.to_string().contains("entra-legacy"), "{err}");
    }

    #[test]
    fn listen_accepts_port_only_and_host_names() {
        assert_eq!(parse_listen(":0").unwrap().to_string(), "127.0.0.1:0");
        assert_eq!(parse_listen(":8099").unwrap().to_string(), "127.0.0.1:8099");
        assert_eq!(
            parse_listen("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(parse_listen("localhost:8099").unwrap().port(), 8099);
        assert!(parse_listen(":http").is_err());
        assert!(parse_listen("8080").is_err());
    }

    /// Regression: `--public-url scim.example.com` and a URL with Entra's query flag were
    /// accepted and corrupted every `Location` (RFC 7644 §1.3, §3.3).
    #[test]
    fn public_url_must_be_an_absolute_base_url() {
        assert_eq!(
            parse_public_url("https://scim.example.com/scim/v2/").unwrap(),
            "https://scim.example.com/scim/v2"
        );
        assert!(parse_public_url("scim.example.com").is_err());
        assert!(parse_public_url("/scim/v2").is_err());
        assert!(parse_public_url("ftp://scim.example.com/scim/v2").is_err());
        let err =
            parse_public_url("https://scim.example.com/scim/v2?aadOptscim062020").unwrap_err();
        assert!(err.contains("RFC 7644 §1.3"), "{err}");
        assert!(parse_public_url("https://scim.example.com/scim/v2#x").is_err());
    }
}
