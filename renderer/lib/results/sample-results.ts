// A small study's results for the dashboard's unit tests: two readers, one stimulus-level Likert
// question under two conditions with a sanity-check group, one case-level question in three
// phases, accuracy and timings.
import type { RatingGroup, StudyResults } from '../../../app/results';

const est = (n: number, mean: number, ci: [number, number] | null) => ({ n, mean, sd: ci ? 1 : null, ci });
const dist = (counts: number[], min = 1) => counts.map((count, i) => ({ value: min + i, count }));
const group = (g: Partial<RatingGroup> & Pick<RatingGroup, 'phase' | 'estimate' | 'distribution'>): RatingGroup => ({
  conditionId: null,
  method: null,
  target: null,
  sanity: false,
  design: null,
  ...g,
});
const design = (estimate: number, ci: [number, number] | null) => ({ estimate, se: 0.1, df: 12, ci, readers: 2, cases: 4 });

/** The accuracy's rule as main words it (app/call-rule.ts), for a question whose middle answer is left out. */
const ACCURACY_RULE =
  'truth — Malignancy: LIDC median malignancy ≥ 4 malignant, ≤ 2 benign (3 left out); ISIC mel, bcc, akiec malignant; call: a rating above 3 on 1–5 is positive, below it negative; the middle answer 3 is left out of the accuracy (those reads are counted). The call sets accuracy only: the ROC area ranks the ratings themselves';

export const SAMPLE: StudyResults = {
  studyId: 3,
  name: 'Dermoscopy explanations',
  protocol: { id: 'derm', version: 2 },
  computedAt: '2024-06-01T12:00:00.000Z',
  readers: ['Dr Ada', 'Dr Ben'],
  answers: 40,
  ratings: [
    {
      questionId: 'useful',
      prompt: 'How useful is this explanation?',
      level: 'stimulus',
      scale: { min: 1, max: 5 },
      groups: [
        // Listed sanity first on purpose: the rows put each real group first.
        group({
          phase: 'ai-explanation',
          conditionId: 'cdam',
          method: 'cdam',
          target: 'MEL',
          sanity: true,
          estimate: est(2, 1.5, [0, 3]),
          distribution: dist([1, 1, 0, 0, 0]),
        }),
        group({
          phase: 'ai-explanation',
          conditionId: 'attn',
          method: 'attention',
          target: 'attention',
          estimate: est(4, 3, [1.7, 4.3]),
          distribution: dist([0, 1, 2, 0, 1]),
        }),
        group({
          phase: 'ai-explanation',
          conditionId: 'cdam',
          method: 'cdam',
          target: 'MEL',
          estimate: est(4, 4, [3.1, 4.9]),
          design: design(4, [2.5, 5]),
          distribution: dist([0, 0, 1, 2, 1]),
        }),
      ],
    },
    {
      questionId: 'malignant',
      prompt: 'How likely is this lesion malignant?',
      level: 'case',
      scale: { min: 1, max: 5 },
      groups: [
        group({ phase: 'ai', estimate: est(4, 3.5, [2, 5]), distribution: dist([0, 1, 1, 1, 1]) }),
        group({ phase: 'unaided', estimate: est(1, 3, null), distribution: dist([0, 0, 1, 0, 0]) }),
      ],
    },
  ],
  agreement: [
    {
      questionId: 'useful',
      prompt: 'How useful is this explanation?',
      type: 'likert',
      items: 4,
      readers: 2,
      fleissKappa: { kappa: 0.25, items: 4 },
      weightedKappa: { kappa: 0.5, pairs: 1 },
      icc: { single: { value: 0.4, ci: [-0.2, 0.8] }, average: { value: 0.57, ci: [-0.5, 0.9] }, items: 4 },
      note: null,
      levels: [],
    },
  ],
  intraReader: [{ questionId: 'useful', reader: 'Dr Ada', pairs: 2, exactAgreement: 0.5, weightedKappa: null }],
  accuracy: [
    {
      questionId: 'malignant',
      phase: 'ai',
      reader: 'Dr Ben',
      estimate: { n: 2, successes: 2, proportion: 1, ci: [0.34, 1] },
      design: null,
      leftOut: 0,
      rule: ACCURACY_RULE,
    },
    {
      questionId: 'malignant',
      phase: 'unaided',
      reader: null,
      estimate: { n: 4, successes: 2, proportion: 0.5, ci: [0.15, 0.85] },
      design: design(0.5, [0.05, 0.95]),
      leftOut: 1,
      rule: ACCURACY_RULE,
    },
    {
      questionId: 'malignant',
      phase: 'ai',
      reader: null,
      estimate: { n: 4, successes: 3, proportion: 0.75, ci: [0.3, 0.95] },
      design: null,
      leftOut: 0,
      rule: ACCURACY_RULE,
    },
    {
      questionId: 'malignant',
      phase: 'unaided',
      reader: 'Dr Ada',
      estimate: { n: 2, successes: 1, proportion: 0.5, ci: [0.09, 0.91] },
      design: null,
      leftOut: 1,
      rule: ACCURACY_RULE,
    },
  ],
  timing: [
    {
      phase: 'ai-explanation',
      kind: 'stimulus',
      reader: null,
      trials: 8,
      medianMs: 4000,
      estimate: { n: 8, mean: 5000, sd: 1000, ci: [4200, 5800] },
    },
    {
      phase: 'unaided',
      kind: 'case',
      reader: 'Dr Ada',
      trials: 2,
      medianMs: 9000,
      estimate: { n: 2, mean: 9000, sd: 500, ci: [4500, 13500] },
    },
    { phase: 'unaided', kind: 'case', reader: null, trials: 4, medianMs: 8000, estimate: { n: 4, mean: 8500, sd: 700, ci: [7400, 9600] } },
  ],
  comparisons: [
    {
      questionId: 'useful',
      prompt: 'How useful is this explanation?',
      factor: 'condition',
      phase: 'ai-explanation',
      fom: 'mean',
      range: [1, 5],
      readers: 2,
      cases: 4,
      readersLeftOut: [],
      levels: [
        { id: 'cdam', label: 'CDAM / MEL', estimate: design(4, [2.5, 5]) },
        { id: 'attn', label: 'Attention', estimate: design(3, [1.5, 4.5]) },
      ],
      global: { f: 4, df1: 1, df2: 9.5, p: 0.075 },
      differences: [{ a: 'attn', b: 'cdam', estimate: -1, se: 0.5, df: 9.5, ci: [-2.12, 0.12], t: -2, p: 0.075 }],
      rule: 'mean rating over readers and cases',
      note: null,
    },
    {
      questionId: 'malignant',
      prompt: 'How likely is this lesion malignant?',
      factor: 'phase',
      phase: null,
      fom: 'auc',
      range: [0, 1],
      readers: 1,
      cases: 0,
      readersLeftOut: [],
      levels: [],
      global: null,
      differences: [],
      rule: 'empirical (trapezoidal) ROC area of the ratings against the binary truth',
      note: 'An OR analysis needs at least two readers with a figure of merit under every condition, got 1.',
    },
  ],
  rules: [`“malignant” is scored against the ${ACCURACY_RULE}.`],
};
