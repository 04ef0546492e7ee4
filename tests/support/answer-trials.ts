// Answers every trial of a reader's worklist through the API with values and times that depend only
// on the reader's index and the trial's position, so that the same reading can be given twice — in a
// reader's workspace (another process, another data folder) and on one machine — and compared.
// No vitest here: reader processes (tests/support/read-package.ts) import it too.
import { dispatch } from '../../app/api/dispatch';
import type { ArgsOf, EndpointName, Handlers, ResultOf } from '../../app/api';
import type { CallContext } from '../../app/api/endpoint';
import type { Question } from '../../app/protocol';
import type { AnswerValue } from '../../app/study';

/** A clock the reading sets: every timestamp the reading records is a function of where it is. */
export type Clock = { at: number; now: () => Date };
export function readingClock(): Clock {
  const clock: Clock = { at: Date.parse('2026-11-02T08:00:00.000Z'), now: () => new Date(clock.at) };
  return clock;
}

export async function apiCall<N extends EndpointName>(
  v: { handlers: Handlers },
  caller: CallContext,
  name: N,
  args: ArgsOf<N>,
): Promise<ResultOf<N>> {
  const r = await dispatch(v.handlers, caller, name, args);
  if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), r.error);
  return r.data as ResultOf<N>;
}

/** A deterministic answer, varied by reader and trial (so readers disagree and scores differ). */
export function answerFor(q: Question, reader: number, position: number): AnswerValue {
  const k = reader * 7 + position * 3;
  switch (q.type) {
    case 'likert':
      return q.min + (k % (q.max - q.min + 1));
    case 'single-choice':
      return q.options[k % q.options.length].value;
    case 'yes-no':
      return k % 2 === 0;
    case 'free-text':
      return `reader ${reader}, trial ${position}: "quoted", naïve`;
    case 'roi':
      return { shape: 'box', x0: 10 + reader, y0: 20 + (position % 7), x1: 90 + reader, y1: 120 };
    case 'forced-choice':
      return k % 3 === 0 ? 'B' : 'A';
    default:
      throw new Error(`no answer for ${q.type}`);
  }
}

/** Reads the whole worklist in order; each trial opens at its own minute, each answer a second later. Returns the answers given. */
export async function answerEveryTrial(
  v: { handlers: Handlers },
  caller: CallContext,
  studyId: number,
  reader: number,
  clock: Clock,
): Promise<number> {
  const start = Date.parse('2026-11-02T08:00:00.000Z') + reader * 86_400_000;
  const worklist = await apiCall(v, caller, 'reading.worklist', { studyId });
  let answers = 0;
  for (const t of worklist.trials) {
    clock.at = start + t.position * 60_000;
    const view = await apiCall(v, caller, 'reading.trial', { studyId, position: t.position });
    for (const [i, q] of view.questions.entries()) {
      clock.at = start + t.position * 60_000 + (i + 1) * 1000;
      await apiCall(v, caller, 'reading.answer', {
        studyId,
        trialId: view.trial.id,
        questionId: q.id,
        value: answerFor(q, reader, t.position) as never,
        displayState: { opacity: 0.5 + reader / 10, colormap: 'jet', zoom: 1 + (t.position % 3) },
        timings: { timeToFirstInputMs: 200 + t.position, timeOnTrialMs: 1500 + 10 * t.position + i },
      });
      answers++;
    }
  }
  return answers;
}
