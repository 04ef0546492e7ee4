// The rows a merge writes, inside its one transaction (merge-answers.ts checks everything first):
// what the trials the reader opened showed — their first opening, and the stimuli and AI outputs of
// this study's own prepared maps at the reader's times, as a first opening here records them — and
// the new answer versions, each superseding the merged row of the version it superseded at the
// reader's, its evidence marks scored against the truth held here, each with its own 'answer' event.
import type { Database } from 'better-sqlite3';
import type { DisplayState, Roi } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import { answerContentSha256, appendEvents, type AnswerRowContent, type NewEvent } from '../db/event-log';
import type { ExplanationService, MapRequest } from '../explain/explain-service';
import type { ImagingService } from '../imaging/imaging-service';
import { roiAnswerScores, type MaskTruth } from '../study/answer-scores';
import type { StudyContext, TrialRow } from '../study/study-rows';
import { recordShownElsewhere, type DisplayDeps } from '../study/trial-display';
import type { AnswerContent } from './answer-log';
import type { PackagedAnswer } from './answer-package';

export type MergeDeps = { db: Database; explain: ExplanationService; imaging: ImagingService; now: () => Date };

/** A refusal naming the file (merge-answers.ts words it). */
export type RefuseFn = (
  code: 'package.wrong-study' | 'package.not-issued' | 'package.untrusted-key' | 'package.stale' | 'package.forged' | 'package.invalid',
  why: string,
  detail?: Record<string, string | number>,
) => VerdictError;

/** A new answer version, checked: its trial here, and its evidence mark with the image it lies on. */
export type CheckedAnswer = {
  row: PackagedAnswer;
  trial: TrialRow;
  roi: Roi | null;
  imageId: number | null;
  image: { width: number; height: number };
};

// Every reader's trials show the same prepared maps, each several times (phases, the AI outputs beside
// a map): each is looked up once per coordinator's process. Prepared maps are never changed or removed
// (explanation rows are a cache that only grows); a map not prepared yet is not remembered.
type PreparedMap = NonNullable<ReturnType<ExplanationService['cached']>>;
const preparedMaps = new WeakMap<Pick<ExplanationService, 'cached'>, Map<string, PreparedMap>>();
function preparedMapOf(explain: Pick<ExplanationService, 'cached'>, req: MapRequest): PreparedMap | null {
  let maps = preparedMaps.get(explain);
  if (!maps) preparedMaps.set(explain, (maps = new Map()));
  const key = JSON.stringify(req);
  let map = maps.get(key);
  if (!map) {
    map = explain.cached(req) ?? undefined;
    if (map) maps.set(key, map);
  }
  return map ?? null;
}

/** The trials the reader opened since the last package: their first opening, and what they showed from this study's prepared maps. */
export function recordOpenedTrials(
  d: MergeDeps,
  ctx: StudyContext,
  labelsJson: string,
  trials: Map<number, TrialRow>,
  content: AnswerContent,
  refuse: RefuseFn,
): void {
  const labels = JSON.parse(labelsJson) as Record<string, string>;
  const visit = d.db.prepare('INSERT OR IGNORE INTO trial_visit (trial_id, first_opened_at) VALUES (?, ?)');
  const cached = (req: MapRequest) => preparedMapOf(d.explain, req);
  const display: DisplayDeps = { db: d.db, explain: { cached }, now: d.now };
  for (const v of content.visits) {
    const trial = trials.get(v.trial_id);
    if (!trial)
      throw refuse('package.forged', `visits.json: trial ${v.trial_id} is not one of the reader's trials`, { part: 'visits.json' });
    if (visit.run(trial.id, v.first_opened_at).changes === 0) continue;
    const shown = content.shown.get(trial.id);
    const mapSha256 = recordShownElsewhere(display, ctx, labels, trial, shown?.at ?? v.first_opened_at);
    if (shown && shown.mapSha256.join() !== mapSha256.join())
      throw refuse('package.forged', `trial ${trial.id} showed the reader maps other than this study's prepared maps for it`, {
        part: 'log.json',
        trialId: trial.id,
      });
  }
}

/** The new answer versions as rows here, in the order given; supersedes maps through merged_answer. */
export function insertAnswers(
  db: Database,
  studyId: number,
  readerId: number,
  checked: CheckedAnswer[],
  masks: Map<number, MaskTruth>,
  at: string,
): number {
  const localOf = db.prepare('SELECT answer_id FROM merged_answer WHERE study_id = ? AND reader_id = ? AND remote_answer_id = ?').pluck();
  const insert = db.prepare(
    `INSERT INTO answer (trial_id, reader_id, question_id, question_version, version, supersedes, value_json, scores_json,
       display_state_json, time_to_first_input_ms, time_on_trial_ms, created_at, ai_seen, explanation_seen)
     VALUES (@trial_id, @reader_id, @question_id, @question_version, @version, @supersedes, @value_json, @scores_json, @display_state_json,
       @time_to_first_input_ms, @time_on_trial_ms, @created_at, @ai_seen, @explanation_seen)`,
  );
  const here = new Map<number, number>(); // this package's remote ids → rows here
  const events: NewEvent[] = [];
  const link = db.prepare('INSERT INTO merged_answer (answer_id, reader_id, study_id, remote_answer_id) VALUES (?, ?, ?, ?)');
  for (const { row: a, trial, roi, image } of checked) {
    let supersedes: number | null = null;
    if (a.supersedes !== null) {
      supersedes = here.get(a.supersedes) ?? (localOf.get(studyId, readerId, a.supersedes) as number | undefined) ?? null;
      if (supersedes === null)
        throw new VerdictError(
          'package.forged',
          `answers.json: answer ${a.id} supersedes answer ${a.supersedes}, which the reader never sent.`,
          {
            part: 'answers.json',
            answerId: a.id,
          },
        );
    }
    const scores = roi
      ? roiAnswerScores(db, trial, roi, JSON.parse(a.display_state_json) as DisplayState, image, masks.get(a.id) ?? null)
      : null;
    const row: AnswerRowContent = {
      trial_id: a.trial_id,
      reader_id: readerId,
      question_id: a.question_id,
      question_version: a.question_version,
      version: a.version,
      supersedes,
      value_json: a.value_json,
      scores_json: scores ? JSON.stringify(scores) : null,
      display_state_json: a.display_state_json,
      time_to_first_input_ms: a.time_to_first_input_ms,
      time_on_trial_ms: a.time_on_trial_ms,
      created_at: a.created_at,
      ai_seen: a.ai_seen ?? null,
      explanation_seen: a.explanation_seen ?? null,
    };
    let answerId: number;
    try {
      answerId = Number(insert.run(row).lastInsertRowid);
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
      throw new VerdictError(
        'package.invalid',
        `answers.json: answer ${a.id} (version ${a.version} of "${a.question_id}" on trial ${a.trial_id}) clashes with an answer this database holds from elsewhere (given at this workstation?).`,
        { part: 'answers.json', answerId: a.id },
      );
    }
    link.run(answerId, readerId, studyId, a.id);
    here.set(a.id, answerId);
    events.push({
      kind: 'answer',
      payload: {
        answerId,
        studyId,
        trialId: a.trial_id,
        readerId,
        questionId: a.question_id,
        version: a.version,
        contentSha256: answerContentSha256(row),
        remoteAnswerId: a.id,
      },
      at,
    });
  }
  appendEvents(db, events);
  return checked.length;
}
