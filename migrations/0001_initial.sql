-- 0001_initial.sql: schema v1 — cases, series, images, ground truth, model packs and the explanation cache.

-- What was imported, when, and what was refused (the report is kept whole as JSON).
CREATE TABLE import_job (
  id TEXT PRIMARY KEY,
  root TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  report_json TEXT
) STRICT;

-- A case is what a reader reads. `label` is the only name readers see; `source_ref` (a dataset
-- identifier such as the LIDC collection ID or the ISIC image ID) and `subject_key` (a one-way
-- hash of the patient ID, used to split by patient) are for coordinators and exports only.
CREATE TABLE study_case (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL CHECK (source IN ('lidc', 'isic', 'other')),
  modality TEXT NOT NULL CHECK (modality IN ('CT', 'dermoscopy', 'other')),
  source_ref TEXT,
  subject_key TEXT,
  lesion_key TEXT,
  import_job_id TEXT REFERENCES import_job(id),
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES study_case(id) ON DELETE CASCADE,
  series_uid TEXT NOT NULL UNIQUE,
  study_uid TEXT,
  modality TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  manufacturer TEXT,
  study_date TEXT,
  rows INTEGER NOT NULL,
  columns INTEGER NOT NULL,
  slice_count INTEGER NOT NULL,
  pixel_spacing_row REAL,
  pixel_spacing_col REAL,
  slice_spacing REAL,
  slice_thickness REAL,
  orientation_json TEXT,
  gaps_after_json TEXT NOT NULL DEFAULT '[]',
  warnings_json TEXT NOT NULL DEFAULT '[]',
  window_center REAL,
  window_width REAL,
  transfer_syntax TEXT NOT NULL
) STRICT;

-- A file Verdict reads pixels from: a DICOM slice (one frame of a file), a dermoscopic image
-- or a mask. The SHA-256 is checked when pixels are read, so a changed file is noticed.
CREATE TABLE image (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES study_case(id) ON DELETE CASCADE,
  series_id INTEGER REFERENCES series(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('ct-slice', 'dicom-image', 'dermoscopy')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  frame INTEGER NOT NULL DEFAULT 0,
  slice_index INTEGER,
  sop_uid TEXT,
  instance_number INTEGER,
  position_json TEXT,
  slice_position REAL,
  transfer_syntax TEXT,
  rows INTEGER NOT NULL,
  columns INTEGER NOT NULL,
  rescale_slope REAL,
  rescale_intercept REAL,
  UNIQUE (series_id, slice_index)
) STRICT;
CREATE INDEX image_case ON image(case_id);

-- LIDC ground truth: each reader's session, marks (nodules ≥3 mm, small nodules, non-nodules)
-- and per-slice contours, and the physical nodules the marks were clustered into.
CREATE TABLE lidc_reading (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES study_case(id) ON DELETE CASCADE,
  xml_path TEXT NOT NULL,
  xml_sha256 TEXT NOT NULL,
  reader INTEGER NOT NULL,
  radiologist_id TEXT,
  UNIQUE (case_id, reader)
) STRICT;

CREATE TABLE nodule (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES study_case(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  reader_count INTEGER NOT NULL,
  centroid_x REAL NOT NULL,
  centroid_y REAL NOT NULL,
  centroid_slice REAL NOT NULL,
  largest_slice INTEGER NOT NULL,
  diameter_mm REAL,
  median_malignancy REAL
) STRICT;

CREATE TABLE lidc_mark (
  id INTEGER PRIMARY KEY,
  reading_id INTEGER NOT NULL REFERENCES lidc_reading(id) ON DELETE CASCADE,
  nodule_id INTEGER REFERENCES nodule(id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('nodule', 'small-nodule', 'non-nodule')),
  reader_nodule_id TEXT NOT NULL,
  subtlety INTEGER,
  internal_structure INTEGER,
  calcification INTEGER,
  sphericity INTEGER,
  margin INTEGER,
  lobulation INTEGER,
  spiculation INTEGER,
  texture INTEGER,
  malignancy INTEGER,
  point_x REAL,
  point_y REAL,
  point_slice INTEGER
) STRICT;

CREATE TABLE lidc_contour (
  id INTEGER PRIMARY KEY,
  mark_id INTEGER NOT NULL REFERENCES lidc_mark(id) ON DELETE CASCADE,
  slice_index INTEGER NOT NULL,
  sop_uid TEXT,
  z REAL,
  inclusion INTEGER NOT NULL CHECK (inclusion IN (0, 1)),
  points_json TEXT NOT NULL
) STRICT;

-- ISIC ground truth: diagnosis and metadata per dermoscopic case, and attribute masks.
CREATE TABLE dermo_truth (
  case_id INTEGER PRIMARY KEY REFERENCES study_case(id) ON DELETE CASCADE,
  diagnosis TEXT NOT NULL CHECK (diagnosis IN ('mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc')),
  diagnosis_type TEXT,
  age REAL,
  sex TEXT,
  site TEXT,
  dataset TEXT,
  labels_path TEXT NOT NULL
) STRICT;

CREATE TABLE mask (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES image(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('attribute', 'segmentation')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  area INTEGER NOT NULL,
  UNIQUE (image_id, name)
) STRICT;

-- Model packs (a folder with manifest.json and ONNX graphs; every file's SHA-256 is kept),
-- named concepts for concept CDAM, and the cache of computed explanation maps.
CREATE TABLE model (
  id INTEGER PRIMARY KEY,
  pack_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  modality TEXT NOT NULL CHECK (modality IN ('CT', 'dermoscopy')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  files_json TEXT NOT NULL,
  manifest_json TEXT NOT NULL,
  added_at TEXT NOT NULL,
  UNIQUE (pack_id, version, sha256)
) STRICT;

CREATE TABLE concept (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES model(id),
  name TEXT NOT NULL,
  vector BLOB NOT NULL,
  examples_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (model_id, name)
) STRICT;

-- One computed map: keyed by what determines it (model hash, case, nodule, method, target,
-- parameters), so the same request is answered from here; the provider that ran it is kept.
CREATE TABLE explanation (
  id INTEGER PRIMARY KEY,
  cache_key TEXT NOT NULL UNIQUE,
  model_id INTEGER NOT NULL REFERENCES model(id),
  case_id INTEGER NOT NULL REFERENCES study_case(id) ON DELETE CASCADE,
  nodule_id INTEGER REFERENCES nodule(id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  target TEXT NOT NULL,
  params_json TEXT NOT NULL,
  provider TEXT NOT NULL,
  outputs_json TEXT NOT NULL,
  grid_rows INTEGER NOT NULL,
  grid_cols INTEGER NOT NULL,
  map BLOB NOT NULL,
  placement_json TEXT NOT NULL,
  compute_ms REAL NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
