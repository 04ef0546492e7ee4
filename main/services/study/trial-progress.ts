// Where a reader stands: a trial is done once every required question has an answer (and it
// was opened or answered at all, so a trial with optional questions only is not done before
// the reader has been there) — or once it is locked (a later phase of its case was opened, so
// nothing more can be given there; a missing answer stays missing); time spent is the longest time-on-trial any answer reported.
import type { Database } from 'better-sqlite3';
import type { Protocol } from '../../../app/protocol';
import { isAnswered, latestAnswerRows, trialsOf, type TrialRow } from './study-rows';
import { questionsFor } from './trial-plan';
import { lockedTrialIds } from './phase-lock';

export type TrialState = { trial: TrialRow; done: boolean; timeSpentMs: number };

export function trialStates(db: Database, protocol: Protocol, assignmentId: number): TrialState[] {
  const trials = trialsOf(db, assignmentId);
  const answered = new Map<number, Set<string>>();
  const touched = new Set<number>();
  for (const a of latestAnswerRows(db, assignmentId)) {
    touched.add(a.trial_id);
    if (!isAnswered(a.value_json)) continue;
    const set = answered.get(a.trial_id) ?? new Set<string>();
    set.add(a.question_id);
    answered.set(a.trial_id, set);
  }
  const time = new Map(
    (
      db
        .prepare(
          `SELECT a.trial_id AS id, max(a.time_on_trial_ms) AS ms FROM answer a JOIN trial t ON t.id = a.trial_id
    WHERE t.assignment_id = ? GROUP BY a.trial_id`,
        )
        .all(assignmentId) as { id: number; ms: number }[]
    ).map((r) => [r.id, r.ms]),
  );
  const visited = new Set(
    (
      db
        .prepare('SELECT v.trial_id AS id FROM trial_visit v JOIN trial t ON t.id = v.trial_id WHERE t.assignment_id = ?')
        .all(assignmentId) as { id: number }[]
    ).map((r) => r.id),
  );
  const locked = lockedTrialIds(db, protocol, assignmentId);
  return trials.map((trial) => {
    const required = questionsFor(protocol, trial.kind, trial.phase).filter((q) => q.required);
    const have = answered.get(trial.id);
    const done = (required.every((q) => have?.has(q.id)) && (visited.has(trial.id) || touched.has(trial.id))) || locked.has(trial.id);
    return { trial, done, timeSpentMs: time.get(trial.id) ?? 0 };
  });
}

export function progressOf(states: TrialState[]): { done: number; total: number; timeSpentMs: number; resumeAt: number | null } {
  return {
    done: states.filter((s) => s.done).length,
    total: states.length,
    timeSpentMs: states.reduce((sum, s) => sum + s.timeSpentMs, 0),
    resumeAt: states.find((s) => !s.done)?.trial.position ?? null,
  };
}
