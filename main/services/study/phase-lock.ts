// What a reader has seen of a case before answering one of its trials, from when they first
// opened each trial (trial_visit): the AI output (any trial of the AI or AI + explanation phase)
// and the explanations (any trial of the AI + explanation phase). With the protocol's
// lockEarlierPhases (default when it has more than one phase), a trial is locked once any trial
// of the same reading unit (trial.case_index: a case, or for CT one nodule of it — a case's other
// nodules are separate units with their own AI output) in a later phase has been opened: its
// answers can no longer be edited, and an unanswered question there can no longer be answered —
// a first answer given after the AI was seen is not an unaided read, and taking it would mix
// exposed reads into the earlier phase's results without a trace in the numbers; a missing
// answer is honest and shows as missing.
import type { Database } from 'better-sqlite3';
import { PHASES, locksEarlierPhases, type PhaseId, type Protocol } from '../../../app/protocol';
import type { TrialRow } from './study-rows';

export type Exposure = { aiSeen: boolean; explanationSeen: boolean; laterPhaseOpened: boolean };

const AI_PHASES: readonly PhaseId[] = ['ai', 'ai-explanation'];

/** The phases of this trial's case that its reader has opened, as exposure before an answer to `trial`. */
export function exposureOf(db: Database, trial: Pick<TrialRow, 'assignment_id' | 'case_index' | 'phase'>): Exposure {
  const opened = db
    .prepare(`SELECT DISTINCT t.phase FROM trial t JOIN trial_visit v ON v.trial_id = t.id WHERE t.assignment_id = ? AND t.case_index = ?`)
    .pluck()
    .all(trial.assignment_id, trial.case_index) as PhaseId[];
  const at = PHASES.indexOf(trial.phase);
  return {
    aiSeen: opened.some((p) => AI_PHASES.includes(p)),
    explanationSeen: opened.includes('ai-explanation'),
    laterPhaseOpened: opened.some((p) => PHASES.indexOf(p) > at),
  };
}

/** Whether the trial's answers are locked under the protocol. */
export const isLocked = (protocol: Protocol, e: Exposure): boolean => locksEarlierPhases(protocol) && e.laterPhaseOpened;

/** Positions of an assignment's locked trials (for a worklist or progress), one query. */
export function lockedTrialIds(db: Database, protocol: Protocol, assignmentId: number): Set<number> {
  if (!locksEarlierPhases(protocol)) return new Set();
  const rows = db
    .prepare(
      `SELECT t.id, t.case_index, t.phase, v.trial_id IS NOT NULL AS opened FROM trial t LEFT JOIN trial_visit v ON v.trial_id = t.id WHERE t.assignment_id = ?`,
    )
    .all(assignmentId) as { id: number; case_index: number; phase: PhaseId; opened: number }[];
  const latestOpened = new Map<number, number>();
  for (const r of rows)
    if (r.opened) latestOpened.set(r.case_index, Math.max(latestOpened.get(r.case_index) ?? -1, PHASES.indexOf(r.phase)));
  return new Set(rows.filter((r) => (latestOpened.get(r.case_index) ?? -1) > PHASES.indexOf(r.phase)).map((r) => r.id));
}
