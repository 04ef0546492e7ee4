// A study's results as the coordinator sees them: the exports' formats and the dashboard's
// statistics. Unblinded (methods named): staff only, never sent to a reader.
import type { PhaseId } from './protocol';

export const EXPORT_FORMATS = ['csv', 'imrmc', 'mrmcaov', 'kappa', 'icc', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportedFile = { fileName: string; mediaType: string; content: string };

/** A mean with its Student-t 95% confidence interval (null with fewer than two values). */
export type MeanEstimate = { n: number; mean: number; sd: number | null; ci: [number, number] | null };
/** A proportion with its Wilson 95% interval. */
export type ProportionEstimate = { n: number; successes: number; proportion: number; ci: [number, number] | null };

/** One rating question's answers under one reading condition (or phase, for case-level questions). */
export type RatingGroup = {
  phase: PhaseId;
  /** The condition (stimulus-level questions); null for case-level questions. */
  conditionId: string | null;
  method: string | null;
  target: string | null;
  /** Ratings of sanity-check trials (the randomized model's maps shown under this condition's label). */
  sanity: boolean;
  estimate: MeanEstimate;
  /** Count per scale point, min…max. */
  distribution: { value: number; count: number }[];
};

export type RatingSummary = {
  questionId: string;
  prompt: string;
  level: 'case' | 'stimulus';
  scale: { min: number; max: number };
  groups: RatingGroup[];
};

export type AgreementSummary = {
  questionId: string;
  prompt: string;
  type: string;
  items: number;
  readers: number;
  /** Fleiss (1971), over items every reader answered. */
  fleissKappa: { kappa: number; items: number } | null;
  /** Cohen's (1968) quadratic-weighted kappa, the mean over reader pairs (ordinal scales only). */
  weightedKappa: { kappa: number; pairs: number } | null;
  /** Shrout & Fleiss (1979) ICC(2,1) and ICC(2,k) with McGraw & Wong's 95% intervals (numeric scales only). */
  icc: {
    single: { value: number; ci: [number, number] | null };
    average: { value: number; ci: [number, number] | null };
    items: number;
  } | null;
  note: string | null;
};

/** One reader's agreement with themselves on repeated stimuli. */
export type IntraReaderSummary = {
  questionId: string;
  reader: string;
  pairs: number;
  exactAgreement: number;
  weightedKappa: number | null;
};

/** Readers' calls against the truth, per phase (unaided / AI / AI + explanation), all readers and each. */
export type AccuracySummary = { questionId: string; phase: PhaseId; reader: string | null; estimate: ProportionEstimate };

export type TimingSummary = {
  phase: PhaseId;
  kind: 'case' | 'stimulus' | 'comparison';
  reader: string | null;
  trials: number;
  medianMs: number;
  estimate: MeanEstimate;
};

export type StudyResults = {
  studyId: number;
  name: string;
  protocol: { id: string; version: number };
  computedAt: string;
  readers: string[];
  answers: number;
  ratings: RatingSummary[];
  agreement: AgreementSummary[];
  intraReader: IntraReaderSummary[];
  accuracy: AccuracySummary[];
  timing: TimingSummary[];
};
