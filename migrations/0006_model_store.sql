-- 0006_model_store.sql: packs added from the app are copied into the study's data folder, and a model can be retired.
-- added_from: the folder (or ONNX file) the coordinator added the pack from; path is then the copy Verdict reads.
-- retired_at: when the coordinator retired the model. A retired model is not offered for new maps
-- or protocols; the row stays, so studies and cached maps that name it still resolve.
ALTER TABLE model ADD COLUMN added_from TEXT;
ALTER TABLE model ADD COLUMN retired_at TEXT;
