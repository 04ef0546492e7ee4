// How a reader's rating becomes a call (positive / negative) for a question scored against a
// binary truth (app/truth.ts), and what the scale's middle answer ("can't tell", 3 on 1–5) does.
// The protocol's per-question `call` option, the one function that makes the call (main's
// accuracy, the long CSV's answer_correct, the comparisons), the rule in words (editor, dashboard,
// CLI) and what is wrong with an option (main's refusal, the editor's complaint) all live here.
//
//  - No `call` (and the default): a rating above the middle of its scale is positive, below it
//    negative, and the middle answer itself a negative call — the rule before the option existed,
//    so existing studies' results do not change.
//  - `threshold` t: a rating ≥ t is positive, below it negative (the middle answer still counts
//    as `middle` says).
//  - `middle`: the middle answer (a scale with an odd number of points) counts as "negative",
//    "positive", or is "left-out": that read has no call, is left out of the accuracy, and counted.
//
// Only the call (and so accuracy) follows the option: the ROC area ranks the ratings themselves.
import { z } from 'zod';
import type { Truth } from './truth';

export const CALL_MIDDLE = ['negative', 'positive', 'left-out'] as const;
export type CallMiddle = (typeof CALL_MIDDLE)[number];

export const callSchema = z
  .object({
    /** A rating ≥ threshold is a positive call (on the question's scale; a single choice: option k of n is k). Default: above the middle. */
    threshold: z.number().finite().optional(),
    /** The scale's middle answer: a negative call (default), a positive call, or left out of the accuracy. */
    middle: z.enum(CALL_MIDDLE).default('negative'),
  })
  .strict();
export type CallOption = z.output<typeof callSchema>;

/** The parts of a question the call needs (a Question from app/protocol.ts fits). */
export type CalledQuestion = {
  type: string;
  truth?: Truth;
  call?: CallOption;
  min?: number;
  max?: number;
  step?: number;
  options?: readonly { value: string; label: string }[];
  anchors?: Record<string, string>;
};

export type RatingScale = { min: number; max: number; step: number };

/** The scale a rating lies on: Likert and number as given, yes = 1 / no = 0, a single choice's option k of n as k. */
export function ratingScale(q: CalledQuestion): RatingScale | null {
  if (q.type === 'likert') return { min: q.min ?? 1, max: q.max ?? 5, step: 1 };
  if (q.type === 'number') return { min: q.min ?? 0, max: q.max ?? 0, step: q.step ?? 1 };
  if (q.type === 'yes-no') return { min: 0, max: 1, step: 1 };
  if (q.type === 'single-choice') return { min: 1, max: q.options?.length ?? 2, step: 1 };
  return null;
}

/** The scale's middle answer, when one of its steps lies exactly half-way (3 on 1–5; none on 1–4 or yes/no). */
export function middleOf(s: RatingScale): number | null {
  const mid = (s.min + s.max) / 2;
  const k = (mid - s.min) / s.step;
  return Math.abs(k - Math.round(k)) < 1e-9 ? mid : null;
}

/** Whether the question's answers are called positive / negative (a rating against a binary truth). */
export const isCalled = (q: CalledQuestion): boolean => !!q.truth && q.truth !== 'diagnosis' && ratingScale(q) !== null;

/** The call of one rating: 1 positive, 0 negative, "left-out" (the middle answer, left out by the option). */
export function callOf(q: CalledQuestion, score: number): 0 | 1 | 'left-out' {
  const s = ratingScale(q);
  if (!s) return 0;
  const middle = middleOf(s);
  const mid = (s.min + s.max) / 2;
  if (middle !== null && Math.abs(score - middle) < 1e-9) {
    const m = q.call?.middle ?? 'negative';
    return m === 'left-out' ? 'left-out' : m === 'positive' ? 1 : 0;
  }
  const t = q.call?.threshold;
  return (t === undefined ? score > mid : score >= t) ? 1 : 0;
}

const n = (x: number): string => String(Math.round(x * 1e6) / 1e6);

/** A point of the scale in words: its number, with the label the reader saw where there is one. */
function pointWords(q: CalledQuestion, x: number): string {
  const label =
    q.type === 'single-choice'
      ? q.options?.[x - 1]?.label
      : q.type === 'likert'
        ? q.anchors?.[String(x)]
        : q.type === 'yes-no'
          ? x === 1
            ? 'yes'
            : 'no'
          : undefined;
  return label ? `${n(x)} (“${label}”)` : n(x);
}

/** The call rule in words (editor, dashboard legends, CLI, exports); '' where the question is not called. */
export function callRuleWords(q: CalledQuestion): string {
  if (!isCalled(q)) return '';
  if (q.type === 'yes-no') return 'call: “yes” is a positive call, “no” a negative one';
  const s = ratingScale(q)!;
  const middle = middleOf(s);
  const scale = `${n(s.min)}–${n(s.max)}${q.type === 'single-choice' ? ' (options in order, the first 1)' : ''}`;
  const t = q.call?.threshold;
  const positive = t === undefined ? `a rating above ${n((s.min + s.max) / 2)}` : `a rating ≥ ${n(t)}`;
  const m = q.call?.middle ?? 'negative';
  const middleWords =
    middle === null
      ? 'the scale has no middle answer'
      : m === 'left-out'
        ? `the middle answer ${pointWords(q, middle)} is left out of the accuracy (those reads are counted)`
        : `the middle answer ${pointWords(q, middle)} counts as a ${m} call`;
  return `call: ${positive} on ${scale} is positive, below it negative; ${middleWords}. The call sets accuracy only: the ROC area ranks the ratings themselves`;
}

/** What is wrong with a question's `call` option: the field (below the question) and why; null when it is fine. */
export function callProblem(q: CalledQuestion): { field: 'call' | 'call.threshold' | 'call.middle'; message: string } | null {
  const c = q.call;
  if (!c) return null;
  if (!q.truth)
    return { field: 'call', message: 'a call rule applies to a question scored against the truth: set "truth" or remove "call"' };
  if (q.truth === 'diagnosis')
    return { field: 'call', message: 'a diagnosis is right when it names the case’s diagnosis: it has no threshold or middle answer' };
  const s = ratingScale(q);
  if (!s) return { field: 'call', message: 'only a rating (Likert, number, yes-no or single choice) is called positive or negative' };
  const middle = middleOf(s);
  const scale = `${n(s.min)}–${n(s.max)}`;
  if (c.threshold !== undefined) {
    if (c.threshold <= s.min || c.threshold > s.max)
      return {
        field: 'call.threshold',
        message: `${n(c.threshold)} is outside the scale ${scale}: a rating ≥ the threshold is positive, so it must be above ${n(s.min)} and at most ${n(s.max)}`,
      };
    if (middle !== null && c.middle === 'negative' && c.threshold <= middle)
      return {
        field: 'call.threshold',
        message: `the middle answer ${n(middle)} counts as a negative call, so the threshold must be above ${n(middle)} (or let the middle count as positive)`,
      };
    if (middle !== null && c.middle === 'positive' && c.threshold > middle)
      return {
        field: 'call.threshold',
        message: `the middle answer ${n(middle)} counts as a positive call, so the threshold must be at most ${n(middle)} (or let the middle count as negative)`,
      };
  }
  if (middle === null && c.middle !== 'negative')
    return { field: 'call.middle', message: `the scale ${scale} has no middle answer to count as ${c.middle}` };
  return null;
}
