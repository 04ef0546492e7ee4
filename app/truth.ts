// What a case-level question can be scored against — the truth the cases carry — and how an
// answer is read against it. One definition for main (validation, accuracy, MRMC exports) and
// the protocol editor (the choices and their wording).
//
//  - "diagnosis": ISIC cases' diagnosis. A single choice whose option values are ISIC codes is
//    right when it names the case's diagnosis.
//  - "malignancy": a binary truth — LIDC: the nodule's median malignancy rating (1–5, up to 4
//    readers) ≥ 4 malignant, ≤ 2 benign, 3 indeterminate (no truth, left out); ISIC: mel, bcc
//    and akiec malignant.
//  - { characteristic }: a nodule-level LIDC characteristic, binarised like malignancy: the LIDC
//    readers' median rating ≥ 4 is 1 ("marked": e.g. spiculated, lobulated, solid, round,
//    sharp, obvious), ≤ 2 is 0, 3 indeterminate (no truth, left out). Only the characteristics
//    rated on an ordered 1–5 scale; internal structure and calcification are categories.
//
// A rating scored against a binary truth makes a call as the question's call rule says
// (app/call-rule.ts; by default positive above the middle of its scale): Likert and number answers as given, yes = 1 / no = 0, and a single choice read
// as an ordered scale in option order (the first option least, the last most; answer k of n is
// k on 1…n). That number is also the score an MRMC (ROC) analysis ranks cases by.
import { z } from 'zod';
import { ISIC_MALIGNANT, type IsicDiagnosis } from './domain';

export const SCORED_CHARACTERISTICS = ['subtlety', 'sphericity', 'margin', 'lobulation', 'spiculation', 'texture'] as const;
export type ScoredCharacteristic = (typeof SCORED_CHARACTERISTICS)[number];

export const truthSchema = z.union([
  z.enum(['diagnosis', 'malignancy']),
  z.object({ characteristic: z.enum(SCORED_CHARACTERISTICS) }).strict(),
]);
export type Truth = z.output<typeof truthSchema>;

/** What the cases of a study know: enough to score every kind of truth. */
export type CaseTruth = {
  diagnosis: IsicDiagnosis | null;
  medianMalignancy: number | null;
  /** LIDC: the median of the readers' ratings of the nodule, per characteristic. */
  characteristics: Partial<Record<ScoredCharacteristic, number | null>>;
};

/** A stable text key for a truth ("diagnosis", "malignancy", "characteristic:spiculation"). */
export const truthKey = (t: Truth): string => (typeof t === 'string' ? t : `characteristic:${t.characteristic}`);

export const CHARACTERISTIC_WORDS: Record<ScoredCharacteristic, { name: string; high: string; low: string }> = {
  subtlety: { name: 'subtlety', high: 'obvious', low: 'subtle' },
  sphericity: { name: 'sphericity', high: 'round', low: 'linear or ovoid' },
  margin: { name: 'margin', high: 'sharp margin', low: 'poorly defined margin' },
  lobulation: { name: 'lobulation', high: 'lobulated', low: 'not lobulated' },
  spiculation: { name: 'spiculation', high: 'spiculated', low: 'not spiculated' },
  texture: { name: 'texture', high: 'solid', low: 'non-solid or part-solid' },
};

/** The truth in the coordinator's words, with its binarisation. */
export function truthDescription(t: Truth): string {
  if (t === 'diagnosis') return 'ISIC diagnosis: right when the answer names the case’s diagnosis';
  if (t === 'malignancy')
    return 'Malignancy: LIDC median malignancy ≥ 4 malignant, ≤ 2 benign (3 left out); ISIC mel, bcc, akiec malignant';
  const w = CHARACTERISTIC_WORDS[t.characteristic];
  return `LIDC ${w.name} of the nodule: readers’ median ≥ 4 ${w.high}, ≤ 2 ${w.low} (3 left out)`;
}

/** Short name for lists: "ISIC diagnosis", "malignancy", "LIDC spiculation". */
export const truthName = (t: Truth): string =>
  t === 'diagnosis' ? 'ISIC diagnosis' : t === 'malignancy' ? 'malignancy' : `LIDC ${t.characteristic}`;

/** The LIDC binarisation of a median 1–5 rating: ≥4 → 1, ≤2 → 0, 3 or none → null. */
export const binariseMedian = (m: number | null | undefined): 0 | 1 | null =>
  m === null || m === undefined ? null : m >= 4 ? 1 : m <= 2 ? 0 : null;

/** The binary truth a case has for `t` (for "diagnosis": malignant or not). Null: no truth to score against. */
export function binaryTruthOf(t: Truth, c: CaseTruth): 0 | 1 | null {
  if (typeof t === 'object') return binariseMedian(c.characteristics[t.characteristic]);
  if (c.diagnosis) return ISIC_MALIGNANT.includes(c.diagnosis) ? 1 : 0;
  return binariseMedian(c.medianMalignancy);
}

/** Whether the case can be scored against `t` at all. */
export const hasTruth = (t: Truth, c: CaseTruth): boolean => (t === 'diagnosis' ? c.diagnosis !== null : binaryTruthOf(t, c) !== null);

/** The question types a truth can score, per truth kind. */
export const TRUTH_QUESTION_TYPES: Record<'diagnosis' | 'binary', readonly string[]> = {
  diagnosis: ['single-choice'],
  binary: ['likert', 'number', 'yes-no', 'single-choice'],
};

/** The truths that fit a question of `type` in a study of `modality`. */
export function truthsFor(modality: 'CT' | 'dermoscopy', type: string): Truth[] {
  const out: Truth[] = [];
  if (modality === 'dermoscopy' && TRUTH_QUESTION_TYPES.diagnosis.includes(type)) out.push('diagnosis');
  if (TRUTH_QUESTION_TYPES.binary.includes(type)) {
    out.push('malignancy');
    if (modality === 'CT') for (const characteristic of SCORED_CHARACTERISTICS) out.push({ characteristic });
  }
  return out;
}

/** How many of a protocol's cases have each truth (keys as truthKey). */
export type TruthCounts = { cases: number; counts: Record<string, number> };
