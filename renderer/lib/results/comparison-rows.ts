// The study's comparisons as plot and table rows: each difference of a figure of merit between
// two conditions or phases (the later first: "AI − Unaided") with its 95% interval and p-value,
// readers and cases random (Obuchowski–Rockette, Hillis' ddf). The plot is a forest plot: one row
// per difference, a dot and its interval, a line at no difference.
import * as Plot from '@observablehq/plot';
import type { Comparison, FigureOfMeritId } from '../../../app/results';
import { num } from './format';
import { PHASE_LABELS } from './labels';
import { OKABE_ITO, PLOT_INK, PLOT_PAPER } from './palette';

export const FOM_LABELS: Record<FigureOfMeritId, string> = {
  mean: 'mean rating',
  accuracy: 'accuracy (share right)',
  auc: 'ROC area (empirical)',
};

export type DifferenceRow = {
  /** "AI − Unaided" */
  label: string;
  estimate: number;
  lo: number | null;
  hi: number | null;
  p: number | null;
  df: number;
  /** Whether the interval leaves out 0. */
  clear: boolean;
};

/** "p = 0.032", "p < 0.001", "p —". */
export function pValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'p —';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** A comparison's heading: the figure, what is compared, and where. */
export function comparisonTitle(c: Comparison): string {
  const what = c.factor === 'phase' ? 'phases' : `conditions${c.phase ? ` (${PHASE_LABELS[c.phase] ?? c.phase})` : ''}`;
  return `${FOM_LABELS[c.fom]}: ${what}`;
}

export function differenceRows(c: Comparison): DifferenceRow[] {
  const label = new Map(c.levels.map((l) => [l.id, l.label]));
  return c.differences.map((d) => ({
    label: `${label.get(d.a) ?? d.a} − ${label.get(d.b) ?? d.b}`,
    estimate: d.estimate,
    lo: d.ci?.[0] ?? null,
    hi: d.ci?.[1] ?? null,
    p: d.p,
    df: d.df,
    clear: !!d.ci && (d.ci[0] > 0 || d.ci[1] < 0),
  }));
}

/** The summary under a comparison: readers, cases, the global test. */
export function comparisonSummary(c: Comparison): string {
  const parts = [`${c.readers} readers × ${c.cases} cases, readers and cases random`];
  if (c.global && c.levels.length > 2 && Number.isFinite(c.global.f) && c.global.df2 !== null)
    parts.push(`all ${c.levels.length} equal: F(${c.global.df1}, ${num(c.global.df2, 1)}) = ${num(c.global.f, 2)}, ${pValue(c.global.p)}`);
  return parts.join('; ');
}

const STYLE = { color: PLOT_INK, background: PLOT_PAPER, fontSize: '12px', fontFamily: 'system-ui, sans-serif' };

/** The forest plot of a comparison's differences, symmetric about 0, p-values at the right. */
export function differencesPlot(c: Comparison, rows: readonly DifferenceRow[], width = 640): Plot.PlotOptions {
  const span = c.range[1] - c.range[0];
  const reach = Math.max(span * 0.05, ...rows.flatMap((r) => [Math.abs(r.estimate), Math.abs(r.lo ?? 0), Math.abs(r.hi ?? 0)]));
  const limit = Math.min(span, reach * 1.1);
  const labels = rows.map((r) => r.label);
  const colour = (r: DifferenceRow) => (r.clear ? OKABE_ITO.vermillion : OKABE_ITO.blue);
  return {
    width,
    height: 56 + rows.length * 30,
    marginLeft: Math.min(320, Math.max(80, Math.max(...labels.map((l) => l.length)) * 7 + 12)),
    marginRight: 110,
    marginBottom: 40,
    style: STYLE,
    x: {
      domain: [-limit, limit],
      clamp: true,
      label: `Difference in ${FOM_LABELS[c.fom]} (95% CI)`,
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
    },
    y: { domain: labels, label: null, padding: 0.3 },
    marks: [
      Plot.ruleX([0], { stroke: PLOT_INK, strokeDasharray: '4,3' }),
      Plot.ruleY(
        rows.filter((r) => r.lo !== null && r.hi !== null),
        { y: 'label', x1: 'lo', x2: 'hi', stroke: colour, strokeWidth: 2.5, className: 'difference-ci' },
      ),
      Plot.dot(rows, {
        y: 'label',
        x: 'estimate',
        r: 5,
        fill: colour,
        className: 'difference-estimate',
        title: (d: DifferenceRow) =>
          `${d.label}: ${num(d.estimate, 3)} [${num(d.lo, 3)}, ${num(d.hi, 3)}], df ${num(d.df, 1)}, ${pValue(d.p)}`,
      }),
      Plot.text(rows, { y: 'label', x: limit, text: (d: DifferenceRow) => pValue(d.p), textAnchor: 'start', dx: 12, fill: PLOT_INK }),
    ],
  };
}
