-- Core tables and relationships (seed: migrations/001_initial_schema.sql), in PostgreSQL.
-- DATETIME becomes TIMESTAMP holding UTC with microseconds: the store formats it as SQLite's
-- `YYYY-MM-DD HH:MM:SS` on read, and the sub-second part orders rows created within one second
-- (where SQLite falls back on its rowid). `clock_timestamp()`, not `now()`, so rows written in one
-- transaction still get increasing times, like SQLite's per-statement CURRENT_TIMESTAMP.

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  github_id BIGINT UNIQUE NOT NULL,
  username TEXT UNIQUE NOT NULL,
  email TEXT UNIQUE NOT NULL,
  avatar_url TEXT,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  updated_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc')
);

CREATE TABLE IF NOT EXISTS projects (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  program_id TEXT NOT NULL,
  is_public BOOLEAN DEFAULT TRUE,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  updated_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE,
  UNIQUE(user_id, program_id)
);

CREATE TABLE IF NOT EXISTS idl_versions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  idl_json TEXT NOT NULL,
  cpi_md TEXT,
  version BIGINT NOT NULL,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  key TEXT UNIQUE NOT NULL,
  last_used TIMESTAMP,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  expires_at TIMESTAMP,
  FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS project_socials (
  id TEXT PRIMARY KEY,
  project_id TEXT UNIQUE NOT NULL,
  twitter TEXT,
  discord TEXT,
  telegram TEXT,
  github TEXT,
  website TEXT,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  updated_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
);
