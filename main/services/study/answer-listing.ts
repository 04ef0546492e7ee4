// The coordinator's view of a study's answers: the latest version of each, unblinded (the
// condition, sanity and repeat flags named; a CT case by its reading unit, "CT-001 · nodule 2"),
// one row per reader × trial × question — what `verdict study status --json` prints and an export
// starts from.
import type { Database } from 'better-sqlite3';
import type { AnswerListing, AnswerValue, RoiScores } from '../../../app/study';
import { unitLabel } from '../../../app/nodule-choice';

export type { AnswerListing };

type Row = {
  id: number;
  reader: string;
  reader_id: number;
  position: number;
  label: string;
  nodule_number: number;
  phase: string;
  kind: string;
  condition_id: string | null;
  condition_b_id: string | null;
  sanity: number;
  repeat_position: number | null;
  question_id: string;
  version: number;
  value_json: string;
  scores_json: string | null;
  time_on_trial_ms: number;
  created_at: string;
};

export function answerListing(db: Database, studyId: number): AnswerListing[] {
  const rows = db
    .prepare(
      `SELECT a.id, r.name AS reader, r.id AS reader_id, t.position, c.label,
      (SELECT count(*) FROM nodule m WHERE m.case_id = t.case_id AND m.id <= t.nodule_id) AS nodule_number, t.phase, t.kind, t.condition_id, t.condition_b_id, t.sanity,
      (SELECT o.position FROM trial o WHERE o.id = t.repeat_of) AS repeat_position, a.question_id, a.version, a.value_json, a.scores_json, a.time_on_trial_ms, a.created_at
    FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id JOIN reader r ON r.id = s.reader_id JOIN study_case c ON c.id = t.case_id
    WHERE s.study_id = ? AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)
    ORDER BY s.reader_index, t.position, a.question_id`,
    )
    .all(studyId) as Row[];
  return rows.map((r) => ({
    answerId: r.id,
    reader: r.reader,
    readerId: r.reader_id,
    position: r.position,
    case: unitLabel(r.label, r.nodule_number || null),
    phase: r.phase,
    kind: r.kind,
    condition: r.condition_id,
    conditionB: r.condition_b_id,
    sanity: r.sanity === 1,
    repeatOf: r.repeat_position,
    questionId: r.question_id,
    version: r.version,
    value: JSON.parse(r.value_json) as AnswerValue,
    scores: r.scores_json ? (JSON.parse(r.scores_json) as RoiScores) : null,
    timeOnTrialMs: r.time_on_trial_ms,
    createdAt: r.created_at,
  }));
}
