// Geometry of the faithfulness table's sparklines: a metric's curves (share of units changed →
// model score) as SVG polyline points in a small box, all curves of one metric on one y scale
// so that MIF and LIF (or insertion and deletion) can be compared by eye.
import type { MetricCurve } from '../../../app/faithfulness';

export type Box = { width: number; height: number; pad: number };

export type Range = { lo: number; hi: number };

/** The finite extent of some numbers; a flat or empty set gets a unit-wide range around it. */
export function extent(values: Iterable<number>): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { lo: 0, hi: 1 };
  return lo === hi ? { lo: lo - 0.5, hi: hi + 0.5 } : { lo, hi };
}

/** The x and y ranges shared by a metric's curves. */
export function curveRanges(curves: readonly Pick<MetricCurve, 'fractions' | 'scores'>[]): { x: Range; y: Range } {
  return { x: extent(curves.flatMap((c) => c.fractions)), y: extent(curves.flatMap((c) => c.scores)) };
}

/** `points` of an SVG polyline: x grows right, a higher score is drawn higher; non-finite points are left out. */
export function sparklinePoints(c: Pick<MetricCurve, 'fractions' | 'scores'>, x: Range, y: Range, box: Box): string {
  const w = box.width - 2 * box.pad;
  const h = box.height - 2 * box.pad;
  const out: string[] = [];
  const n = Math.min(c.fractions.length, c.scores.length);
  for (let i = 0; i < n; i++) {
    const f = c.fractions[i];
    const s = c.scores[i];
    if (!Number.isFinite(f) || !Number.isFinite(s)) continue;
    const px = box.pad + ((f - x.lo) / (x.hi - x.lo)) * w;
    const py = box.pad + (1 - (s - y.lo) / (y.hi - y.lo)) * h;
    out.push(`${+px.toFixed(2)},${+py.toFixed(2)}`);
  }
  return out.join(' ');
}

/** A curve's colour: MIF and LIF (fidelity) apart; any other single curve in the accent colour. */
export function curveColour(name: string): string {
  if (name === 'mif') return '#e69f00';
  if (name === 'lif') return '#56b4e9';
  return 'var(--accent)';
}

/** "MIF", "LIF", or "" for a metric's only curve. */
export const curveName = (name: string): string => (name === 'curve' ? '' : name.toUpperCase());
