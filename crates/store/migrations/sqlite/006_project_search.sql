-- Beyond the seed: full-text search over public projects (name, description, program id and the
-- instruction names of the latest IDL), ranked with bm25. Rows follow `projects` through triggers
-- (including cascaded deletes); the instruction names are written by the application when a
-- version is appended.
CREATE VIRTUAL TABLE project_search USING fts5(
  project_id UNINDEXED,
  name,
  description,
  program_id,
  instructions,
  tokenize = "unicode61 tokenchars '_'"
);

INSERT INTO project_search (project_id, name, description, program_id, instructions)
  SELECT id, name, COALESCE(description, ''), program_id, '' FROM projects;

CREATE TRIGGER project_search_insert AFTER INSERT ON projects BEGIN
  INSERT INTO project_search (project_id, name, description, program_id, instructions)
  VALUES (new.id, new.name, COALESCE(new.description, ''), new.program_id, '');
END;

CREATE TRIGGER project_search_update AFTER UPDATE OF name, description ON projects BEGIN
  UPDATE project_search SET name = new.name, description = COALESCE(new.description, '')
  WHERE project_id = new.id;
END;

CREATE TRIGGER project_search_delete AFTER DELETE ON projects BEGIN
  DELETE FROM project_search WHERE project_id = old.id;
END;
