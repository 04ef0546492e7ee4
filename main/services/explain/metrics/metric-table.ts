// The tables of the seed papers from stored metrics: the CDAM paper's (fidelity, box
// sensitivity, class discrimination, compactness per method) and the LiMA paper's (insertion
// and deletion AUC per method), as mean ± SD over the explained cases, with a legend that says
// how each column was measured where our inputs make a choice: the blur σ (scaled to the input,
// or the paper's pixels as written) and what a metric's definition says of its own parameters
// (LiMA's presets: how they stepped through each map).
import type { ExplanationMetric, MetricId } from '../../../../app/faithfulness';
import { metricDefinition } from '../faithfulness';
import { boxSensitivityMetric } from '../faithfulness/box-sensitivity';
import { cdamFidelityMetric } from '../faithfulness/cdam-fidelity';
import { classDiscriminationMetric } from '../faithfulness/class-discrimination';
import { compactnessMetric } from '../faithfulness/compactness';
import { BLUR_REFERENCE_SIDE } from '../faithfulness/gaussian-blur';
import { limaDeletionMetric, limaInsertionMetric } from '../faithfulness/lima';

/** The columns of the CDAM paper's table and of the LiMA paper's, in the papers' order. */
export const CDAM_TABLE: readonly MetricId[] = [cdamFidelityMetric, boxSensitivityMetric, classDiscriminationMetric, compactnessMetric].map(
  (d) => d.id,
);
export const LIMA_TABLE: readonly MetricId[] = [limaInsertionMetric, limaDeletionMetric].map((d) => d.id);

/** `notes`: how the values of this cell were measured (one entry per distinct setting). */
export type Cell = { mean: number | null; sd: number | null; n: number; notes?: string[] };
export type TableRow = { method: string; cells: Record<string, Cell> };

export function cell(values: (number | null)[], notes?: string[]): Cell {
  const xs = values.filter((x): x is number => x !== null && Number.isFinite(x));
  const extra = notes?.length ? { notes } : {};
  if (!xs.length) return { mean: null, sd: null, n: 0, ...extra };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, sd, n: xs.length, ...extra };
}

const fmt = (x: number) => String(Number(x.toFixed(2)));

/** How a stored metric was measured, where the input size or the map made a choice; null where nothing needs saying. */
export function measuredAs(m: ExplanationMetric): string | null {
  const p = m.params;
  const parts: string[] = [];
  if (typeof p.sigmaPx === 'number') {
    const paper = typeof p.sigma === 'number' ? p.sigma : null;
    const radius = typeof p.radiusPx === 'number' ? ` on ${2 * p.radiusPx + 1}×${2 * p.radiusPx + 1}` : '';
    parts.push(
      p.blur === 'paper'
        ? `blur σ = ${fmt(p.sigmaPx)} px${radius}, the paper's value as written (set at ${BLUR_REFERENCE_SIDE} px)`
        : `blur σ = ${fmt(p.sigmaPx)} px${radius}, the paper's ${paper ?? '?'} px at ${BLUR_REFERENCE_SIDE} scaled by side/${BLUR_REFERENCE_SIDE}`,
    );
  }
  const own = metricDefinition(m.metric).measuredAs?.(p);
  if (own) parts.push(own);
  if (p.upsampling) parts.push(`patch grid upsampled by ${String(p.upsampling)} neighbour`);
  return parts.length ? parts.join('; ') : null;
}

/** Rows per method, columns per metric; `results` holds each explained case's metrics for each method. */
export function metricTable(results: { method: string; metrics: ExplanationMetric[] }[], columns: readonly MetricId[]): TableRow[] {
  const methods = [...new Set(results.map((r) => r.method))];
  return methods.map((method) => {
    const mine = results.filter((r) => r.method === method).flatMap((r) => r.metrics);
    return {
      method,
      cells: Object.fromEntries(
        columns.map((c) => {
          const ms = mine.filter((m) => m.metric === c);
          const notes = [...new Set(ms.map(measuredAs).filter((x): x is string => x !== null))];
          return [
            c,
            cell(
              ms.map((m) => m.value),
              notes,
            ),
          ];
        }),
      ),
    };
  });
}

/** The table as text, then a legend: per column, how its values were measured (per method where they differ). */
export function formatTable(title: string, rows: TableRow[], columns: readonly MetricId[]): string {
  const f = (c: Cell) => (c.mean === null ? '—' : `${c.mean.toFixed(3)} ± ${c.sd === null ? '—' : c.sd.toFixed(3)}`);
  const lines = [title, ['method', ...columns].join('\t')];
  for (const r of rows) lines.push([r.method, ...columns.map((c) => f(r.cells[c]))].join('\t'));
  const legend: string[] = [];
  for (const c of columns) {
    const byNote = new Map<string, string[]>();
    for (const r of rows) for (const n of r.cells[c]?.notes ?? []) byNote.set(n, [...(byNote.get(n) ?? []), r.method]);
    for (const [note, methods] of byNote) legend.push(`  ${c}${byNote.size > 1 ? ` (${methods.join(', ')})` : ''}: ${note}`);
  }
  return legend.length ? [...lines, 'Measured as:', ...legend].join('\n') : lines.join('\n');
}
