// The tables of the seed papers from stored metrics: the CDAM paper's (fidelity, box
// sensitivity, class discrimination, compactness per method) and the LiMA paper's (insertion
// and deletion AUC per method), as mean ± SD over the explained cases.
import type { ExplanationMetric, MetricId } from '../../../../app/faithfulness';

export const CDAM_TABLE: readonly MetricId[] = ['cdam-fidelity', 'box-sensitivity', 'class-discrimination', 'compactness'];
export const LIMA_TABLE: readonly MetricId[] = ['lima-insertion', 'lima-deletion'];

export type Cell = { mean: number | null; sd: number | null; n: number };
export type TableRow = { method: string; cells: Record<string, Cell> };

export function cell(values: (number | null)[]): Cell {
  const xs = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (!xs.length) return { mean: null, sd: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, sd, n: xs.length };
}

/** Rows per method, columns per metric; `results` holds each explained case's metrics for each method. */
export function metricTable(results: { method: string; metrics: ExplanationMetric[] }[], columns: readonly MetricId[]): TableRow[] {
  const methods = [...new Set(results.map((r) => r.method))];
  return methods.map((method) => {
    const mine = results.filter((r) => r.method === method).flatMap((r) => r.metrics);
    return { method, cells: Object.fromEntries(columns.map((c) => [c, cell(mine.filter((m) => m.metric === c).map((m) => m.value))])) };
  });
}

export function formatTable(title: string, rows: TableRow[], columns: readonly MetricId[]): string {
  const f = (c: Cell) => (c.mean === null ? '—' : `${c.mean.toFixed(3)} ± ${c.sd === null ? '—' : c.sd.toFixed(3)}`);
  const lines = [title, ['method', ...columns].join('\t')];
  for (const r of rows) lines.push([r.method, ...columns.map((c) => f(r.cells[c]))].join('\t'));
  return lines.join('\n');
}
