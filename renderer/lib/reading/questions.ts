// What counts as an answer to each question type, which required questions are still open, and
// what a digit key means for a question (the n-th point of a scale or option of a choice).
import type { Question } from '../../../app/protocol';
import type { AnswerValue, Roi } from '../../../app/study';

export type Values = Readonly<Record<string, AnswerValue | undefined>>;

/** Whether `v` answers `q` (an empty text or an empty selection does not). */
export function isAnswered(q: Question, v: AnswerValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  switch (q.type) {
    case 'free-text':
      return typeof v === 'string' && v.trim().length > 0;
    case 'multiple-choice':
      return Array.isArray(v) && v.length > 0;
    case 'likert':
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'yes-no':
      return typeof v === 'boolean';
    case 'single-choice':
    case 'forced-choice':
      return typeof v === 'string' && v.length > 0;
    case 'roi':
      return typeof v === 'object' && !Array.isArray(v) && (v as Roi).shape === q.shape;
  }
}

/** Required questions without an answer, in the order they are asked. */
export const missingRequired = (questions: readonly Question[], values: Values): Question[] =>
  questions.filter((q) => q.required && !isAnswered(q, values[q.id]));

/** "Answer “Confidence” and “Where is the evidence?” first." */
export function missingMessage(missing: readonly Question[]): string {
  const names = missing.slice(0, 3).map((q) => `“${shorten(q.prompt)}”`);
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
  return `Answer ${names.join(', ')}${more} before moving on.`;
}

const shorten = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Points of a Likert scale, low to high. */
export function likertPoints(q: Pick<Extract<Question, { type: 'likert' }>, 'min' | 'max'>): number[] {
  const out: number[] = [];
  for (let v = q.min; v <= q.max && out.length < 101; v++) out.push(v);
  return out;
}

/** The value digit key `n` gives question `q`, or undefined when the key means nothing there. */
export function digitValue(q: Question, n: number): AnswerValue | undefined {
  switch (q.type) {
    case 'likert':
      // The scale's own numbers when the digit is one of them (1–5 on a 1–5 scale), else the n-th point.
      if (n >= q.min && n <= q.max) return n;
      return likertPoints(q)[n - 1];
    case 'single-choice':
      return q.options[n - 1]?.value;
    case 'yes-no':
      return n === 1 ? true : n === 2 ? false : undefined;
    case 'forced-choice':
      return n === 1 ? 'A' : n === 2 ? 'B' : undefined;
    default:
      return undefined;
  }
}

/** Question types a digit key can answer. */
export const takesDigits = (q: Question): boolean => ['likert', 'single-choice', 'yes-no', 'forced-choice'].includes(q.type);

/**
 * Which question a digit key answers: the focused one (none, when the focused one takes no
 * digits: a key must not answer a question the reader is not looking at), else the first
 * unanswered one that takes digits.
 */
export function digitTarget(questions: readonly Question[], values: Values, focusedId: string | null): Question | null {
  const focused = questions.find((q) => q.id === focusedId);
  if (focused) return takesDigits(focused) ? focused : null;
  return questions.find((q) => takesDigits(q) && !isAnswered(q, values[q.id])) ?? null;
}

/** The question's answer as a short text (help, progress tables). */
export function describeValue(q: Question, v: AnswerValue | undefined): string {
  if (v === undefined || v === null) return '—';
  if (q.type === 'yes-no') return v ? 'Yes' : 'No';
  if (q.type === 'single-choice') return q.options.find((o) => o.value === v)?.label ?? String(v);
  if (q.type === 'multiple-choice' && Array.isArray(v)) return v.map((x) => q.options.find((o) => o.value === x)?.label ?? x).join(', ');
  if (q.type === 'roi' && typeof v === 'object' && !Array.isArray(v)) return `${(v as Roi).shape} mark`;
  return String(v);
}
