-- Beyond the seed: program lists (the original's 011_program_lists, with its gaps closed).
-- A list is a user's named set of projects; its scope key (`sk_` + 64 hex) lets an MCP client
-- narrow search to the list's public programs. The key is a bearer secret, so only its SHA-256
-- is stored (like `api_keys.key`); `scope_key_prefix` (`sk_` + 4 hex, 16 of 256 bits) lets a
-- listing tell keys apart without revealing them.
CREATE TABLE program_lists (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT,
  is_default BOOLEAN NOT NULL DEFAULT FALSE,
  scope_key_hash TEXT UNIQUE NOT NULL,
  scope_key_prefix TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  updated_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc')
);

CREATE TABLE program_list_items (
  id TEXT PRIMARY KEY,
  list_id TEXT NOT NULL REFERENCES program_lists(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  added_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  UNIQUE(list_id, project_id)
);

-- A user's lists, default first then oldest first.
CREATE INDEX idx_program_lists_user_id ON program_lists(user_id, created_at);
-- At most one default list per user (the original only hoped so).
CREATE UNIQUE INDEX idx_program_lists_one_default ON program_lists(user_id) WHERE is_default;
-- A list's items, newest first (UNIQUE(list_id, project_id) already serves point look-ups).
CREATE INDEX idx_program_list_items_list_added ON program_list_items(list_id, added_at);
-- Cascaded deletes from projects.
CREATE INDEX idx_program_list_items_project_id ON program_list_items(project_id);
