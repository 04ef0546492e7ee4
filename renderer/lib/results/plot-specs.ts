// The dashboard's plots as Observable Plot options (https://observablehq.com/plot/): dot-and-
// interval plots of means and proportions, and bars of counts per scale point. Colour only repeats
// what the labels say (sanity-check groups are named so too, and drawn hollow), so no plot needs
// a legend: a plot is then a single SVG element, which is what the Save buttons write.
import * as Plot from '@observablehq/plot';
import type { AccuracyQuestion } from './accuracy-rows';
import { num, pct, withCi } from './format';
import { PHASE_COLOURS, PLOT_INK, PLOT_PAPER, RATING_COLOURS } from './palette';
import type { DistributionRow, RatingRow } from './rating-rows';
import type { TimingRow } from './timing-rows';

export const DEFAULT_WIDTH = 640;
const ROW = 28;
const STYLE = { color: PLOT_INK, background: PLOT_PAPER, fontSize: '12px', fontFamily: 'system-ui, sans-serif' };

/** Room for the longest y label at about 7 px a character, within reason. */
export function labelMargin(labels: readonly string[], min = 60, max = 300): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return Math.min(max, Math.max(min, Math.ceil(longest * 7) + 12));
}

/** Long numeric scales (0–100) would crowd the axis: label at most about ten points, at a round step. */
export function tickStep(span: number): number {
  for (let magnitude = 1; ; magnitude *= 10) {
    for (const m of [1, 2, 5]) if (span / (m * magnitude) <= 10) return m * magnitude;
  }
}

/** Every whole point of the scale; or, where answers fall between them (a number with step 0.5), the values given. */
export function scalePoints(rows: readonly { value: number }[], scale: { min: number; max: number }): number[] {
  const whole = Number.isInteger(scale.min) && Number.isInteger(scale.max) && scale.max - scale.min <= 200;
  if (whole && rows.every((r) => Number.isInteger(r.value)))
    return Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  return [...new Set(rows.map((r) => r.value))].sort((a, b) => a - b);
}

const ratingColour = (d: { sanity: boolean }) => (d.sanity ? RATING_COLOURS.sanity : RATING_COLOURS.real);
const withInterval = <T extends { lo: number | null; hi: number | null }>(rows: readonly T[]) =>
  rows.filter((r) => r.lo !== null && r.hi !== null);

/** Mean rating per group with its 95% interval, on the question's whole scale. */
export function ratingMeansPlot(rows: readonly RatingRow[], scale: { min: number; max: number }, width = DEFAULT_WIDTH): Plot.PlotOptions {
  const labels = rows.map((r) => r.label);
  return {
    width,
    height: 50 + rows.length * ROW,
    marginLeft: labelMargin(labels),
    marginRight: 56,
    marginBottom: 40,
    style: STYLE,
    // An interval from few ratings can reach past the scale; it is drawn to the scale's end.
    x: {
      domain: [scale.min, scale.max],
      clamp: true,
      label: 'Mean rating (95% CI)',
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
      ticks: Math.min(10, scale.max - scale.min),
    },
    y: { domain: labels, label: null, padding: 0.3 },
    marks: [
      Plot.ruleY(withInterval(rows), { y: 'label', x1: 'lo', x2: 'hi', stroke: ratingColour, strokeWidth: 2, className: 'rating-ci' }),
      Plot.dot(rows, {
        y: 'label',
        x: 'mean',
        r: 5,
        strokeWidth: 2,
        stroke: ratingColour,
        // Sanity-check groups hollow: told apart without colour as well.
        fill: (d: RatingRow) => (d.sanity ? PLOT_PAPER : ratingColour(d)),
        className: 'rating-mean',
        title: (d: RatingRow) => `${d.label}: mean ${withCi(d.mean, d.lo !== null && d.hi !== null ? [d.lo, d.hi] : null)}, n = ${d.n}`,
      }),
      Plot.text(rows, { y: 'label', x: scale.max, text: (d: RatingRow) => `n = ${d.n}`, textAnchor: 'start', dx: 10, fill: PLOT_INK }),
    ],
  };
}

/** Every scale point's count per group: one small bar chart per group, stacked down the page. */
export function ratingDistributionPlot(
  rows: readonly DistributionRow[],
  scale: { min: number; max: number },
  width = DEFAULT_WIDTH,
): Plot.PlotOptions {
  const labels = [...new Set(rows.map((r) => r.label))];
  const points = scalePoints(rows, scale);
  const every = tickStep(scale.max - scale.min);
  const whole = points.every(Number.isInteger);
  const labelled = new Set(points.filter((v, i) => (whole ? (v - scale.min) % every === 0 : i % Math.ceil(points.length / 10) === 0)));
  return {
    width,
    height: 40 + labels.length * 64,
    marginLeft: labelMargin(labels),
    marginTop: 16,
    marginBottom: 40,
    style: STYLE,
    fy: { domain: labels, label: null, axis: 'left', padding: 0.3 },
    x: {
      domain: points,
      label: 'Rating',
      labelAnchor: 'center',
      labelArrow: 'none',
      tickFormat: (v: number) => (labelled.has(v) ? String(v) : ''),
    },
    // The counts are written on the bars; a second left axis would collide with the group names.
    y: { axis: null },
    marks: [
      Plot.barY(rows, {
        fy: 'label',
        x: 'value',
        y: 'count',
        fill: ratingColour,
        fillOpacity: (d: DistributionRow) => (d.sanity ? 0.55 : 1),
        className: 'rating-bars',
        title: (d: DistributionRow) => `${d.label}: ${d.count} × ${d.value}`,
      }),
      Plot.text(
        rows.filter((r) => r.count > 0),
        { fy: 'label', x: 'value', y: 'count', text: 'count', dy: -7, fill: PLOT_INK, fontSize: 10 },
      ),
      Plot.ruleY([0], { stroke: PLOT_INK }),
    ],
  };
}

/** Proportion correct per phase, one panel per reader (all readers first), labelled at the right. */
export function accuracyPlot(q: AccuracyQuestion, width = DEFAULT_WIDTH): Plot.PlotOptions {
  const colour = (d: { phase: string }) => PHASE_COLOURS[Math.max(0, q.phases.indexOf(d.phase)) % PHASE_COLOURS.length];
  type Row = AccuracyQuestion['rows'][number];
  return {
    width,
    height: 50 + q.readers.length * (q.phases.length * 22 + 14),
    marginLeft: labelMargin(q.readers),
    marginRight: 190,
    marginBottom: 40,
    style: STYLE,
    fy: { domain: q.readers, label: null, axis: 'left', padding: 0.15 },
    x: {
      domain: [0, 1],
      label: 'Proportion correct (95% CI)',
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
      tickFormat: '.0%',
    },
    y: { domain: q.phases, axis: null, padding: 0.25 },
    marks: [
      Plot.frame({ stroke: '#d0d0d0' }),
      Plot.ruleY(withInterval(q.rows), {
        fy: 'reader',
        y: 'phase',
        x1: 'lo',
        x2: 'hi',
        stroke: colour,
        strokeWidth: 2,
        className: 'accuracy-ci',
      }),
      Plot.dot(q.rows, {
        fy: 'reader',
        y: 'phase',
        x: 'proportion',
        r: 4.5,
        fill: colour,
        className: 'accuracy-mean',
        title: (d: Row) => `${d.reader}, ${d.phase}: ${d.successes}/${d.n}`,
      }),
      // Each row names its phase, so the colours need no key.
      Plot.text(q.rows, {
        fy: 'reader',
        y: 'phase',
        x: 1,
        dx: 10,
        textAnchor: 'start',
        fill: PLOT_INK,
        text: (d: Row) => `${d.phase}: ${pct(d.proportion)} (${d.successes}/${d.n})`,
      }),
    ],
  };
}

/** Mean seconds per trial (95% CI) and the median (×), per phase and kind of trial, all readers. */
export function timingPlot(rows: readonly TimingRow[], width = DEFAULT_WIDTH): Plot.PlotOptions {
  const all = rows.filter((r) => r.all);
  const labels = all.map((r) => r.label);
  const top = Math.max(1, ...all.map((r) => Math.max(r.hi ?? 0, r.meanS, r.medianS)));
  return {
    width,
    height: 50 + all.length * ROW,
    marginLeft: labelMargin(labels),
    marginBottom: 40,
    style: STYLE,
    x: {
      domain: [0, top * 1.05],
      label: 'Seconds per trial: mean (95% CI) and median (×)',
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
    },
    y: { domain: labels, label: null, padding: 0.3 },
    marks: [
      Plot.ruleY(withInterval(all), { y: 'label', x1: 'lo', x2: 'hi', stroke: PHASE_COLOURS[1], strokeWidth: 2, className: 'timing-ci' }),
      Plot.dot(all, {
        y: 'label',
        x: 'meanS',
        r: 5,
        fill: PHASE_COLOURS[1],
        stroke: PLOT_INK,
        strokeWidth: 0.5,
        className: 'timing-mean',
        title: (d: TimingRow) => `${d.label}: mean ${num(d.meanS, 1)} s, ${d.trials} trials`,
      }),
      Plot.dot(all, { y: 'label', x: 'medianS', symbol: 'times', r: 4, stroke: PLOT_INK, className: 'timing-median' }),
    ],
  };
}
