// A protocol schema complaint in the coordinator's words, naming the field ("Cases: add at least
// one case", "Question 3, options: add at least 2 options") rather than zod's ("Too small:
// expected array to have >=1 items"). Main's refusals and the editor's complaints both use it.
import type { z } from 'zod';

/** `['questions', 2, 'options']` → `questions[2].options`: the field as main names it (error detail, editor keys). */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

const FIELD_WORDS: Record<string, string> = {
  cases: 'Cases',
  labels: 'case list',
  filter: 'case filter',
  limit: 'case limit',
  diagnosis: 'diagnoses',
  minReaders: 'minimum readers',
  conditions: 'Conditions',
  condition: 'Condition',
  comparisons: 'Comparisons',
  comparison: 'Comparison',
  between: 'pair',
  questions: 'Questions',
  question: 'Question',
  options: 'options',
  option: 'Option',
  anchors: 'anchors',
  phases: 'Phases',
  phase: 'Phase',
  id: 'id',
  title: 'Title',
  description: 'Description',
  version: 'Version',
  prompt: 'prompt',
  help: 'help text',
  modality: 'Modality',
  model: 'model',
  method: 'method',
  target: 'target',
  params: 'parameters',
  min: 'lowest value',
  max: 'highest value',
  step: 'step',
  maxLength: 'longest answer',
  shape: 'mark',
  truth: 'scored against',
  call: 'call rule',
  threshold: 'threshold',
  middle: 'middle answer',
  repeats: 'Repeats',
  count: 'count',
  sanityChecks: 'Sanity checks',
  order: 'Order',
  seed: 'seed',
  format: 'Format',
  level: 'asked',
  required: 'required',
  lockEarlierPhases: 'Lock earlier phases',
};

/** Singular nouns for "add at least N …" of a list field. */
const ITEM_NOUN: Record<string, [string, string]> = {
  labels: ['case', 'cases'],
  cases: ['case', 'cases'],
  conditions: ['condition', 'conditions'],
  questions: ['question', 'questions'],
  options: ['option', 'options'],
  phases: ['phase', 'phases'],
  diagnosis: ['diagnosis', 'diagnoses'],
  comparisons: ['comparison', 'comparisons'],
};

const NUMBER_WORDS = ['no', 'one', 'two', 'three'];

/** The field in words: `questions[2].options[0].label` → "Question 3, option 1, label". */
export function fieldInWords(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'Protocol';
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (typeof p === 'number') continue;
    const key = String(p);
    const next = path[i + 1];
    if (typeof next === 'number') {
      const single =
        key === 'questions'
          ? 'Question'
          : key === 'conditions'
            ? 'Condition'
            : key === 'comparisons'
              ? 'Comparison'
              : key === 'options'
                ? 'option'
                : key === 'labels'
                  ? 'case'
                  : key === 'phases'
                    ? 'phase'
                    : key;
      parts.push(`${single} ${next + 1}`);
    } else {
      parts.push(FIELD_WORDS[key] ?? key);
    }
  }
  // "Cases, case list" reads as "Cases" when the list is the cases.
  const words = parts.join(', ').replace(/^Cases, case list$/, 'Cases');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const count = (n: number, [one, many]: [string, string]) => `${n < NUMBER_WORDS.length ? NUMBER_WORDS[n] : n} ${n === 1 ? one : many}`;

/** What is wrong, as an instruction: "add at least one case", "fill this in", "at most 200 characters". */
export function problemInWords(issue: z.core.$ZodIssue): string {
  const last = [...issue.path].reverse().find((p) => typeof p === 'string') as string | undefined;
  if (issue.code === 'too_small' || issue.code === 'too_big') {
    const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const small = issue.code === 'too_small';
    if (issue.origin === 'array' || issue.origin === 'set') {
      const noun = ITEM_NOUN[last ?? ''] ?? ['item', 'items'];
      return small ? `add at least ${count(bound, noun)}` : `at most ${count(bound, noun)}`;
    }
    if (issue.origin === 'string')
      return small ? (bound <= 1 ? 'fill this in' : `at least ${bound} characters`) : `at most ${bound} characters`;
    const exclusive = issue.inclusive === false;
    return small
      ? exclusive
        ? `must be more than ${bound}`
        : `must be at least ${bound}`
      : exclusive
        ? `must be less than ${bound}`
        : `must be at most ${bound}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'fill this in';
    return `expected ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
  }
  if (issue.code === 'invalid_value') return `choose one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_union')
    return last === 'truth' ? 'choose "diagnosis", "malignancy" or an LIDC characteristic' : 'not one of the allowed forms';
  if (issue.code === 'invalid_format' && issue.format === 'regex') return issue.message;
  if (issue.code === 'not_multiple_of') return `must be a multiple of ${String(issue.divisor)}`;
  return issue.message;
}

/** "Cases: add at least one case". */
export const issueInWords = (issue: z.core.$ZodIssue): string => `${fieldInWords(issue.path)}: ${problemInWords(issue)}`;
