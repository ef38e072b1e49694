//! The header-read timeout, without a timer per request: each connection records when it last
//! finished a response (or was accepted) and how many requests it is serving, and a check that
//! runs a few times per timeout period closes it once it has been waiting for a request head for
//! longer than the timeout. hyper's own `header_read_timeout` arms and cancels a timer for every
//! request, which cost 1–2 µs of CPU per request under load; this costs two clock reads.
//!
//! The clock starts when the last response body is done (dropped by hyper after its last frame),
//! so a long download or a slow handler never counts as waiting for a head, and bytes of an
//! unfinished head (a slowloris client) do not reset it.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::response::Response;

/// One connection's state.
pub struct Activity {
    epoch: Instant,
    /// Milliseconds after `epoch` when the connection last became idle.
    idle_since: AtomicU64,
    in_flight: AtomicU32,
}

impl Activity {
    /// A connection accepted now: waiting for its first head.
    pub fn new(epoch: Instant) -> Arc<Self> {
        let activity = Self {
            epoch,
            idle_since: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
        };
        activity.mark_idle();
        Arc::new(activity)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn mark_idle(&self) {
        self.idle_since.store(self.now(), Ordering::Relaxed);
    }

    /// A request head arrived.
    pub fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    /// `response` with a body that ends the request when it is done with.
    pub fn track(self: &Arc<Self>, response: Response) -> Response {
        let done = Done(self.clone());
        response.map(|body| Body::new(Tracked { body, _done: done }))
    }

    /// Whether the connection has waited for a request head for `limit` or longer.
    pub fn waited(&self, limit: Duration) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0
            && self
                .now()
                .saturating_sub(self.idle_since.load(Ordering::Relaxed))
                >= u64::try_from(limit.as_millis()).unwrap_or(u64::MAX)
    }
}

/// How often a connection checks [`Activity::waited`]: a quarter of the timeout, between 10 ms
/// and 1 s, so the timeout holds to within that much.
pub fn check_every(timeout: Duration) -> Duration {
    (timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// Ends a request when dropped (with the response body, whether it was sent whole or not).
struct Done(Arc<Activity>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.mark_idle();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body carrying its request's [`Done`].
struct Tracked {
    body: Body,
    _done: Done,
}

impl http_body::Body for Tracked {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, axum::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_waits_only_between_requests() {
        let activity = Activity::new(Instant::now() - Duration::from_secs(60));
        assert!(!activity.waited(Duration::from_millis(50)));
        std::thread::sleep(Duration::from_millis(60));
        assert!(activity.waited(Duration::from_millis(50)));

        // Serving a request (its body not yet done) is not waiting, however long it takes.
        activity.begin();
        let response = activity.track(Response::new(Body::from("x")));
        std::thread::sleep(Duration::from_millis(60));
        assert!(!activity.waited(Duration::from_millis(50)));
        // The clock restarts when the body is done with.
        drop(response);
        assert!(!activity.waited(Duration::from_millis(50)));
        std::thread::sleep(Duration::from_millis(60));
        assert!(activity.waited(Duration::from_millis(50)));
    }
}
