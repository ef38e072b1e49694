-- Beyond the seed: what the service needs for correctness and its hot queries.

-- Two uploads can never share a version number, even if the append logic were raced.
CREATE UNIQUE INDEX idx_idl_versions_project_version ON idl_versions(project_id, version);

-- Public listing is "newest first" over public projects only.
CREATE INDEX idx_projects_public_created_at ON projects(is_public, created_at);
