// A study's results as the coordinator sees them: the exports' formats and the dashboard's
// statistics. Unblinded (methods named): staff only, never sent to a reader.
import type { PhaseId } from './protocol';

export const EXPORT_FORMATS = ['csv', 'comparisons', 'imrmc', 'rjafroc', 'mrmcaov', 'mrmc-key', 'kappa', 'icc', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportedFile = { fileName: string; mediaType: string; content: string };

/** A mean with its Student-t 95% confidence interval (null with fewer than two values). */
export type MeanEstimate = { n: number; mean: number; sd: number | null; ci: [number, number] | null };
/** A proportion with its Wilson 95% interval. */
export type ProportionEstimate = { n: number; successes: number; proportion: number; ci: [number, number] | null };

/**
 * A figure of merit's interval with readers and cases both random: the Obuchowski–Rockette
 * single-condition analysis with Hillis' (2007) degrees of freedom and jackknife covariances.
 */
export type DesignEstimate = { estimate: number; se: number; df: number; ci: [number, number] | null; readers: number; cases: number };

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
  /** The mean's interval with readers and cases random (null with fewer than two readers or cases). */
  design: DesignEstimate | null;
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

/** Agreement statistics over a set of items. */
export type AgreementStats = {
  items: number;
  readers: number;
  /** Fleiss (1971), over items every reader answered (categorical answers; none for number questions). */
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

/** Agreement under one phase and condition: the items are the cases read there, so conditions can be compared. */
export type AgreementLevel = AgreementStats & { phase: PhaseId; conditionId: string | null; label: string };

export type AgreementSummary = AgreementStats & {
  questionId: string;
  prompt: string;
  type: string;
  /** Per phase × condition, where the question was asked under more than one (the pooled figures count each as other targets). */
  levels: AgreementLevel[];
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
export type AccuracySummary = {
  questionId: string;
  phase: PhaseId;
  reader: string | null;
  estimate: ProportionEstimate;
  /** All readers: the accuracy's interval with readers and cases random (null for one reader's row). */
  design: DesignEstimate | null;
  /** Reads with a rating and a truth that the call rule leaves out (the middle answer, app/call-rule.ts); not in `estimate`. */
  leftOut: number;
  /** The truth and the call in words (app/call-rule.ts callRuleWords, beside app/truth.ts truthDescription). */
  rule: string;
};

/** The figure of merit a comparison is about: the mean rating, the share of right calls, or the empirical ROC area. */
export type FigureOfMeritId = 'mean' | 'accuracy' | 'auc';

/** One level compared (a condition, or a phase) with its own design-based interval. */
export type ComparisonLevel = { id: string; label: string; estimate: DesignEstimate };

/** The difference a − b of two levels: the later condition or phase first (e.g. "ai − unaided"), with its OR interval and p-value. */
export type ComparisonDifference = {
  a: string;
  b: string;
  estimate: number;
  se: number;
  df: number;
  ci: [number, number] | null;
  t: number;
  p: number | null;
};

/**
 * One question's conditions (stimulus-level questions, within a phase) or phases (case-level
 * questions) compared on one figure of merit by the Obuchowski–Rockette method, readers and cases
 * random (Hillis' ddf, jackknife covariances).
 */
export type Comparison = {
  questionId: string;
  prompt: string;
  factor: 'condition' | 'phase';
  /** The phase whose conditions are compared (factor 'condition'). */
  phase: PhaseId | null;
  fom: FigureOfMeritId;
  /** The figure's range: the rating scale for a mean, 0–1 otherwise. */
  range: [number, number];
  readers: number;
  cases: number;
  readersLeftOut: string[];
  levels: ComparisonLevel[];
  /** The global test that every level has the same figure of merit (null with one level). */
  global: { f: number; df1: number; df2: number; p: number | null } | null;
  differences: ComparisonDifference[];
  /** How the figure was computed, in words (the threshold of a call, what counts as truth). */
  rule: string;
  /** Why there is no analysis, or what was left out. */
  note: string | null;
};

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
  /** Conditions and phases compared, question by question (the study's question first). */
  comparisons: Comparison[];
  /** The scoring rules in words: truth, the call a rating makes, which questions get which agreement statistic. */
  rules: string[];
};
