-- 0002_reader_studies.sql: readers, protocols, studies with per-reader seeded trials, append-only answers and the hash-chained event log.

-- A person who reads (or coordinates) studies. The passphrase is kept only as a slow salted hash
-- ("scrypt$N$r$p$salt$hash", base64); NULL means the profile cannot sign in.
CREATE TABLE reader (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('reader', 'admin')),
  specialty TEXT,
  years_experience INTEGER CHECK (years_experience IS NULL OR years_experience BETWEEN 0 AND 80),
  passphrase_hash TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- A reader's remapped keys (action → KeyboardEvent.key); absent: the default map.
CREATE TABLE reader_keymap (
  reader_id INTEGER PRIMARY KEY REFERENCES reader(id),
  keymap_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- A protocol file as saved (parsed, defaults filled). Once a study uses a row it is frozen:
-- a changed protocol is a new version, i.e. a new row.
CREATE TABLE protocol (
  id INTEGER PRIMARY KEY,
  protocol_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  title TEXT NOT NULL,
  modality TEXT NOT NULL CHECK (modality IN ('CT', 'dermoscopy')),
  protocol_json TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (protocol_id, version)
) STRICT;

-- A study runs one frozen protocol. resolved_json fixes the exact model rows its stimuli come
-- from (pack id → row id and pack hash; a later pack update does not change what readers see)
-- and the conditions the sanity-check pack imitates.
CREATE TABLE study (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  protocol_row_id INTEGER NOT NULL REFERENCES protocol(id),
  resolved_json TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER protocol_frozen_update BEFORE UPDATE ON protocol
  WHEN EXISTS (SELECT 1 FROM study WHERE protocol_row_id = OLD.id)
  BEGIN SELECT RAISE(ABORT, 'this protocol version is used by a study and is frozen'); END;
CREATE TRIGGER protocol_frozen_delete BEFORE DELETE ON protocol
  WHEN EXISTS (SELECT 1 FROM study WHERE protocol_row_id = OLD.id)
  BEGIN SELECT RAISE(ABORT, 'this protocol version is used by a study and is frozen'); END;

-- The study's cases, resolved from the protocol when the study was created (for CT, the nodule
-- read). case_index is the case's place in this list (it picks Latin-square rows).
CREATE TABLE study_entry (
  study_id INTEGER NOT NULL REFERENCES study(id),
  case_index INTEGER NOT NULL,
  case_id INTEGER NOT NULL REFERENCES study_case(id),
  nodule_id INTEGER REFERENCES nodule(id),
  PRIMARY KEY (study_id, case_index),
  UNIQUE (study_id, case_id)
) STRICT;

-- A reader's part in a study: the seed (from the protocol's order seed and the reader id), the
-- reader's index (order of assignment), the blinded labels, and a hash of the generated trials.
CREATE TABLE assignment (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES study(id),
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  reader_index INTEGER NOT NULL,
  seed INTEGER NOT NULL,
  labels_json TEXT NOT NULL,
  trials_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (study_id, reader_id),
  UNIQUE (study_id, reader_index)
) STRICT;

-- One step of a reader's session, generated once at assignment. condition_id: the condition a
-- stimulus shows (for a comparison, the one shown as A); condition_b_id: a comparison's B.
-- Sanity-check trials (sanity = 1) show the sanity pack's map under the label of the condition
-- they imitate; repeats point at the trial they re-show.
CREATE TABLE trial (
  id INTEGER PRIMARY KEY,
  assignment_id INTEGER NOT NULL REFERENCES assignment(id),
  position INTEGER NOT NULL,
  case_index INTEGER NOT NULL,
  case_id INTEGER NOT NULL REFERENCES study_case(id),
  nodule_id INTEGER REFERENCES nodule(id),
  phase TEXT NOT NULL CHECK (phase IN ('unaided', 'ai', 'ai-explanation')),
  kind TEXT NOT NULL CHECK (kind IN ('case', 'stimulus', 'comparison')),
  condition_id TEXT,
  condition_b_id TEXT,
  sanity INTEGER NOT NULL DEFAULT 0 CHECK (sanity IN (0, 1)),
  repeat_of INTEGER REFERENCES trial(id),
  UNIQUE (assignment_id, position),
  CHECK ((kind = 'case') = (condition_id IS NULL)),
  CHECK ((kind = 'comparison') = (condition_b_id IS NOT NULL))
) STRICT;

-- What a stimulus trial showed, recorded when it was first opened: the explanation row, the
-- exact model (pack hash), the execution provider that computed the map and the map's hash.
CREATE TABLE stimulus (
  id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL REFERENCES trial(id),
  slot INTEGER NOT NULL CHECK (slot IN (0, 1)),
  label TEXT NOT NULL,
  condition_id TEXT NOT NULL,
  explanation_id INTEGER NOT NULL REFERENCES explanation(id),
  model_id INTEGER NOT NULL REFERENCES model(id),
  model_sha256 TEXT NOT NULL,
  provider TEXT NOT NULL,
  method TEXT NOT NULL,
  target TEXT NOT NULL,
  map_sha256 TEXT NOT NULL,
  shown_at TEXT NOT NULL,
  UNIQUE (trial_id, slot)
) STRICT;

-- The model outputs an AI-phase trial showed (the protocol's first condition's model).
CREATE TABLE trial_prediction (
  trial_id INTEGER PRIMARY KEY REFERENCES trial(id),
  model_id INTEGER NOT NULL REFERENCES model(id),
  model_sha256 TEXT NOT NULL,
  provider TEXT NOT NULL,
  outputs_json TEXT NOT NULL,
  shown_at TEXT NOT NULL
) STRICT;

CREATE TABLE trial_visit (
  trial_id INTEGER PRIMARY KEY REFERENCES trial(id),
  first_opened_at TEXT NOT NULL
) STRICT;

-- One answer version. An edit appends version n+1 that supersedes version n; rows are never
-- updated or deleted (the triggers below). Display state and timings are kept with each version.
CREATE TABLE answer (
  id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL REFERENCES trial(id),
  reader_id INTEGER NOT NULL REFERENCES reader(id),
  question_id TEXT NOT NULL,
  question_version INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  supersedes INTEGER UNIQUE REFERENCES answer(id),
  value_json TEXT NOT NULL,
  scores_json TEXT,
  display_state_json TEXT NOT NULL,
  time_to_first_input_ms REAL,
  time_on_trial_ms REAL NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (trial_id, question_id, version),
  CHECK ((version = 1) = (supersedes IS NULL))
) STRICT;
CREATE INDEX answer_reader ON answer(reader_id);

-- The audit log: each row's hash = SHA-256(prev_hash ‖ canonical JSON of [at, kind, payload]);
-- the first row's prev_hash is 64 zeros. UNIQUE prev_hash: the chain cannot fork.
CREATE TABLE event (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE
) STRICT;

CREATE TRIGGER answer_no_update BEFORE UPDATE ON answer BEGIN SELECT RAISE(ABORT, 'answers are append-only: an edit is a new version'); END;
CREATE TRIGGER answer_no_delete BEFORE DELETE ON answer BEGIN SELECT RAISE(ABORT, 'answers are append-only: they are never deleted'); END;
CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
-- What a reader was given stays as it was generated and shown.
CREATE TRIGGER trial_no_update BEFORE UPDATE ON trial BEGIN SELECT RAISE(ABORT, 'trials are fixed at assignment'); END;
CREATE TRIGGER trial_no_delete BEFORE DELETE ON trial BEGIN SELECT RAISE(ABORT, 'trials are fixed at assignment'); END;
CREATE TRIGGER assignment_no_update BEFORE UPDATE ON assignment BEGIN SELECT RAISE(ABORT, 'assignments are fixed'); END;
CREATE TRIGGER assignment_no_delete BEFORE DELETE ON assignment BEGIN SELECT RAISE(ABORT, 'assignments are fixed'); END;
CREATE TRIGGER stimulus_no_update BEFORE UPDATE ON stimulus BEGIN SELECT RAISE(ABORT, 'a shown stimulus is kept as shown'); END;
CREATE TRIGGER stimulus_no_delete BEFORE DELETE ON stimulus BEGIN SELECT RAISE(ABORT, 'a shown stimulus is kept as shown'); END;
