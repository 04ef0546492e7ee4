// Agreement-ready files: wide reader matrices (an item per row, a reader per column, numeric
// codes) for Fleiss' and weighted kappa — e.g. R irr::kappam.fleiss / kappa2 on one question's rows — and long
// targets/raters/ratings for ICC (e.g. R psych::ICC after reshaping, or pingouin.intraclass_corr).
import type { AnswerRecord } from './answer-records';
import { agreementTables } from './agreement-items';
import { toCsv, type Cell } from './csv-cells';
import { answerCode, readerColumn, studyKey } from './study-key';
import type { StudyContext } from '../study/study-rows';

/**
 * One file for every question: a column per reader, named R and the reader's study-key id (a
 * name R's read.csv keeps as it is, check.names or not; "Dr O'Brien" became "Dr.O.Brien"), and
 * every cell a number, so each reader column reads as numeric: Likert and number answers as given,
 * yes = 1 / no = 0, a single choice as its option's rank and a forced choice as the chosen
 * condition's place in the protocol (the key file lists both codes). Blank where a reader gave no
 * answer (read.csv reads a blank in a numeric column as NA).
 */
export function kappaFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string): string {
  const key = studyKey(records);
  const byName = new Map(records.map((r) => [r.reader.name, key.readers.get(r.reader.id)!]));
  const tables = agreementTables(records).filter((t) => !questionId || t.questionId === questionId);
  const readers = [...new Set(tables.flatMap((t) => t.readers.map((name) => byName.get(name)!)))].sort((a, b) => a - b);
  const rows: Cell[][] = tables.flatMap((t) => {
    const q = ctx.protocol.questions.find((x) => x.id === t.questionId)!;
    const column = t.readers.map((name) => byName.get(name)!);
    return t.items.map((it, i) => [
      t.questionId,
      it.phase,
      it.conditionId,
      it.caseId,
      ...readers.map((id) => {
        const v = t.values[i][column.indexOf(id)];
        return v === null || v === undefined ? null : answerCode(ctx, q, v);
      }),
    ]);
  });
  return toCsv(['question_id', 'phase', 'condition_id', 'case_id', ...readers.map(readerColumn)], rows);
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
