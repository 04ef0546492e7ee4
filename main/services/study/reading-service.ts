// A signed-in reader's side of a study: their studies, worklist and progress, one trial at a
// time as a blinded view, and answers — each committed with its event in one transaction before
// the reply (so an acknowledged answer is on disk), edits appended as new versions, evidence
// marks scored at once. A reader reaches only studies assigned to them; anything else is
// "not found", whether it exists or not.
import type { Database } from 'better-sqlite3';
import type {
  AnswerValue,
  DisplayState,
  KeyMap,
  ReadingWorklist,
  Roi,
  RoiScores,
  Timings,
  TrialView,
  TrialSummary,
} from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import type { ExplanationService } from '../explain/explain-service';
import type { ImagingService } from '../imaging/imaging-service';
import { checkAnswer } from './answer-check';
import { answerContentSha256, appendEvent, type AnswerRowContent } from '../db/event-log';
import { keymapOf, setKeymap } from './keymap';
import { unitLabel } from '../../../app/nodule-choice';
import { imageSize } from './reader-case';
import { maskTruthOf, roiAnswerScores } from './answer-scores';
import { answerOf, assignmentOf, latestAnswerRows, studyContext, type AssignmentRow, type StudyContext, type TrialRow } from './study-rows';
import { shownCase, shownPrediction, shownStimuli, stimuliShown, type DisplayDeps } from './trial-display';
import { packagedTrial } from './packaged-trial';
import { seenExplanations } from './seen-explanations';
import { questionsFor } from './trial-plan';
import { exposureOf, isLocked } from './phase-lock';
import { progressOf, trialStates, type TrialState } from './trial-progress';

export type ReadingDeps = { db: Database; explain: ExplanationService; imaging: ImagingService; now?: () => Date };

export type AnswerInput = {
  studyId: number;
  trialId: number;
  questionId: string;
  value: AnswerValue;
  displayState: DisplayState;
  timings: Timings;
};

const summaryOf = (s: TrialState, label: string): TrialSummary => ({
  id: s.trial.id,
  position: s.trial.position,
  caseLabel: label,
  phase: s.trial.phase,
  kind: s.trial.kind,
  done: s.done,
});

export class ReadingService {
  readonly #db: Database;
  readonly #imaging: ImagingService;
  readonly #now: () => Date;
  readonly #display: DisplayDeps;

  constructor(d: ReadingDeps) {
    this.#db = d.db;
    this.#imaging = d.imaging;
    this.#now = d.now ?? (() => new Date());
    this.#display = { db: d.db, explain: d.explain, now: this.#now };
  }

  studies(readerId: number): { id: number; title: string; done: number; total: number }[] {
    const rows = this.#db.prepare('SELECT study_id AS id FROM assignment WHERE reader_id = ? ORDER BY study_id').all(readerId) as {
      id: number;
    }[];
    return rows.map((r) => {
      const w = this.worklist(readerId, r.id);
      return { id: r.id, title: w.title, done: w.done, total: w.total };
    });
  }

  worklist(readerId: number, studyId: number): ReadingWorklist {
    const { ctx, assignment } = this.#reading(readerId, studyId);
    const states = trialStates(this.#db, ctx.protocol, assignment.id);
    const labels = this.#caseLabels(studyId);
    const p = progressOf(states);
    // The study's name, not the protocol's title: a title may name the methods being compared.
    return { studyId, title: ctx.study.name, trials: states.map((s) => summaryOf(s, labels.get(s.trial.case_index)!)), ...p };
  }

  async trial(readerId: number, studyId: number, position: number): Promise<TrialView> {
    const { ctx, assignment } = this.#reading(readerId, studyId);
    const trial = this.#db.prepare('SELECT * FROM trial WHERE assignment_id = ? AND position = ?').get(assignment.id, position) as
      TrialRow | undefined;
    if (!trial) throw new VerdictError('not-found', `This study has no trial at position ${position}.`, { position });
    const labels = JSON.parse(assignment.labels_json) as Record<string, string>;
    const stimuli = await shownStimuli(this.#display, ctx, labels, trial);
    const prediction = await shownPrediction(this.#display, ctx, trial);
    const seen = await seenExplanations(this.#display, ctx, labels, trial);
    this.#db
      .prepare('INSERT OR IGNORE INTO trial_visit (trial_id, first_opened_at) VALUES (?, ?)')
      .run(trial.id, this.#now().toISOString());
    const states = trialStates(this.#db, ctx.protocol, assignment.id);
    const c = shownCase(this.#db, trial);
    return {
      studyId,
      trial: summaryOf(states[position], c.label),
      total: states.length,
      case: c,
      prediction,
      stimuli,
      questions: questionsFor(ctx.protocol, trial.kind, trial.phase),
      answers: latestAnswerRows(this.#db, assignment.id, trial.id).map(answerOf),
      locked: isLocked(ctx.protocol, exposureOf(this.#db, trial)),
      ...seen,
    };
  }

  async answer(readerId: number, a: AnswerInput): Promise<{ answerId: number; version: number; scores: RoiScores | null }> {
    const { ctx, assignment } = this.#reading(readerId, a.studyId);
    if (ctx.study.status !== 'open')
      throw new VerdictError('study.closed', 'This study is closed; answers can no longer be given.', { studyId: a.studyId });
    const trial = this.#db.prepare('SELECT * FROM trial WHERE id = ? AND assignment_id = ?').get(a.trialId, assignment.id) as
      TrialRow | undefined;
    if (!trial) throw new VerdictError('not-found', `This study has no trial ${a.trialId} for you.`, { trialId: a.trialId });
    const question = questionsFor(ctx.protocol, trial.kind, trial.phase).find((q) => q.id === a.questionId);
    if (!question)
      throw new VerdictError('answer.invalid', `${a.questionId}: this question is not asked on this trial.`, { questionId: a.questionId });
    if (trial.kind !== 'case' && !stimuliShown(this.#db, trial.id)) {
      throw new VerdictError(
        'study.not-shown',
        'Open the trial (reading.trial) before answering: an answer is kept with what it was given to.',
        { trialId: trial.id },
      );
    }
    const c = shownCase(this.#db, trial);
    const value = checkAnswer(question, a.value, imageSize(c));
    // A workspace has no truth to score a mark against: its scores stay empty, and the coordinator's merge computes them.
    const scorable = question.type === 'roi' && value !== null && !packagedTrial(this.#db, trial.id);
    const scores = scorable ? await this.#score(trial, a, c.images[0]?.id ?? null, imageSize(c)) : null;
    const at = this.#now().toISOString();
    return this.#db
      .transaction(() => {
        // What the reader had opened of this case when answering: kept with every version, and the
        // lock (app/protocol.ts lockEarlierPhases) read inside the write, so no later phase opens between.
        const exposure = exposureOf(this.#db, trial);
        if (isLocked(ctx.protocol, exposure)) {
          throw new VerdictError(
            'answer.locked',
            `Locked: you have seen the AI for this case, so your ${trial.phase} answers to it can no longer be given or changed.`,
            { trialId: trial.id, questionId: question.id },
          );
        }
        const last = this.#db
          .prepare('SELECT id, version FROM answer WHERE trial_id = ? AND question_id = ? ORDER BY version DESC LIMIT 1')
          .get(trial.id, question.id) as { id: number; version: number } | undefined;
        const row: AnswerRowContent = {
          trial_id: trial.id,
          reader_id: readerId,
          question_id: question.id,
          question_version: question.version,
          version: (last?.version ?? 0) + 1,
          supersedes: last?.id ?? null,
          value_json: JSON.stringify(value),
          scores_json: scores ? JSON.stringify(scores) : null,
          display_state_json: JSON.stringify(a.displayState),
          time_to_first_input_ms: a.timings.timeToFirstInputMs,
          time_on_trial_ms: a.timings.timeOnTrialMs,
          created_at: at,
          ai_seen: exposure.aiSeen ? 1 : 0,
          explanation_seen: exposure.explanationSeen ? 1 : 0,
        };
        const answerId = Number(
          this.#db
            .prepare(
              `INSERT INTO answer (trial_id, reader_id, question_id, question_version, version, supersedes, value_json, scores_json,
          display_state_json, time_to_first_input_ms, time_on_trial_ms, created_at, ai_seen, explanation_seen)
        VALUES (@trial_id, @reader_id, @question_id, @question_version, @version, @supersedes, @value_json, @scores_json, @display_state_json, @time_to_first_input_ms, @time_on_trial_ms, @created_at, @ai_seen, @explanation_seen)`,
            )
            .run(row).lastInsertRowid,
        );
        appendEvent(
          this.#db,
          'answer',
          {
            answerId,
            studyId: a.studyId,
            trialId: trial.id,
            readerId,
            questionId: question.id,
            version: row.version,
            contentSha256: answerContentSha256(row),
          },
          at,
        );
        return { answerId, version: row.version, scores };
      })
      .immediate();
  }

  keymap(readerId: number): KeyMap {
    return keymapOf(this.#db, readerId);
  }

  setKeymap(readerId: number, changes: Record<string, string>): KeyMap {
    return setKeymap(this.#db, readerId, changes, this.#now().toISOString());
  }

  async #score(trial: TrialRow, a: AnswerInput, imageId: number | null, image: { width: number; height: number }): Promise<RoiScores> {
    const mask = await maskTruthOf(this.#db, this.#imaging, trial, imageId);
    return roiAnswerScores(this.#db, trial, a.value as Roi, a.displayState, image, mask);
  }

  #reading(readerId: number, studyId: number): { ctx: StudyContext; assignment: AssignmentRow } {
    const assignment = assignmentOf(this.#db, studyId, readerId);
    if (!assignment) throw new VerdictError('not-found', `No study ${studyId} is assigned to you.`, { studyId });
    return { ctx: studyContext(this.#db, studyId), assignment };
  }

  /** Each reading unit's label by case index ("CT-001 · nodule 2"), as readerCase labels it. */
  #caseLabels(studyId: number): Map<number, string> {
    // A workspace holds only the nodules it reads, so its labels are those its package's cases carry.
    const rows = this.#db
      .prepare(
        `SELECT e.case_index, c.label, (SELECT count(*) FROM nodule m WHERE m.case_id = e.case_id AND m.id <= e.nodule_id) AS number,
        (SELECT json_extract(p.case_json, '$.label') FROM trial t JOIN assignment a ON a.id = t.assignment_id JOIN packaged_trial p ON p.trial_id = t.id
          WHERE a.study_id = e.study_id AND t.case_index = e.case_index LIMIT 1) AS packaged
      FROM study_entry e JOIN study_case c ON c.id = e.case_id WHERE e.study_id = ?`,
      )
      .all(studyId) as { case_index: number; label: string; number: number; packaged: string | null }[];
    return new Map(rows.map((r) => [r.case_index, r.packaged ?? unitLabel(r.label, r.number || null)]));
  }
}
