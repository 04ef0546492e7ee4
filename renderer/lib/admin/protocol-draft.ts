// Building a protocol in the editor: a blank one, new questions of each type, conditions from a
// model's methods and targets, ids that do not clash, and the schema's complaints keyed by the
// field they name (written as main writes them: `questions[2].options`).
import type { z } from 'zod';
import type { CaseModality } from '../../../app/domain';
import { defaultTarget, METHOD_IDS, type MethodId, type ModelSummary } from '../../../app/explain';
import { methodLabel, targetKind } from '../../../app/methods';
import { PROTOCOL_FORMAT, protocolSchema, type Condition, type Protocol, type Question, type QuestionType } from '../../../app/protocol';
import { defaultMethod } from '../explain/methods';
import { fieldPath, issueInWords } from '../../../app/protocol-issues';

export type StudyModality = Exclude<CaseModality, 'other'>;
export type Issues = ReadonlyMap<string, string>;

export const QUESTION_TYPES: { type: QuestionType; label: string }[] = [
  { type: 'likert', label: 'Likert scale' },
  { type: 'single-choice', label: 'Single choice' },
  { type: 'multiple-choice', label: 'Multiple choice' },
  { type: 'yes-no', label: 'Yes / no' },
  { type: 'number', label: 'Number or slider' },
  { type: 'free-text', label: 'Free text' },
  { type: 'forced-choice', label: 'Forced choice A/B' },
  { type: 'roi', label: 'Evidence mark (ROI)' },
];

export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32);

export function blankProtocol(modality: StudyModality, seed = randomSeed()): Protocol {
  return {
    format: PROTOCOL_FORMAT,
    id: modality === 'CT' ? 'lidc-reader-study' : 'isic-reader-study',
    version: 1,
    title: modality === 'CT' ? 'LIDC nodule explanations' : 'ISIC dermoscopy explanations',
    description: '',
    modality,
    cases: { filter: { source: modality === 'CT' ? 'lidc' : 'isic' } },
    conditions: [],
    comparisons: [],
    phases: ['ai-explanation'],
    questions: [],
    repeats: { count: 0 },
    sanityChecks: null,
    stimulusTargets: 'shown',
    display: { colourScale: 'shared' },
    order: { seed },
  };
}

/** `base`, or `base-2`, `base-3`… whichever is not taken. */
export function freeId(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 56) || 'q';
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** A new question of `type` with sensible defaults, for the coordinator to word. */
export function newQuestion(type: QuestionType, taken: Iterable<string>): Question {
  const base = { id: freeId(type, taken), version: 1, prompt: 'New question', required: true };
  switch (type) {
    case 'likert':
      return { ...base, type, level: 'stimulus', min: 1, max: 5, anchors: { '1': 'Strongly disagree', '5': 'Strongly agree' } };
    case 'single-choice':
    case 'multiple-choice':
      return {
        ...base,
        type,
        level: 'case',
        options: [
          { value: 'a', label: 'Option A' },
          { value: 'b', label: 'Option B' },
        ],
      };
    case 'yes-no':
      return { ...base, type, level: 'stimulus' };
    case 'number':
      return { ...base, type, level: 'case', min: 0, max: 100, step: 1, slider: false };
    case 'free-text':
      return { ...base, type, level: 'case', required: false, maxLength: 2000 };
    case 'forced-choice':
      return { ...base, type, level: 'stimulus', prompt: 'Which explanation better supports the finding?' };
    case 'roi':
      return { ...base, type, level: 'stimulus', shape: 'box', prompt: 'Mark the image evidence for your reading.' };
  }
}

/** A bank question copied into a protocol, under an id the protocol does not use yet. */
export const fromBank = (q: Question, taken: Iterable<string>): Question => ({ ...structuredClone(q), id: freeId(q.id, taken) });

/** The target a condition with `method` defaults to: the one rule the panel follows too (app/explain.ts). */
export { defaultTarget };

/** A new condition on the first model that is not a sanity-check pack. */
export function newCondition(models: readonly ModelSummary[], taken: Iterable<string>): Condition {
  const model = models.find((m) => m.purpose !== 'sanity-check') ?? models[0];
  const method: MethodId = model ? defaultMethod(model) : METHOD_IDS[0];
  const target = defaultTarget(model, method);
  return { id: freeId(conditionSlug(method, target), taken), model: model?.packId ?? '', method, target };
}

/** "cdam-MEL"; a map of no target by its method alone ("attention"). */
export const conditionSlug = (method: MethodId, target: string): string => (targetKind(method) === 'none' ? method : `${method}-${target}`);

/** "Smooth CDAM / MEL" — how the editor names a condition (never shown to readers). */
export const conditionLabel = (c: Pick<Condition, 'method' | 'target'>): string =>
  targetKind(c.method) === 'none' ? methodLabel(c.method) : `${methodLabel(c.method)} / ${c.target}`;

/** `['questions', 2, 'options']` → `questions[2].options`, as main names fields. */
export { fieldPath };

/** The schema's complaints about a draft, one per field (the first), in words naming the field ("Cases: add at least one case"). */
export function schemaIssues(draft: unknown): Map<string, string> {
  const r = protocolSchema.safeParse(draft);
  const out = new Map<string, string>();
  if (!r.success)
    for (const i of r.error.issues as z.core.$ZodIssue[]) if (!out.has(fieldPath(i.path))) out.set(fieldPath(i.path), issueInWords(i));
  return out;
}

/** Reads a protocol file: the parsed protocol, or what is wrong with it. */
export function parseProtocolFile(text: string): { protocol: Protocol } | { problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { problems: [`not JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const r = protocolSchema.safeParse(json);
  if (r.success) return { protocol: r.data };
  return { problems: r.error.issues.slice(0, 8).map((i) => `${fieldPath(i.path)}: ${issueInWords(i)}`) };
}

/** The protocol as a file: stable key order (the schema's), two-space indent. */
export const protocolFileText = (p: Protocol): string => `${JSON.stringify(p, null, 2)}\n`;
