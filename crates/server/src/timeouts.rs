//! Deadlines for slow clients (and slow handlers), beside the header-read timeout that hyper
//! enforces in [`crate::listen`]:
//!
//! * **body**: every request body is wrapped so that waiting longer than
//!   [`crate::ServerConfig::body_timeout`] for its next piece fails the read; the request is then
//!   answered `408` (`code: "request_timeout"`) with `Connection: close`, whatever the handler
//!   made of the failed read.
//! * **request**: from the request head to the response head at most
//!   [`crate::ServerConfig::request_timeout`]: `408` when the body was still arriving (a client
//!   trickling bytes), else `503` (`code: "timeout"`). Both close the connection.

use orquestra_api::ErrorCode;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use tokio::time::Sleep;

use crate::ApiError;

/// The two deadlines, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub body: Duration,
    pub request: Duration,
}

/// How far the request body got.
const UNREAD: u8 = 0;
const READING: u8 = 1;
const DONE: u8 = 2;
const TIMED_OUT: u8 = 3;

/// The deadlines as a tower layer: the body deadline on the request, the request deadline around
/// the inner service.
impl<S> tower::Layer<S> for Timeouts {
    type Service = Deadlines<S>;

    fn layer(&self, inner: S) -> Deadlines<S> {
        Deadlines {
            inner,
            timeouts: *self,
        }
    }
}

/// The service [`Timeouts`] wraps around another.
#[derive(Clone)]
pub struct Deadlines<S> {
    inner: S,
    timeouts: Timeouts,
}

impl<S> tower::Service<Request> for Deadlines<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = crate::listen::LayerFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let timeouts = self.timeouts;
        // A request without a body (most GETs) has nothing to time but the handler.
        let progress = if http_body::Body::is_end_stream(request.body()) {
            None
        } else {
            Some(Arc::new(AtomicU8::new(UNREAD)))
        };
        let request = match &progress {
            Some(progress) => {
                request.map(|body| Body::new(TimedBody::new(body, timeouts.body, progress.clone())))
            }
            None => request,
        };
        let response = self.inner.call(request);
        Box::pin(async move { Ok(deadline(timeouts, progress, response).await) })
    }
}

/// `response`, or the timeout answer if it does not come within the request deadline or the body
/// stalled.
async fn deadline(
    timeouts: Timeouts,
    progress: Option<Arc<AtomicU8>>,
    response: impl Future<Output = Result<Response, Infallible>>,
) -> Response {
    let response = tokio::time::timeout(timeouts.request, response).await;
    let progress = progress.map_or(DONE, |progress| progress.load(Ordering::Acquire));
    match (response, progress) {
        (_, TIMED_OUT) => closing(ApiError::new(
            ErrorCode::RequestTimeout,
            format!(
                "no request body data arrived for {} s",
                timeouts.body.as_secs_f64()
            ),
        )),
        (Ok(Ok(response)), _) => response,
        (Ok(Err(never)), _) => match never {},
        (Err(_), READING) => closing(ApiError::new(
            ErrorCode::RequestTimeout,
            format!(
                "the request body was not received within {} s",
                timeouts.request.as_secs_f64()
            ),
        )),
        (Err(_), _) => {
            tracing::warn!(
                timeout_s = timeouts.request.as_secs_f64(),
                "request timed out"
            );
            closing(ApiError::new(
                ErrorCode::Timeout,
                format!(
                    "the request took longer than {} s",
                    timeouts.request.as_secs_f64()
                ),
            ))
        }
    }
}

/// `error` with `Connection: close`: the rest of the body, if any, is not worth waiting for.
fn closing(error: ApiError) -> Response {
    let mut response = error.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The failure a timed-out body read reports.
#[derive(Debug, thiserror::Error)]
#[error("no request body data arrived in time")]
struct BodyTimedOut;

/// A request body that fails when no frame arrives for `timeout` (the clock restarts with each
/// frame and runs only while someone waits for the body), recording how far it got.
struct TimedBody {
    inner: Body,
    timeout: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    progress: Arc<AtomicU8>,
}

impl TimedBody {
    fn new(inner: Body, timeout: Duration, progress: Arc<AtomicU8>) -> Self {
        if http_body::Body::is_end_stream(&inner) {
            progress.store(DONE, Ordering::Release);
        }
        Self {
            inner,
            timeout,
            sleep: None,
            progress,
        }
    }
}

impl http_body::Body for TimedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.progress.load(Ordering::Acquire) == TIMED_OUT {
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.sleep = None;
                let finished = frame.is_none() || this.inner.is_end_stream();
                this.progress
                    .store(if finished { DONE } else { READING }, Ordering::Release);
                Poll::Ready(frame)
            }
            Poll::Pending => {
                this.progress.store(READING, Ordering::Release);
                let timeout = this.timeout;
                let sleep = this
                    .sleep
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if sleep.as_mut().poll(cx).is_ready() {
                    this.sleep = None;
                    this.progress.store(TIMED_OUT, Ordering::Release);
                    return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use http_body::Body as _;

    /// A body fed from a channel.
    struct ChannelBody(tokio::sync::mpsc::Receiver<Bytes>);

    impl http_body::Body for ChannelBody {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            self.0
                .poll_recv(cx)
                .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
        }
    }

    async fn next(body: &mut TimedBody) -> Option<Result<Frame<Bytes>, axum::Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_stalled_body_fails_and_is_recorded() {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let progress = Arc::new(AtomicU8::new(UNREAD));
        let mut body = TimedBody::new(
            Body::new(ChannelBody(rx)),
            Duration::from_secs(5),
            progress.clone(),
        );
        assert_eq!(progress.load(Ordering::Acquire), UNREAD);
        tx.send(Bytes::from_static(b"a")).await.unwrap();
        let first = next(&mut body).await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), Bytes::from_static(b"a"));
        // Data that keeps coming resets the clock.
        for _ in 0..3 {
            tokio::time::advance(Duration::from_secs(4)).await;
            tx.send(Bytes::from_static(b"b")).await.unwrap();
            assert!(next(&mut body).await.unwrap().is_ok());
        }
        assert_eq!(progress.load(Ordering::Acquire), READING);
        // Nothing more arrives: after the timeout the read fails, and keeps failing.
        let error = next(&mut body).await.unwrap().unwrap_err();
        assert_eq!(error.to_string(), "no request body data arrived in time");
        assert_eq!(progress.load(Ordering::Acquire), TIMED_OUT);
        assert!(next(&mut body).await.unwrap().is_err());
        drop(tx);
    }

    fn app(timeouts: Timeouts) -> axum::Router {
        use axum::routing::{get, post};
        axum::Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "late"
                }),
            )
            .route("/echo", post(|body: Bytes| async move { body }))
            .layer(timeouts)
    }

    async fn call(
        app: axum::Router,
        request: Request,
    ) -> (StatusCode, Option<String>, serde_json::Value) {
        use tower::ServiceExt;
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let connection = response
            .headers()
            .get(header::CONNECTION)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, connection, body)
    }

    const TIMEOUTS: Timeouts = Timeouts {
        body: Duration::from_secs(5),
        request: Duration::from_secs(20),
    };

    #[tokio::test(start_paused = true)]
    async fn a_slow_handler_is_503_and_a_stalled_body_408() {
        let slow = Request::get("/slow").body(Body::empty()).unwrap();
        let (status, connection, body) = call(app(TIMEOUTS), slow).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(connection.as_deref(), Some("close"));
        assert_eq!(body["error"]["code"], "timeout");

        // The handler sees a failed read (axum answers 400); the client gets the 408.
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        tx.send(Bytes::from_static(b"{")).await.unwrap();
        let stalled = Request::post("/echo")
            .body(Body::new(ChannelBody(rx)))
            .unwrap();
        let (status, connection, body) = call(app(TIMEOUTS), stalled).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert_eq!(connection.as_deref(), Some("close"));
        assert_eq!(body["error"]["code"], "request_timeout");
        drop(tx);

        // A complete body is untouched.
        let fine = Request::post("/echo").body(Body::from("hi")).unwrap();
        let (status, connection, _) = call(app(TIMEOUTS), fine).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(connection, None);
    }

    #[tokio::test]
    async fn an_empty_body_is_done_at_once() {
        let progress = Arc::new(AtomicU8::new(UNREAD));
        let mut body = TimedBody::new(Body::empty(), Duration::from_secs(5), progress.clone());
        assert_eq!(progress.load(Ordering::Acquire), DONE);
        assert!(body.is_end_stream());
        assert!(next(&mut body).await.is_none());
    }
}
