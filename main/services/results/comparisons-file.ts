// The comparisons as a CSV a statistician can check against MRMCaov or RJafroc: per question and
// figure of merit, one row per level (its single-condition interval), one per pairwise difference
// (the later level first) and one for the global F test; the scoring rule on every row. Every
// number column holds numbers only (blank where undefined), so R's read.csv reads them as numeric.
import type { Comparison } from '../../../app/results';
import { toCsv, type Cell } from '../export/csv-cells';

export const COMPARISON_COLUMNS = [
  'question_id',
  'figure_of_merit',
  'compared',
  'phase',
  'row',
  'level',
  'versus',
  'estimate',
  'se',
  'df',
  'ci_lower',
  'ci_upper',
  'statistic',
  'df1',
  'p',
  'readers',
  'cases',
  'rule',
  'note',
] as const;

const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

export function comparisonsCsv(comparisons: readonly Comparison[]): string {
  const rows: Cell[][] = [];
  for (const c of comparisons) {
    const head = [c.questionId, c.fom, c.factor, c.phase];
    const tail = [c.readers, c.cases, c.rule, c.note];
    if (!c.levels.length) rows.push([...head, 'none', null, null, null, null, null, null, null, null, null, null, ...tail]);
    for (const l of c.levels) {
      const e = l.estimate;
      rows.push([
        ...head,
        'level',
        l.id,
        null,
        e.estimate,
        finite(e.se),
        finite(e.df),
        e.ci?.[0] ?? null,
        e.ci?.[1] ?? null,
        null,
        null,
        null,
        ...tail,
      ]);
    }
    for (const d of c.differences)
      rows.push([
        ...head,
        'difference',
        d.a,
        d.b,
        d.estimate,
        finite(d.se),
        finite(d.df),
        d.ci?.[0] ?? null,
        d.ci?.[1] ?? null,
        finite(d.t),
        null,
        finite(d.p),
        ...tail,
      ]);
    if (c.global)
      rows.push([
        ...head,
        'global-F',
        null,
        null,
        null,
        null,
        finite(c.global.df2),
        null,
        null,
        finite(c.global.f),
        c.global.df1,
        finite(c.global.p),
        ...tail,
      ]);
  }
  return toCsv(COMPARISON_COLUMNS, rows);
}
