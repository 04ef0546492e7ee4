-- 0007_study_packages.sql: readers at other sites. A study travels to a reader as a signed study
-- package; the reader reads in a workspace made from it (its own database); the answers come back
-- as a signed answer package that the coordinator merges.

-- A study's identity across workstations (integer ids are per database). Existing studies get one now.
ALTER TABLE study ADD COLUMN uuid TEXT;
UPDATE study SET uuid = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)))
  WHERE uuid IS NULL;
CREATE UNIQUE INDEX study_uuid ON study(uuid);

-- Where a reader reads (a site's name, e.g. "Hospital B"); NULL: at this workstation.
ALTER TABLE reader ADD COLUMN site TEXT;

-- Coordinator side: every study package made, for whom, with its hash and the signing key.
CREATE TABLE package_issued (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES study(id),
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  package_sha256 TEXT NOT NULL,
  coordinator_fingerprint TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- Coordinator side: the key a remote reader signs answers with, registered on first use once the
-- coordinator confirmed its fingerprint; a package signed by any other key is refused.
CREATE TABLE reader_key (
  reader_id INTEGER PRIMARY KEY REFERENCES reader(id),
  public_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  trusted_at TEXT NOT NULL
) STRICT;

-- Coordinator side: each answer package merged. The reader's event log is kept (remote_event) so
-- a later package must extend it exactly; importing the same package again changes nothing.
CREATE TABLE answer_import (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES study(id),
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  package_sha256 TEXT NOT NULL UNIQUE,
  reader_fingerprint TEXT NOT NULL,
  last_event_seq INTEGER NOT NULL,
  last_event_hash TEXT NOT NULL,
  answers_added INTEGER NOT NULL,
  app_version TEXT NOT NULL,
  imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE remote_event (
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  study_id INTEGER NOT NULL REFERENCES study(id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (study_id, reader_id, seq)
) STRICT;
CREATE TRIGGER remote_event_no_update BEFORE UPDATE ON remote_event BEGIN SELECT RAISE(ABORT, 'a merged event log is append-only'); END;
CREATE TRIGGER remote_event_no_delete BEFORE DELETE ON remote_event BEGIN SELECT RAISE(ABORT, 'a merged event log is append-only'); END;

-- Coordinator side: a merged answer's id in the reader's workspace (so a later package's edits,
-- which supersede workspace ids, find the version they supersede here).
CREATE TABLE merged_answer (
  answer_id INTEGER PRIMARY KEY REFERENCES answer(id),
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  study_id INTEGER NOT NULL REFERENCES study(id),
  remote_answer_id INTEGER NOT NULL,
  UNIQUE (study_id, reader_id, remote_answer_id)
) STRICT;

-- Reader side: the workspace's one package (a workspace database holds exactly one study).
CREATE TABLE workspace (
  study_id INTEGER PRIMARY KEY REFERENCES study(id),
  study_uuid TEXT NOT NULL,
  package_sha256 TEXT NOT NULL,
  coordinator_fingerprint TEXT NOT NULL,
  opened_at TEXT NOT NULL
) STRICT;

-- Reader side: what a trial shows, computed by the coordinator's own reading code when the
-- package was made (the workspace has no models and no method names): the reader's view of the
-- case, the blinded stimuli (their map values in values_blob, in slot order) and the AI outputs.
CREATE TABLE packaged_trial (
  trial_id INTEGER PRIMARY KEY REFERENCES trial(id),
  case_json TEXT NOT NULL,
  stimuli_json TEXT NOT NULL,
  values_blob BLOB NOT NULL,
  prediction_json TEXT
) STRICT;
