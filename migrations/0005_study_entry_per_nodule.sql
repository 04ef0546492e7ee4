-- 0005_study_entry_per_nodule.sql: a study reads several nodules of a CT case, each its own entry (reading unit): UNIQUE (study_id, case_id) becomes (study_id, case_id, nodule_id).

-- SQLite cannot change a table's constraints in place: create the new table, copy every row,
-- drop the old one and take its name. No table references study_entry, so the drop deletes
-- nothing that a foreign key points at; the rows keep their own references (study, case, nodule).
CREATE TABLE study_entry_new (
  study_id INTEGER NOT NULL REFERENCES study(id),
  case_index INTEGER NOT NULL,
  case_id INTEGER NOT NULL REFERENCES study_case(id),
  nodule_id INTEGER REFERENCES nodule(id),
  PRIMARY KEY (study_id, case_index),
  UNIQUE (study_id, case_id, nodule_id)
) STRICT;
INSERT INTO study_entry_new (study_id, case_index, case_id, nodule_id)
  SELECT study_id, case_index, case_id, nodule_id FROM study_entry ORDER BY study_id, case_index;
DROP TABLE study_entry;
ALTER TABLE study_entry_new RENAME TO study_entry;

-- UNIQUE treats NULLs as distinct: a case without a nodule (dermoscopy) is still read once per study.
CREATE UNIQUE INDEX study_entry_case_once ON study_entry (study_id, case_id) WHERE nodule_id IS NULL;
