// The default question bank: questions published clinician studies of saliency maps ask
// (localisation, plausibility, usefulness, trust, decision change — Hicks et al. 2024; Ihongbe
// et al. 2024; Chanda et al. 2024), the reader's own verdict with confidence, an evidence mark
// and a comment. Protocols copy what they need; ids are stable so answers pool across studies.
// The reader's own diagnosis and malignancy rating are scored against the cases' truth (accuracy
// by phase, the MRMC exports) unless the coordinator unticks it.
import { ISIC_DIAGNOSIS_NAMES, type IsicDiagnosis } from '../../../app/domain';
import { questionSchema, type Question } from '../../../app/protocol';

const AGREE = { 1: 'Not at all', 3: 'Partly', 5: 'Completely' };

const BANK: unknown[] = [
  {
    id: 'localisation',
    level: 'stimulus',
    type: 'likert',
    prompt: 'Does the highlighted region correspond to the finding?',
    anchors: { 1: 'Not at all', 3: 'Partly', 5: 'Exactly' },
  },
  {
    id: 'plausibility',
    level: 'stimulus',
    type: 'likert',
    prompt: 'Is this explanation clinically plausible?',
    anchors: { 1: 'Implausible', 3: 'Uncertain', 5: 'Fully plausible' },
  },
  { id: 'usefulness', level: 'stimulus', type: 'likert', prompt: 'How useful is this explanation for your decision?', anchors: AGREE },
  {
    id: 'trust',
    level: 'stimulus',
    type: 'likert',
    prompt: "Given this explanation, how much do you trust the AI's output?",
    anchors: { 1: 'No trust', 3: 'Some trust', 5: 'Full trust' },
  },
  { id: 'change-decision', level: 'stimulus', type: 'yes-no', prompt: 'Would this change your decision?' },
  {
    id: 'evidence',
    level: 'stimulus',
    type: 'roi',
    shape: 'box',
    required: false,
    prompt: 'Draw a box around the image evidence for your reading.',
  },
  { id: 'preference', level: 'stimulus', type: 'forced-choice', prompt: 'Which explanation better supports the finding?' },
  {
    id: 'diagnosis',
    level: 'case',
    type: 'single-choice',
    prompt: 'Your diagnosis',
    truth: 'diagnosis',
    options: (Object.entries(ISIC_DIAGNOSIS_NAMES) as [IsicDiagnosis, string][]).map(([value, label]) => ({ value, label })),
  },
  {
    id: 'malignancy',
    level: 'case',
    type: 'likert',
    prompt: 'Likelihood of malignancy of this nodule',
    truth: 'malignancy',
    help: 'LIDC malignancy scale (assuming a 60-year-old male smoker).',
    anchors: { 1: 'Highly unlikely', 2: 'Moderately unlikely', 3: 'Indeterminate', 4: 'Moderately suspicious', 5: 'Highly suspicious' },
  },
  {
    id: 'confidence',
    level: 'case',
    type: 'likert',
    prompt: 'How confident are you in your reading?',
    anchors: { 1: 'Not confident', 3: 'Moderately', 5: 'Very confident' },
  },
  { id: 'comment', level: 'case', type: 'free-text', required: false, prompt: 'Comment (optional)', maxLength: 2000 },
];

/** The bank, parsed (defaults filled) so it is exactly what a protocol would hold. */
export const QUESTION_BANK: Question[] = BANK.map((q) => questionSchema.parse(q));
