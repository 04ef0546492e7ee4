// How the coordinator's faithfulness table names, formats and orders the metrics main computes,
// all read from the metrics' descriptors (app/faithfulness.ts; definitions and citations:
// main/services/explain/faithfulness).
import { METRICS, type ExplanationMetric, type MetricDescriptor, type MetricId } from '../../../app/faithfulness';

export type MetricLabel = {
  label: string;
  /** Which way is better; null where the value is an outcome, not a score (the pointing game's hit or miss). */
  better: 'higher' | 'lower' | null;
  /** How the value reads: a number, or hit/miss (1/0). */
  format: MetricDescriptor['format'];
  /** The value compares the map with a wrong target's map, named in params.wrongTarget. */
  againstWrongTarget: boolean;
  /** The publication that defines it (the row's tooltip). */
  reference: string;
};

const labelOf = (m: MetricDescriptor): MetricLabel => ({
  label: m.label,
  better: m.format === 'hit-miss' ? null : m.scoreDirection,
  format: m.format,
  againstWrongTarget: m.category === 'class-sensitivity',
  reference: m.reference,
});

export const METRIC_LABELS = Object.fromEntries(METRICS.map((m) => [m.id, labelOf(m)])) as Record<MetricId, MetricLabel>;

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The row's label; a class-sensitivity metric names the wrong target it was compared with. */
export function metricLabel(m: Pick<ExplanationMetric, 'metric' | 'params'>): string {
  const { label: base, againstWrongTarget } = METRIC_LABELS[m.metric];
  const wrong = againstWrongTarget ? text(m.params.wrongTarget) : null;
  return wrong ? `${base} vs ${wrong}` : base;
}

/** "↑" (higher is better), "↓", or "" where neither applies. */
export function betterArrow(id: MetricId): string {
  const b = METRIC_LABELS[id].better;
  return b === 'higher' ? '↑' : b === 'lower' ? '↓' : '';
}

/** The headline number: "—" when undefined, hit/miss for the pointing game, else 3 significant-ish digits. */
export function formatMetricValue(m: Pick<ExplanationMetric, 'metric' | 'value'>): string {
  const v = m.value;
  if (v === null || !Number.isFinite(v)) return '—';
  if (METRIC_LABELS[m.metric].format === 'hit-miss') return v >= 0.5 ? 'hit' : 'miss';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 3;
  const s = v.toFixed(digits);
  // "-0.000" reads as a sign that means nothing.
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/** Why a value is missing or what qualifies it (main's `parts.note`), if it says. */
export const metricNote = (m: Pick<ExplanationMetric, 'parts'>): string | null => text(m.parts.note);

/**
 * The output the metrics judged the map on, when that is not the map's own target (attention
 * and concept maps explain no output; main scores them on the predicted class).
 */
export function judgedOn(metrics: readonly Pick<ExplanationMetric, 'params'>[], mapTarget: string): string | null {
  for (const m of metrics) {
    const scored = text(m.params.scoredOutput);
    if (scored && scored !== mapTarget) return scored;
  }
  return null;
}

/** Rows in the registry's order, whatever order main answered in. */
export function orderMetrics<T extends Pick<ExplanationMetric, 'metric'>>(metrics: readonly T[]): T[] {
  const ids = Object.keys(METRIC_LABELS);
  return [...metrics].sort((a, b) => ids.indexOf(a.metric) - ids.indexOf(b.metric));
}
