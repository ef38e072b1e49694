//! Session tokens: HS256 JWTs with `sub`, `username`, `iat`, `exp` and a random `jti` (so a single
//! token can be revoked on logout).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    pub username: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("invalid or expired token")]
    Invalid,
    #[error("cannot sign token: {0}")]
    Sign(String),
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Issues a token for `user_id` valid for `ttl`; returns the token and its claims.
pub fn issue(
    secret: &[u8],
    user_id: &str,
    username: &str,
    ttl: Duration,
) -> Result<(String, Claims), TokenError> {
    let iat = now();
    let claims = Claims {
        sub: user_id.to_string(),
        username: username.to_string(),
        iat,
        exp: iat.saturating_add(ttl.as_secs()),
        jti: orquestra_store::ids::new_id(),
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|e| TokenError::Sign(e.to_string()))?;
    Ok((token, claims))
}

/// Verifies signature, algorithm (HS256 only) and expiry (no leeway).
pub fn verify(secret: &[u8], token: &str) -> Result<Claims, TokenError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub", "iat"]);
    decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
        .map(|data| data.claims)
        .map_err(|_| TokenError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_tampering() {
        let (token, claims) = issue(b"secret", "u1", "alice", Duration::from_secs(60)).unwrap();
        assert_eq!(verify(b"secret", &token).unwrap(), claims);
        assert!(verify(b"other", &token).is_err());
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &Claims {
                sub: "u2".into(),
                ..claims.clone()
            },
            &EncodingKey::from_secret(b"x"),
        )
        .unwrap();
        let forged_payload = forged.split('.').nth(1).unwrap().to_string();
        parts[1] = &forged_payload;
        assert!(verify(b"secret", &parts.join(".")).is_err());
        assert!(verify(b"secret", "not.a.token").is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let claims = Claims {
            sub: "u1".into(),
            username: "a".into(),
            iat: 1,
            exp: 2,
            jti: "j".into(),
        };
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(b"s"),
        )
        .unwrap();
        assert!(verify(b"s", &token).is_err());
    }
}
