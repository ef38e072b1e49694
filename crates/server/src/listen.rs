//! The accept loop: hyper's HTTP/1 server with a header-read timeout, a cap on concurrent
//! connections and graceful shutdown (what `axum::serve` does, plus the limits it lacks).
//!
//! * **Header timeout** ([`crate::ServerConfig::header_timeout`]): a connection that does not
//!   finish a request head in time — a new one, or a keep-alive one between requests — is closed
//!   (checked coarsely, see [`crate::head_timeout`]).
//! * **Write stall**: a response that cannot be written for [`crate::ServerConfig::body_timeout`]
//!   (the client stopped reading) ends the connection, so slow readers cannot hold it either.
//! * **Connection cap** ([`crate::ServerConfig::max_connections`]): a connection is accepted only
//!   with a free slot; past the cap new connections wait in the kernel's listen backlog and are
//!   served as others close.
//! * **Shutdown**: when the signal resolves the listener is closed, idle connections are closed,
//!   busy ones finish their request (bounded by the request timeout), then `serve` returns.
//!
//! Body and whole-request timeouts are middleware ([`crate::timeouts`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::head_timeout::{self, Activity};

/// The connection-level limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    /// How long a write may make no progress.
    pub write_timeout: Duration,
    pub max_connections: usize,
}

/// The future of the cross-cutting layers' services (`envelope`, `timeouts`, `rate_limit`):
/// boxed once per layer, answering with a response and never failing.
pub type LayerFuture = std::pin::Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// What [`serve`] serves: the app inside its layers.
pub trait App:
    tower::Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> App for S where
    S: tower::Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Serves `app` on `listener` until `shutdown` resolves, then drains the open connections.
pub async fn serve(
    listener: TcpListener,
    app: impl App,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // `acquire_many` below takes a u32; a cap beyond that is no cap anyway.
    let max = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let slots = Arc::new(Semaphore::new(max as usize));
    let (stop, stopped) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    // Enforced per connection by `head_timeout`, not by a timer per request.
    http.header_read_timeout(None);
    let http = Arc::new(http);
    let epoch = Instant::now();
    let shutdown = std::pin::pin!(shutdown);
    let mut shutdown = shutdown;
    loop {
        let slot = tokio::select! {
            biased;
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if is_connection_error(&error) => continue,
            Err(error) => {
                // E.g. out of file descriptors: wait a little rather than spin.
                tracing::error!(%error, "accept failed");
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                }
            }
        };
        let (app, http, stopped) = (app.clone(), http.clone(), stopped.clone());
        tokio::spawn(async move {
            let stream = WriteTimeout::new(stream, limits.write_timeout);
            let activity = Activity::new(epoch);
            connection(
                stream,
                peer,
                app,
                &http,
                activity,
                limits.header_timeout,
                stopped,
            )
            .await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    tracing::info!("draining open connections");
    // Every connection holds a slot until it ends: all slots back means all connections closed.
    let _ = slots.acquire_many(max).await;
    Ok(())
}

/// Serves one connection until it closes, shutting it down gracefully when `stopped` turns true.
async fn connection(
    stream: WriteTimeout<TcpStream>,
    peer: SocketAddr,
    app: impl App,
    http: &hyper::server::conn::http1::Builder,
    activity: Arc<Activity>,
    header_timeout: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.inner.set_nodelay(true);
    let started = activity.clone();
    let service = app
        .map_request(move |request: axum::http::Request<Incoming>| {
            started.begin();
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        })
        .map_response({
            let activity = activity.clone();
            move |response| activity.track(response)
        });
    let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut conn = std::pin::pin!(conn);
    let mut check = tokio::time::interval(head_timeout::check_every(header_timeout));
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, %peer, "connection ended with an error");
                }
                return;
            }
            _ = stopped.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            // While draining too: a half-sent head must not hold up the shutdown.
            _ = check.tick() => if activity.waited(header_timeout) {
                tracing::debug!(%peer, "no request head in time: closing the connection");
                return;
            },
        }
    }
}

/// Errors of one incoming connection (not of the listener): skip it and go on.
fn is_connection_error(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// An IO whose writes (and flushes) fail with `TimedOut` after making no progress for `timeout`.
struct WriteTimeout<T> {
    inner: T,
    timeout: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<T> WriteTimeout<T> {
    fn new(inner: T, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            stalled: None,
        }
    }

    /// Clears the stall clock on progress; on `Pending` starts it, failing once it runs out.
    fn watch<R>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<R>>) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let timeout = self.timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        if stalled.as_mut().poll(cx).is_ready() {
            self.stalled = None;
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            )));
        }
        Poll::Pending
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteTimeout<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.watch(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.watch(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.watch(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.watch(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_write_nobody_reads_times_out_and_progress_resets_the_clock() {
        // A pipe with a 16-byte buffer that nobody reads.
        let (near, mut far) = tokio::io::duplex(16);
        let mut io = WriteTimeout::new(near, Duration::from_millis(200));
        io.write_all(&[0; 16]).await.unwrap();
        let error = io.write_all(&[0; 1]).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        // Once the reader catches up, writing works again.
        let mut sink = [0u8; 16];
        tokio::io::AsyncReadExt::read_exact(&mut far, &mut sink)
            .await
            .unwrap();
        io.write_all(&[1; 16]).await.unwrap();
    }
}
