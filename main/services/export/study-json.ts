// The whole study as one JSON document: protocol, readers (no passphrases), cases with their
// truth (labels only: no patient or dataset identifiers), each reader's assignment and trials,
// what each trial showed, and every answer version (superseded ones too, with what superseded
// them), plus the event log's integrity. For archiving and for analyses the CSVs do not cover.
import type { Database } from 'better-sqlite3';
import { binaryTruth, type IsicDiagnosis } from '../../../app/domain';
import type { StudyContext } from '../study/study-rows';
import { verifyEventLog } from '../db/event-log';

export const STUDY_JSON_FORMAT = 'verdict-study-export/1';

const all = (db: Database, sql: string, ...args: unknown[]) => db.prepare(sql).all(...args) as Record<string, unknown>[];
const parsed = (row: Record<string, unknown>, ...keys: string[]) => {
  const out = { ...row };
  for (const k of keys) {
    const v = out[k];
    delete out[k];
    out[k.replace(/_json$/, '')] = typeof v === 'string' ? JSON.parse(v) : null;
  }
  return out;
};

export function studyJson(db: Database, ctx: StudyContext, appVersion: string, exportedAt: string): string {
  const id = ctx.study.id;
  const assignments = all(
    db,
    `SELECT s.id, s.reader_id, s.reader_index, s.seed, s.labels_json, s.trials_sha256, s.created_at FROM assignment s WHERE s.study_id = ? ORDER BY s.reader_index`,
    id,
  );
  const cases = all(
    db,
    `SELECT e.case_index, c.label, c.source, c.modality, n.label AS nodule, n.median_malignancy, n.diameter_mm, d.diagnosis
      FROM study_entry e JOIN study_case c ON c.id = e.case_id LEFT JOIN nodule n ON n.id = e.nodule_id LEFT JOIN dermo_truth d ON d.case_id = e.case_id
      WHERE e.study_id = ? ORDER BY e.case_index`,
    id,
  ).map((c) => ({
    ...c,
    truth_binary: binaryTruth({ medianMalignancy: c.median_malignancy as number | null, diagnosis: c.diagnosis as IsicDiagnosis | null }),
  }));
  const doc = {
    format: STUDY_JSON_FORMAT,
    appVersion,
    exportedAt,
    study: {
      id,
      name: ctx.study.name,
      status: ctx.study.status,
      createdAt: ctx.study.created_at,
      resolvedModels: ctx.resolved.models,
      sanityConditions: ctx.resolved.sanityConditions,
    },
    protocol: { id: ctx.protocolRow.protocol_id, version: ctx.protocolRow.version, sha256: ctx.protocolRow.sha256, content: ctx.protocol },
    models: all(
      db,
      `SELECT id, pack_id, name, version, sha256 FROM model WHERE id IN (SELECT model_id FROM stimulus st JOIN trial t ON t.id = st.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ?
      UNION SELECT model_id FROM trial_prediction p JOIN trial t ON t.id = p.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ?) ORDER BY id`,
      id,
      id,
    ),
    readers: all(
      db,
      `SELECT r.id, r.name, r.role, r.specialty, r.years_experience, r.site FROM reader r JOIN assignment s ON s.reader_id = r.id WHERE s.study_id = ? ORDER BY s.reader_index`,
      id,
    ),
    cases,
    assignments: assignments.map((a) => ({
      ...parsed(a, 'labels_json'),
      trials: all(
        db,
        `SELECT t.id, t.position, t.case_index, t.phase, t.kind, t.condition_id, t.condition_b_id, t.sanity, o.position AS repeat_of_position, v.first_opened_at
          FROM trial t LEFT JOIN trial o ON o.id = t.repeat_of LEFT JOIN trial_visit v ON v.trial_id = t.id WHERE t.assignment_id = ? ORDER BY t.position`,
        a.id,
      ),
    })),
    stimuli: all(
      db,
      `SELECT st.trial_id, st.slot, st.label, st.condition_id, st.explanation_id, st.model_id, st.model_sha256, st.provider, st.method, st.target, st.map_sha256, st.shown_at, e.params_json
        FROM stimulus st JOIN explanation e ON e.id = st.explanation_id JOIN trial t ON t.id = st.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ? ORDER BY st.trial_id, st.slot`,
      id,
    ).map((r) => parsed(r, 'params_json')),
    predictions: all(
      db,
      `SELECT p.trial_id, p.model_id, p.model_sha256, p.provider, p.outputs_json, p.shown_at FROM trial_prediction p JOIN trial t ON t.id = p.trial_id JOIN assignment s ON s.id = t.assignment_id
        WHERE s.study_id = ? ORDER BY p.trial_id`,
      id,
    ).map((r) => parsed(r, 'outputs_json')),
    answers: all(
      db,
      `SELECT a.id, a.trial_id, a.reader_id, a.question_id, a.question_version, a.version, a.supersedes, (SELECT x.id FROM answer x WHERE x.supersedes = a.id) AS superseded_by,
        a.value_json, a.scores_json, a.display_state_json, a.time_to_first_input_ms, a.time_on_trial_ms, a.created_at
        FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ? ORDER BY a.id`,
      id,
    ).map((r) => parsed(r, 'value_json', 'scores_json', 'display_state_json')),
    // Faithfulness metrics of the maps shown (coordinator data: never shown to readers).
    faithfulness: all(
      db,
      `SELECT m.explanation_id, m.metric, m.params_json, m.value, m.provider, m.forward_passes, m.compute_ms, m.created_at FROM explanation_metric m
        WHERE m.explanation_id IN (SELECT st.explanation_id FROM stimulus st JOIN trial t ON t.id = st.trial_id JOIN assignment s ON s.id = t.assignment_id WHERE s.study_id = ?) ORDER BY m.explanation_id, m.metric, m.id`,
      id,
    ).map((r) => parsed(r, 'params_json')),
    eventLog: verifyEventLog(db),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
