-- Extended features (seed: migrations/003_custom_docs_and_known_addresses.sql).

ALTER TABLE projects ADD COLUMN custom_docs TEXT;

CREATE TABLE IF NOT EXISTS known_addresses (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  label TEXT NOT NULL,
  address TEXT NOT NULL,
  description TEXT,
  created_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  updated_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc'),
  FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE CASCADE
);

CREATE INDEX idx_known_addresses_project_id ON known_addresses(project_id);
