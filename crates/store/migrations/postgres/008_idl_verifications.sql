-- Beyond the seed: stored IDL versions checked against the IDL the program published on chain.
-- One row per version and cluster, holding the latest check: `verified` when the stored IDL
-- equals the published one; `account` and `slot` say where and when the published IDL was read
-- (absent when nothing was published). Deleting a version or its project deletes its checks.
CREATE TABLE idl_verifications (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  version_id TEXT NOT NULL REFERENCES idl_versions(id) ON DELETE CASCADE,
  cluster TEXT NOT NULL,
  verified BOOLEAN NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('match', 'mismatch', 'not_published')),
  scheme TEXT,
  account TEXT,
  slot BIGINT,
  checked_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  UNIQUE(version_id, cluster)
);

-- A project's checks (listing, and "is its latest version verified" for by-program look-ups).
CREATE INDEX idx_idl_verifications_project_id ON idl_verifications(project_id);
