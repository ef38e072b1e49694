//! Shared rate-limit buckets on Redis: GCRA in one Lua script per decision.
//!
//! A bucket is one key, `RATE:{bucket}`, holding its theoretical arrival time (TAT, in
//! microseconds of the Redis server's clock). A request is let through when it would not push the
//! TAT more than `period` ahead of now, and then moves it on by `period / limit`. The script runs
//! atomically, so concurrent instances cannot both take the last slot, and the clock is the
//! server's (`TIME`), so instances with skewed clocks still agree. The key expires when the bucket
//! would be full again, so idle clients cost nothing.
//!
//! A decision sits in front of every limited request, so after a failed one the next
//! [`PAUSE_AFTER_FAILURE`] of decisions answer "unavailable" at once instead of each waiting out
//! the timeout on a Redis that hangs.

use std::num::NonZeroU32;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{bounded, RedisKv, OP_TIMEOUT};
use crate::kv::{BucketDecision, BucketsUnavailable, SharedBuckets};

/// How long decisions skip Redis after one failed.
pub const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(1);

/// Prefix of bucket keys, apart from the cache namespaces (never touched by invalidations).
const PREFIX: &str = "RATE:";

/// `KEYS[1]` the bucket; `ARGV[1]` µs per request; `ARGV[2]` the period in µs (how far ahead
/// of now the TAT may run). Returns `{allowed, remaining, µs until reset or retry}`. Numbers are
/// formatted with `%d` because Lua 5.1 would print a 16-digit TAT in exponent form.
static GCRA: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local ahead = tat + interval - now
if ahead > period then
  return {0, 0, string.format('%d', math.ceil(ahead - period))}
end
redis.call('SET', KEYS[1], string.format('%d', now + ahead), 'PX', math.max(1, math.ceil(ahead / 1000)))
return {1, math.floor((period - ahead) / interval), string.format('%d', math.ceil(ahead))}
",
    )
});

#[async_trait]
impl SharedBuckets for RedisKv {
    async fn take(
        &self,
        bucket: &str,
        limit: NonZeroU32,
        period: Duration,
    ) -> Result<BucketDecision, BucketsUnavailable> {
        if self.buckets_paused() {
            return Err(BucketsUnavailable(
                "Redis failed within the last second".into(),
            ));
        }
        let period_us = period.as_micros() as f64;
        let interval_us = period_us / f64::from(limit.get());
        let result = async {
            // Not `ready_connection`: pending cache invalidations do not concern buckets, and a
            // replay would put a prefix scan in front of a request's admission.
            let mut connection = self.connection().await?;
            bounded(OP_TIMEOUT, async {
                Ok(GCRA
                    .key(format!("{PREFIX}{bucket}"))
                    .arg(interval_us)
                    .arg(period_us)
                    .invoke_async::<(i64, i64, String)>(&mut connection)
                    .await?)
            })
            .await
        }
        .await;
        match result {
            Ok((allowed, remaining, micros)) => {
                self.succeeded();
                let micros = micros.parse::<u64>().unwrap_or(0);
                Ok(BucketDecision {
                    allowed: allowed == 1,
                    remaining: u32::try_from(remaining.max(0)).unwrap_or(u32::MAX),
                    reset: Duration::from_micros(micros),
                })
            }
            Err(error) => {
                *self.lock_paused() = Some(Instant::now() + PAUSE_AFTER_FAILURE);
                self.failed("rate limit", &error).await;
                Err(BucketsUnavailable(error.to_string()))
            }
        }
    }
}

impl RedisKv {
    fn lock_paused(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.buckets_paused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn buckets_paused(&self) -> bool {
        let mut paused = self.lock_paused();
        match *paused {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *paused = None;
                false
            }
            None => false,
        }
    }
}
