//! The OAuth `state`: random, bound to the browser by an HMAC-signed, short-lived cookie, so a
//! callback can only complete a sign-in that this browser started (no login CSRF).

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How long a sign-in may take between redirect and callback.
pub const STATE_TTL_SECS: u64 = 600;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn mac(secret: &[u8], payload: &str) -> Option<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    mac.update(b"oauth-state:");
    mac.update(payload.as_bytes());
    Some(orquestra_idl::hex::encode(&mac.finalize().into_bytes()))
}

/// A new `(state, cookie_value)`; the cookie carries the state, its expiry and a MAC over both.
pub fn new_state(secret: &[u8]) -> Option<(String, String)> {
    let mut random = [0u8; 24];
    getrandom::fill(&mut random).ok()?;
    let state = orquestra_idl::hex::encode(&random);
    let payload = format!("{state}.{}", now() + STATE_TTL_SECS);
    let cookie = format!("{payload}.{}", mac(secret, &payload)?);
    Some((state, cookie))
}

/// True when `cookie` is ours, unexpired, and carries exactly `state`.
pub fn check(secret: &[u8], cookie: &str, state: &str) -> bool {
    let mut parts = cookie.splitn(3, '.');
    let (Some(cookie_state), Some(expiry), Some(tag)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(expected) = mac(secret, &format!("{cookie_state}.{expiry}")) else {
        return false;
    };
    let fresh = expiry.parse::<u64>().map(|e| e >= now()).unwrap_or(false);
    // Constant-time comparisons: neither the tag nor the state leaks through timing.
    constant_time_eq(expected.as_bytes(), tag.as_bytes())
        && fresh
        && constant_time_eq(cookie_state.as_bytes(), state.as_bytes())
}

/// Compares without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_its_own_state() {
        let (state, cookie) = new_state(b"k").unwrap();
        assert!(check(b"k", &cookie, &state));
        assert!(!check(b"k", &cookie, "other"));
        assert!(!check(b"other-key", &cookie, &state));
        let (other_state, _) = new_state(b"k").unwrap();
        assert!(!check(b"k", &cookie, &other_state));
        let tampered = cookie.replacen(&state, &other_state, 1);
        assert!(!check(b"k", &tampered, &other_state));
        assert!(!check(b"k", "garbage", &state));
    }
}
