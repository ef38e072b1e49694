-- Beyond the seed: server-side logout. A session token's id (`jti`) listed here is refused until
-- the token would have expired anyway, after which the row can be pruned.
CREATE TABLE revoked_sessions (
  jti TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);

CREATE INDEX idx_revoked_sessions_expires_at ON revoked_sessions(expires_at);
