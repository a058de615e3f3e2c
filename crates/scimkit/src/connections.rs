//! Accepting and serving HTTP connections: hyper-util's server (HTTP/1.1, and HTTP/2 with
//! prior knowledge) under the axum router, with a header read timeout and a graceful
//! shutdown.
//!
//! `axum::serve` sets no header read timeout, so a client that opened a connection and sent
//! part of a request head (slowloris) held it open forever: the request timeout only starts
//! once the head is in. Here each request head must arrive within `header_timeout`:
//!
//! - the first one on a connection: counted from the accept, whatever the client sends (part
//!   of a head, nothing at all, or part of the HTTP/2 preface);
//! - later ones on a kept-alive HTTP/1.1 connection: counted from the end of the previous
//!   response (hyper's `header_read_timeout`), so an idle keep-alive connection is closed
//!   after that long too.
//!
//! A connection that misses the deadline is closed without a response (nothing was asked).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::serve::Listener;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Whether the connections in flight finished within the grace period of a shutdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drained {
    /// Every connection finished.
    All,
    /// Some were still running when the grace period ended.
    TimedOut,
}

/// Serves `router` on the connections `listener` accepts until `shutdown` resolves, then
/// stops accepting, lets the requests in flight finish for at most `grace` and closes idle
/// connections. `header_timeout` bounds the wait for each request head (see the module
/// docs).
pub async fn serve(
    mut listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    grace: Duration,
    shutdown: impl Future<Output = ()>,
) -> Drained {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // axum's `Listener::accept` retries failed accepts (after a pause when the process is
        // out of file descriptors), so the loop never ends on an accept error.
        let (io, remote) = tokio::select! {
            accepted = Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        let asked = Arc::new(AtomicBool::new(false));
        let service = {
            let asked = asked.clone();
            let router = router.clone();
            hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                asked.store(true, Ordering::Relaxed);
                router.clone().oneshot(request.map(axum::body::Body::new))
            })
        };
        let connection = graceful.watch(
            builder
                .serve_connection_with_upgrades(TokioIo::new(io), service)
                .into_owned(),
        );
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                // The connection first: when the timer and a head that came in time are
                // ready together (the server busy for the whole timeout), the head is read,
                // not the connection closed.
                biased;
                _ = connection.as_mut() => return,
                () = tokio::time::sleep(header_timeout) => {}
            }
            if asked.load(Ordering::Relaxed) {
                // From the first request on, hyper's own timer bounds each head.
                let _ = connection.await;
            } else {
                tracing::debug!(target: "scimkit::http", %remote,
                    "closing a connection that sent no complete request head within {}s",
                    header_timeout.as_secs());
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Drained::All,
        () = tokio::time::sleep(grace) => Drained::TimedOut,
    }
}
