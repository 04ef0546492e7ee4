// What an answer means, per question type: its label as the reader saw it, its number on the
// question's scale, whether it is right against the truth, and the category agreement
// statistics count. One definition, used by every export and the results dashboard.
import type { PredictedOutput } from '../../../app/explain';
import type { Question } from '../../../app/protocol';
import { binaryTruthOf } from '../../../app/truth';
import { callOf } from '../../../app/call-rule';
import type { AnswerValue } from '../../../app/study';
import type { AnswerRecord } from './answer-records';

/** The scale an answer's number lies on (null for answers without one). */
export function scaleOf(q: Question): { min: number; max: number } | null {
  if (q.type === 'likert' || q.type === 'number') return { min: q.min, max: q.max };
  if (q.type === 'yes-no') return { min: 0, max: 1 };
  return null;
}

/** Likert and number answers as given; yes = 1, no = 0; none for other types. */
export function numericAnswer(q: Question, v: AnswerValue): number | null {
  if ((q.type === 'likert' || q.type === 'number') && typeof v === 'number') return v;
  if (q.type === 'yes-no' && typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

/** The answer in the words the reader chose: option labels, Likert anchors, yes/no. */
export function answerLabel(q: Question, v: AnswerValue): string | null {
  if (v === null) return null;
  switch (q.type) {
    case 'single-choice':
      return q.options.find((o) => o.value === v)?.label ?? String(v);
    case 'multiple-choice':
      return Array.isArray(v) ? v.map((x) => q.options.find((o) => o.value === x)?.label ?? x).join('; ') : null;
    case 'likert':
      return typeof v === 'number' ? (q.anchors[String(v)] ?? String(v)) : null;
    case 'yes-no':
      return v === true ? 'yes' : v === false ? 'no' : null;
    case 'roi':
      return typeof v === 'object' && !Array.isArray(v) ? v.shape : null;
    default:
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  }
}

/**
 * A rating's place on its scale when scored against a binary truth (app/truth.ts): Likert and
 * number answers as given, yes = 1 / no = 0, a single choice as its option's rank (1…n, in the
 * protocol's option order). Null for other answers.
 */
export function ratingOf(q: Question, v: AnswerValue): { score: number; min: number; max: number } | null {
  if (q.type === 'single-choice') {
    const k = typeof v === 'string' ? q.options.findIndex((o) => o.value === v) : -1;
    return k < 0 ? null : { score: k + 1, min: 1, max: q.options.length };
  }
  const x = numericAnswer(q, v);
  const scale = scaleOf(q);
  return x === null || !scale ? null : { score: x, ...scale };
}

/** The binary truth the question is scored against for this record's case (diagnosis: malignant or not). */
export const scoredTruth = (r: AnswerRecord): 0 | 1 | null => (r.question.truth ? binaryTruthOf(r.question.truth, r.case.truth) : null);

/**
 * The reader's call on a case, for a rating scored against a binary truth: 1 positive (malignant,
 * or the characteristic marked), 0 negative, "left-out" (the middle answer, left out by the
 * question's call option) — app/call-rule.ts, the one place the call is made. Null: no rating, or
 * no binary truth for this case to score against.
 */
export function callOfRecord(r: AnswerRecord): 0 | 1 | 'left-out' | null {
  const q = r.question;
  if (!q.truth || q.truth === 'diagnosis') return null;
  const rating = ratingOf(q, r.value);
  if (rating === null || scoredTruth(r) === null) return null;
  return callOf(q, rating.score);
}

/**
 * Right or wrong against the case's truth, for questions with `truth`: a diagnosis must name
 * the ISIC diagnosis; a rating's call (callOfRecord) is right when the binary truth agrees. Null
 * when there is no truth to score against, or the read is left out by the call rule.
 */
export function isCorrect(r: AnswerRecord): boolean | null {
  const q = r.question;
  if (!q.truth) return null;
  if (q.truth === 'diagnosis') return r.case.truth.diagnosis && typeof r.value === 'string' ? r.value === r.case.truth.diagnosis : null;
  const call = callOfRecord(r);
  return call === null || call === 'left-out' ? null : call === scoredTruth(r);
}

/** For a forced choice: the condition the reader preferred (A is the trial's condition, B its comparison's). */
export function chosenCondition(r: AnswerRecord): string | null {
  if (r.question.type !== 'forced-choice') return null;
  return r.value === 'A' ? r.trial.conditionId : r.value === 'B' ? r.trial.conditionBId : null;
}

/** The value agreement statistics compare between readers: a number on ordinal scales, a category otherwise. */
export function agreementValue(r: AnswerRecord): number | string | null {
  const n = numericAnswer(r.question, r.value);
  if (n !== null) return n;
  if (r.question.type === 'single-choice' && typeof r.value === 'string') return r.value;
  if (r.question.type === 'forced-choice') return chosenCondition(r);
  return null;
}

/** Questions agreement statistics apply to: one answer per item on a scale or from a list. */
export const hasAgreement = (q: Question): boolean =>
  q.type === 'likert' || q.type === 'number' || q.type === 'yes-no' || q.type === 'single-choice' || q.type === 'forced-choice';

/**
 * The model's call for a case: the most probable class of its first classification head, and
 * the score of the explained target (probability for a class, value for a regression output).
 */
export function predictionOf(
  outputs: PredictedOutput[],
  target: string | null,
): { predicted: string | null; probability: number | null; targetScore: number | null } {
  const firstHead = outputs.find((o) => o.probability !== null)?.head;
  const classes = outputs.filter((o) => o.head === firstHead && o.probability !== null);
  const top = classes.reduce<PredictedOutput | null>((best, o) => (best === null || o.probability! > best.probability! ? o : best), null);
  const t = target ? outputs.find((o) => o.name === target) : undefined;
  return { predicted: top?.name ?? null, probability: top?.probability ?? null, targetScore: t ? (t.probability ?? t.value) : null };
}
