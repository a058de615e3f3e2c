//! Runs the real `scimkit` binary on a free loopback port and talks to it over HTTP.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use scimkit_replay::{Transport, TransportFuture};
use serde_json::Value;

/// The token tests start servers with.
pub const TOKEN: &str = "integration-test-token";

/// The last banner line of `scimkit serve` (`serve::READY`).
const READY: &str = "Ready; Ctrl-C or SIGTERM stops the server.";

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_scimkit")
}

/// A `scimkit` command with a clean `SCIMKIT_*` environment, run in `dir`.
pub fn scimkit(dir: &Path) -> Command {
    let mut command = Command::new(binary());
    command.current_dir(dir).env_remove("RUST_LOG");
    for (name, _) in std::env::vars() {
        if name.starts_with("SCIMKIT_") {
            command.env_remove(name);
        }
    }
    command
}

/// A `scimkit serve` process; killed when dropped.
pub struct Server {
    child: Child,
    /// The SCIM base URL, e.g. `http://127.0.0.1:41234/scim/v2`.
    pub base_url: String,
    /// What the server printed on standard output up to [`READY`].
    pub banner: Vec<String>,
    /// The file standard error (the log) goes to.
    pub log: PathBuf,
}

impl Server {
    /// Starts `scimkit serve --listen 127.0.0.1:0 ARGS...` in `dir` with `env`, and waits
    /// until it is ready.
    pub fn start_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let log = dir.join(format!("serve-{}.log", unique()));
        let mut command = scimkit(dir);
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let mut child = command.spawn().expect("spawn scimkit serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        // Reads (and so drains) standard output for the whole life of the process.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut banner = Vec::new();
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) {
            let ready = line == READY;
            banner.push(line);
            if ready {
                break;
            }
        }
        let base_url = banner
            .first()
            .and_then(|l| l.split_whitespace().find(|w| w.starts_with("http://")))
            .map(str::to_owned);
        let Some(base_url) = base_url.filter(|_| banner.last().map(String::as_str) == Some(READY))
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "scimkit serve did not start; stdout {banner:?}; log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Server {
            child,
            base_url,
            banner,
            log,
        }
    }

    /// Starts an in-memory server with [`TOKEN`].
    pub fn memory(dir: &Path, args: &[&str]) -> Server {
        let mut all = vec!["--memory", "--token", TOKEN];
        all.extend_from_slice(args);
        Server::start_in(dir, &all, &[])
    }

    /// The token the server printed, if it printed one.
    pub fn printed_token(&self) -> Option<String> {
        self.banner.iter().map(|l| l.trim()).find_map(|l| {
            (l.len() == 64 && l.bytes().all(|b| b.is_ascii_hexdigit())).then(|| l.to_owned())
        })
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> String {
        self.base_url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn stop(mut self) -> ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("wait for scimkit")
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// An HTTP client (no proxy, no redirects).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

/// The replay transport over real HTTP (reqwest).
pub struct Http(pub reqwest::Client);

impl Transport for Http {
    fn send(&self, request: http::Request<Vec<u8>>) -> TransportFuture<'_> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(|e| e.to_string())?;
            let response = self.0.execute(request).await.map_err(|e| e.to_string())?;
            let mut builder = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                builder = builder.header(name, value);
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            builder.body(body.to_vec()).map_err(|e| e.to_string())
        })
    }
}

/// Sends one request with [`TOKEN`]; `body` is JSON text (or empty). Returns the status, the
/// headers and the JSON body (`Value::Null` when empty).
pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    body: &str,
) -> (u16, http::HeaderMap, Value) {
    send_with(client, method, url, body, TOKEN).await
}

/// [`send`] with another token.
pub async fn send_with(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    body: &str,
    token: &str,
) -> (u16, http::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client
        .request(method, url)
        .header("Authorization", format!("Bearer {token}"));
    if !body.is_empty() {
        request = request
            .header("Content-Type", "application/scim+json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    (status, headers, json)
}
