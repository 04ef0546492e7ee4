-- 0003_faithfulness.sql: faithfulness metrics computed for an explanation map (perturbation
-- curves, box sensitivity, compactness, class discrimination, pointing game, IoU).

-- One metric of one map: `value` is its headline number (an AUC, a fidelity, a correlation, a
-- share, 1/0 for a pointing-game hit); `detail_json` keeps the curves and per-part values.
-- Keyed by what determines it, so the same request is answered from here. Coordinator only:
-- never sent to a reader.
CREATE TABLE explanation_metric (
  id INTEGER PRIMARY KEY,
  explanation_id INTEGER NOT NULL REFERENCES explanation(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  params_json TEXT NOT NULL,
  value REAL,
  detail_json TEXT NOT NULL,
  provider TEXT NOT NULL,
  forward_passes INTEGER NOT NULL CHECK (forward_passes >= 0),
  compute_ms REAL NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (explanation_id, metric, params_json)
) STRICT;
