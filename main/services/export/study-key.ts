// The ids the MRMC and agreement files use instead of names: readers 1…n in study order and cases
// 1…K in case order, numbered over the whole study (so one key serves every question's files),
// and the integer codes of categorical answers in the kappa file. RJafroc's iMRMC reader takes
// only integer reader and case ids (R/DfReadIowaFormats.R, ReadImrmc: as.integer(readerID),
// "Case IDs must be integers"), iMRMC takes any; so integers, with the key file mapping them back.
import type { Question } from '../../../app/protocol';
import type { StudyContext } from '../study/study-rows';
import type { AnswerRecord } from './answer-records';
import { caseKey } from './agreement-items';
import { scoredTruth } from './answer-values';
import { toCsv, type Cell } from './csv-cells';

export type StudyKey = {
  /** Reader row id → 1…n (study order). */
  readers: Map<number, number>;
  readerNames: Map<number, string>;
  /** caseKey → 1…K (case order, then nodule). */
  cases: Map<string, number>;
};

export function studyKey(records: readonly AnswerRecord[]): StudyKey {
  const readers = new Map<number, { index: number; name: string }>();
  const cases = new Map<string, number>();
  for (const r of records) {
    readers.set(r.reader.id, { index: r.reader.index, name: r.reader.name });
    if (!cases.has(caseKey(r))) cases.set(caseKey(r), r.case.caseIndex);
  }
  const readerOrder = [...readers].sort((a, b) => a[1].index - b[1].index || a[0] - b[0]);
  const caseOrder = [...cases].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    readers: new Map(readerOrder.map(([id], i) => [id, i + 1])),
    readerNames: new Map(readerOrder.map(([, r], i) => [i + 1, r.name])),
    cases: new Map(caseOrder.map(([k], i) => [k, i + 1])),
  };
}

/** A reader's column in the kappa file: R and the reader's key id (a valid R name, unchanged by check.names). */
export const readerColumn = (id: number): string => `R${id}`;

/**
 * A categorical answer as the integer the kappa file writes: a single choice as its option's rank
 * (1…n in protocol order), a forced choice as the chosen condition's place among the protocol's
 * conditions (1…m). Numbers (Likert, number, yes = 1 / no = 0) stay as they are.
 */
export function answerCode(ctx: StudyContext, q: Question, v: number | string): number | null {
  if (typeof v === 'number') return v;
  if (q.type === 'single-choice') {
    const k = q.options.findIndex((o) => o.value === v);
    return k < 0 ? null : k + 1;
  }
  if (q.type === 'forced-choice') {
    const k = ctx.protocol.conditions.findIndex((c) => c.id === v);
    return k < 0 ? null : k + 1;
  }
  return null;
}

/**
 * The key file: each reader id with the reader's name, each case id with its label and (for the
 * question named, or every truth-scored question) its binary truth, and each code of a categorical
 * question's answers with the label it stands for.
 */
export function keyFile(ctx: StudyContext, records: readonly AnswerRecord[], questionId?: string): string {
  const key = studyKey(records);
  const rows: Cell[][] = [...key.readerNames].map(([id, name]) => ['reader', id, null, name, null]);
  const truthQuestions = ctx.protocol.questions.filter((q) => q.truth && q.level === 'case' && (!questionId || q.id === questionId));
  const truthOf = new Map<string, 0 | 1 | null>();
  for (const r of records) {
    for (const q of truthQuestions)
      if (r.question.id === q.id && !truthOf.has(`${q.id}|${caseKey(r)}`)) truthOf.set(`${q.id}|${caseKey(r)}`, scoredTruth(r));
  }
  for (const [label, id] of key.cases) {
    if (!truthQuestions.length) rows.push(['case', id, null, label, null]);
    for (const q of truthQuestions) rows.push(['case', id, q.id, label, truthOf.get(`${q.id}|${label}`) ?? null]);
  }
  for (const q of ctx.protocol.questions) {
    if (questionId && q.id !== questionId) continue;
    if (q.type === 'single-choice') q.options.forEach((o, i) => rows.push(['code', i + 1, q.id, o.label, null]));
    if (q.type === 'forced-choice') ctx.protocol.conditions.forEach((c, i) => rows.push(['code', i + 1, q.id, c.id, null]));
  }
  return toCsv(['kind', 'id', 'question_id', 'label', 'truth'], rows);
}
