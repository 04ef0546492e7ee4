// Agreement-ready files: wide reader matrices (an item per row, a reader per column) for Fleiss'
// and weighted kappa — e.g. R irr::kappam.fleiss / kappa2 on one question's rows — and long
// targets/raters/ratings for ICC (e.g. R psych::ICC after reshaping, or pingouin.intraclass_corr).
import type { AnswerRecord } from './answer-records';
import { agreementTables } from './agreement-items';
import { toCsv, type Cell } from './csv-cells';

/** One file for every question: the reader columns are the union of readers; blank where a reader gave no answer. */
export function kappaFile(records: readonly AnswerRecord[], questionId?: string): string {
  const tables = agreementTables(records).filter((t) => !questionId || t.questionId === questionId);
  const readers = [...new Set(tables.flatMap((t) => t.readers))];
  const rows: Cell[][] = tables.flatMap((t) =>
    t.items.map((it, i) => [
      t.questionId,
      it.phase,
      it.conditionId,
      it.caseId,
      ...readers.map((name) => t.values[i][t.readers.indexOf(name)] ?? null),
    ]),
  );
  return toCsv(['question_id', 'phase', 'condition_id', 'case_id', ...readers], rows);
}

/** Numeric ratings only (Likert, number, yes/no): ICC needs an interval scale. */
export function iccFile(records: readonly AnswerRecord[], questionId?: string): string {
  const rows: Cell[][] = [];
  for (const t of agreementTables(records)) {
    if (questionId && t.questionId !== questionId) continue;
    t.items.forEach((it, i) =>
      t.readers.forEach((rater, j) => {
        const v = t.values[i][j];
        if (typeof v === 'number') rows.push([t.questionId, it.phase, it.conditionId, it.key, rater, v]);
      }),
    );
  }
  return toCsv(['question_id', 'phase', 'condition_id', 'target', 'rater', 'rating'], rows);
}
