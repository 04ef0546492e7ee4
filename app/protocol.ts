// The reader-study protocol file (format `verdict-protocol/1`): which cases, which reading
// conditions (model × explanation method × target), which questions in which phases, repeat
// reads and sanity-check trials. This zod schema is the one definition: main validates with it,
// the admin editor builds with it, and `protocol.schema.json` (published beside the migrations,
// generated from it by scripts/write-protocol-schema.ts) documents it for other tools.
import { z } from 'zod';
import { METHOD_IDS, type MethodId } from './explain';
import { explainParams } from './api/explain';
import { truthSchema } from './truth';
import { callSchema } from './call-rule';

export const PROTOCOL_FORMAT = 'verdict-protocol/1';

export const PHASES = ['unaided', 'ai', 'ai-explanation'] as const;
export type PhaseId = (typeof PHASES)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected lower-case letters, digits, "_" or "-" (at most 64)');
const text = (max: number) => z.string().trim().min(1).max(max);

const base = {
  id,
  /** Bumped when the wording or options change, so answers say which version they answered. */
  version: z.number().int().min(1).default(1),
  /** case: once per case (and phase); stimulus: once per shown explanation (or pair of them). */
  level: z.enum(['case', 'stimulus']),
  /** Case-level questions: the phases they are asked in (default: every phase of the protocol). */
  phases: z.array(z.enum(PHASES)).min(1).optional(),
  prompt: text(500),
  help: z.string().max(2000).optional(),
  required: z.boolean().default(true),
  /**
   * What the answer is scored against, for reader accuracy and the MRMC exports (case level only):
   * "diagnosis" — a single choice whose option values are ISIC diagnosis codes, right when it names
   * the case's diagnosis; "malignancy" — a rating (Likert, number, yes/no, or a single choice read
   * as an ordered scale) against the binary truth (LIDC median malignancy ≥4 vs ≤2; ISIC
   * mel/bcc/akiec); { "characteristic": "spiculation" } — a rating against an LIDC nodule
   * characteristic binarised the same way (median ≥4 vs ≤2). See app/truth.ts.
   */
  truth: truthSchema.optional(),
  /**
   * For a rating scored against a binary truth: how it becomes a call (app/call-rule.ts) —
   * `threshold` (a rating ≥ it is positive; default: above the scale's middle) and `middle`: the
   * middle answer ("can't tell", 3 on 1–5) counts as "negative" (default), "positive", or is
   * "left-out" of the accuracy. Accuracy only: the ROC area ranks the ratings themselves.
   */
  call: callSchema.optional(),
};

const option = z.object({ value: id, label: text(200) }).strict();

export const questionSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('likert'),
      min: z.number().int().default(1),
      max: z.number().int().default(5),
      anchors: z.record(z.string().regex(/^-?\d+$/), text(100)).default({}),
    })
    .strict(),
  z.object({ ...base, type: z.literal('single-choice'), options: z.array(option).min(2).max(20) }).strict(),
  z.object({ ...base, type: z.literal('multiple-choice'), options: z.array(option).min(2).max(20) }).strict(),
  z.object({ ...base, type: z.literal('yes-no') }).strict(),
  z
    .object({
      ...base,
      type: z.literal('number'),
      min: z.number(),
      max: z.number(),
      step: z.number().positive().default(1),
      unit: z.string().max(20).optional(),
      slider: z.boolean().default(false),
    })
    .strict(),
  z.object({ ...base, type: z.literal('free-text'), maxLength: z.number().int().min(1).max(10_000).default(2000) }).strict(),
  /** Which of the two explanations of a comparison stimulus is better (answer: "A" or "B" as the reader saw them). */
  z.object({ ...base, type: z.literal('forced-choice') }).strict(),
  /** An evidence mark on the image: a click, a box or a freehand outline. */
  z.object({ ...base, type: z.literal('roi'), shape: z.enum(['click', 'box', 'freehand']) }).strict(),
]);
export type Question = z.output<typeof questionSchema>;
export type QuestionType = Question['type'];

export const conditionSchema = z
  .object({
    id,
    /** Model pack id (manifest `id`), e.g. "lidc-vit". */
    model: text(200),
    method: z.enum(METHOD_IDS as [MethodId, ...MethodId[]]),
    /** An output name, "attention", or a concept name for concept CDAM. */
    target: text(200),
    params: explainParams.optional(),
  })
  .strict();
export type Condition = z.output<typeof conditionSchema>;

/** A nodule's number in its case ("Nodule n"). */
const noduleNumber = z.number().int().min(1).max(1000);

export const protocolSchema = z
  .object({
    format: z.literal(PROTOCOL_FORMAT),
    id,
    version: z.number().int().min(1),
    title: text(200),
    description: z.string().max(5000).default(''),
    modality: z.enum(['CT', 'dermoscopy']),
    cases: z
      .object({
        /** Case labels as the worklist shows them (CT-001, Derm-004…); or a filter. */
        labels: z.array(text(100)).min(1).optional(),
        filter: z
          .object({
            source: z.enum(['lidc', 'isic', 'other']).optional(),
            diagnosis: z
              .array(z.enum(['mel', 'nv', 'bcc', 'akiec', 'bkl', 'df', 'vasc']))
              .min(1)
              .optional(),
            /** LIDC: only cases with a nodule marked by at least this many readers. */
            minReaders: z.number().int().min(1).max(4).optional(),
          })
          .strict()
          .optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
        /**
         * CT: the nodules read in a case, by case label → a nodule number n or a list of them
         * ("Nodule n", as the workstation and the editor list a case's nodules). n is the nodule's
         * place in the order the LIDC readers' marks are clustered from the case's XML, so it is the
         * same in every study database imported from the same files (nodule row ids are not). A case
         * not listed reads its default nodules: every one at least 3 of the 4 LIDC readers marked,
         * else the one most readers marked. Each nodule read is its own reading unit (its own trials,
         * answers and case id in the exports).
         */
        nodules: z.record(text(100), z.union([noduleNumber, z.array(noduleNumber).min(1).max(100)])).optional(),
      })
      .strict(),
    /** Whether a stimulus trial states what its map explains ("Evidence for: spiculation"); hidden keeps targets blinded too. */
    stimulusTargets: z.enum(['shown', 'hidden']).default('shown'),
    conditions: z.array(conditionSchema).min(1).max(26),
    /** Pairs of conditions shown side by side for forced-choice questions. */
    comparisons: z.array(z.object({ between: z.tuple([id, id]) }).strict()).default([]),
    phases: z.array(z.enum(PHASES)).min(1).default(['ai-explanation']),
    /**
     * Once a reader opens a later phase of a case, that case's earlier-phase answers are locked (no
     * edit, no late first answer). Absent: on when the protocol has more than one phase. Off: edits
     * stay possible, and every answer version records whether the AI had been seen.
     */
    lockEarlierPhases: z.boolean().optional(),
    questions: z.array(questionSchema).min(1).max(100),
    /** Stimuli shown a second time at the end, for intra-reader agreement. */
    repeats: z
      .object({ count: z.number().int().min(0).max(1000) })
      .strict()
      .default({ count: 0 }),
    /** Catch trials: a condition's method and target with the randomized-weights pack. */
    sanityChecks: z
      .object({ count: z.number().int().min(0).max(1000), model: text(200) })
      .strict()
      .nullable()
      .default(null),
    /**
     * How readers' stimuli are coloured; main decides it, the renderer only draws it. "shared"
     * (default): every stimulus on one colour scale — its values divided by its largest magnitude,
     * drawn on the diverging map from −1 to 1 — so neither the colour map, nor the bar's numbers,
     * nor the values sent tell which method made a map. "per-map": each map on its own range, signed
     * maps diverging about 0 and others sequential (a reader can tell signed maps from the others).
     */
    display: z
      .object({ colourScale: z.enum(['shared', 'per-map']).default('shared') })
      .strict()
      .default({ colourScale: 'shared' }),
    /** Seed of every reader's counterbalanced order and blinded labels (stored; orders reproducible). */
    order: z
      .object({
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1),
      })
      .strict(),
  })
  .strict();

export type Protocol = z.output<typeof protocolSchema>;
export type ProtocolInput = z.input<typeof protocolSchema>;

/** Whether a protocol locks a case's earlier-phase answers once a later phase is opened (default: more than one phase). */
export const locksEarlierPhases = (p: Pick<Protocol, 'phases' | 'lockEarlierPhases'>): boolean =>
  p.lockEarlierPhases ?? p.phases.length > 1;
