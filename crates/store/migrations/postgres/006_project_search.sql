-- Beyond the seed: full-text search over public projects (name, description, program id and the
-- instruction names of the latest IDL), with PostgreSQL's own full-text search. As in SQLite, a
-- `project_search` row per project follows `projects` through triggers (deletes, cascaded ones
-- included, through its foreign key); the instruction names are written by the application when
-- a version is appended.
--
-- `document` weighs name A, program id B, instruction names C, description D. The 'simple'
-- configuration lowercases without stemming, so program ids and identifiers stay whole; every run
-- of characters other than letters, digits and '_' becomes a space first, so the parser never
-- reads `pump.fun` as one host name or `a-b` as one hyphenated word.
CREATE TABLE project_search (
  project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  program_id TEXT NOT NULL DEFAULT '',
  instructions TEXT NOT NULL DEFAULT '',
  document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', regexp_replace(name, '[^[:alnum:]_]+', ' ', 'g')), 'A')
    || setweight(to_tsvector('simple', regexp_replace(program_id, '[^[:alnum:]_]+', ' ', 'g')), 'B')
    || setweight(to_tsvector('simple', regexp_replace(instructions, '[^[:alnum:]_]+', ' ', 'g')), 'C')
    || setweight(to_tsvector('simple', regexp_replace(description, '[^[:alnum:]_]+', ' ', 'g')), 'D')
  ) STORED
);

CREATE INDEX idx_project_search_document ON project_search USING GIN (document);

INSERT INTO project_search (project_id, name, description, program_id, instructions)
  SELECT id, name, COALESCE(description, ''), program_id, '' FROM projects;

CREATE FUNCTION project_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO project_search (project_id, name, description, program_id, instructions)
  VALUES (new.id, new.name, COALESCE(new.description, ''), new.program_id, '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER project_search_insert AFTER INSERT ON projects
  FOR EACH ROW EXECUTE FUNCTION project_search_insert();

CREATE FUNCTION project_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE project_search SET name = new.name, description = COALESCE(new.description, '')
  WHERE project_id = new.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER project_search_update AFTER UPDATE OF name, description ON projects
  FOR EACH ROW EXECUTE FUNCTION project_search_update();
