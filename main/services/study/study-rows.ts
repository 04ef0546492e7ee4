// Rows of the reader-study tables and the small queries the study and reading services share.
import type { Database } from 'better-sqlite3';
import type { PhaseId, Protocol } from '../../../app/protocol';
import type { Answer, AnswerValue, RoiScores } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { AnswerRowContent } from '../db/event-log';
import type { ResolvedModel } from './protocol-resolve';
import type { TrialKind } from './trial-plan';

export type StudyRow = {
  id: number;
  name: string;
  protocol_row_id: number;
  resolved_json: string;
  status: 'open' | 'closed';
  created_at: string;
  /** The study's identity on other workstations (packages name it). */
  uuid: string;
};
export type StudyResolved = { models: Record<string, ResolvedModel>; sanityConditions: string[] };
export type StudyContext = {
  study: StudyRow;
  protocol: Protocol;
  protocolRow: { id: number; protocol_id: string; version: number; title: string; sha256: string };
  resolved: StudyResolved;
};

export type AssignmentRow = {
  id: number;
  study_id: number;
  reader_id: number;
  reader_index: number;
  seed: number;
  labels_json: string;
  trials_sha256: string;
  created_at: string;
};

export type TrialRow = {
  id: number;
  assignment_id: number;
  position: number;
  case_index: number;
  case_id: number;
  nodule_id: number | null;
  phase: PhaseId;
  kind: TrialKind;
  condition_id: string | null;
  condition_b_id: string | null;
  sanity: 0 | 1;
  repeat_of: number | null;
};

/** An answer row: its id and the columns its event vouches for. */
export type AnswerRow = { id: number } & AnswerRowContent;

export function studyContext(db: Database, studyId: number): StudyContext {
  const study = db.prepare('SELECT * FROM study WHERE id = ?').get(studyId) as StudyRow | undefined;
  if (!study) throw new VerdictError('not-found', `No study with id ${studyId}.`, { studyId });
  const protocolRow = db
    .prepare('SELECT id, protocol_id, version, title, sha256, protocol_json FROM protocol WHERE id = ?')
    .get(study.protocol_row_id) as StudyContext['protocolRow'] & { protocol_json: string };
  return {
    study,
    protocol: JSON.parse(protocolRow.protocol_json) as Protocol,
    protocolRow,
    resolved: JSON.parse(study.resolved_json) as StudyResolved,
  };
}

export const entriesOf = (db: Database, studyId: number): { caseId: number; noduleId: number | null }[] =>
  db.prepare('SELECT case_id AS caseId, nodule_id AS noduleId FROM study_entry WHERE study_id = ? ORDER BY case_index').all(studyId) as {
    caseId: number;
    noduleId: number | null;
  }[];

export const assignmentsOf = (db: Database, studyId: number): AssignmentRow[] =>
  db.prepare('SELECT * FROM assignment WHERE study_id = ? ORDER BY reader_index').all(studyId) as AssignmentRow[];

export const assignmentOf = (db: Database, studyId: number, readerId: number): AssignmentRow | undefined =>
  db.prepare('SELECT * FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, readerId) as AssignmentRow | undefined;

export const trialsOf = (db: Database, assignmentId: number): TrialRow[] =>
  db.prepare('SELECT * FROM trial WHERE assignment_id = ? ORDER BY position').all(assignmentId) as TrialRow[];

/** The latest version of each answer (the one no other row supersedes) of one assignment's trials. */
export function latestAnswerRows(db: Database, assignmentId: number, trialId?: number): AnswerRow[] {
  return db
    .prepare(
      `SELECT a.* FROM answer a JOIN trial t ON t.id = a.trial_id
    WHERE t.assignment_id = ? ${trialId !== undefined ? 'AND t.id = ?' : ''}
      AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id) ORDER BY a.trial_id, a.question_id`,
    )
    .all(...(trialId !== undefined ? [assignmentId, trialId] : [assignmentId])) as AnswerRow[];
}

export const answerOf = (r: AnswerRow): Answer => ({
  id: r.id,
  trialId: r.trial_id,
  questionId: r.question_id,
  questionVersion: r.question_version,
  value: JSON.parse(r.value_json) as AnswerValue,
  version: r.version,
  scores: r.scores_json ? (JSON.parse(r.scores_json) as RoiScores) : null,
  createdAt: r.created_at,
});

/** An answer that counts: null (a withdrawn answer) and empty text do not. */
export const isAnswered = (valueJson: string): boolean => valueJson !== 'null' && valueJson !== '""';
