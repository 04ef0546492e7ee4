// Readers' answers regrouped for agreement: an item is one thing every reader judged — a case in
// a phase (case-level questions) or a case's explanation under one condition (stimulus-level) —
// and holds each reader's answer. Sanity-check and repeat trials are left out (repeats feed
// intra-reader agreement instead); so are answers agreement cannot compare (free text, marks).
import type { AnswerRecord } from './answer-records';
import { agreementValue, hasAgreement } from './answer-values';

export type AgreementItem = { questionId: string; phase: string; conditionId: string | null; caseId: string; key: string };
export type AgreementTable = {
  questionId: string;
  readers: string[];
  items: AgreementItem[];
  /** items × readers; null where that reader has no answer. */
  values: (number | string | null)[][];
};

export const caseKey = (r: AnswerRecord): string => (r.case.nodule ? `${r.case.label}/${r.case.nodule}` : r.case.label);

/** The item an answer belongs to; for a comparison, the ordered pair of conditions (A and B are shown in either order). */
function itemOf(r: AnswerRecord): AgreementItem {
  const conditionId = r.trial.kind === 'comparison' ? [r.trial.conditionId, r.trial.conditionBId].sort().join(' vs ') : r.trial.conditionId;
  const caseId = caseKey(r);
  return { questionId: r.question.id, phase: r.trial.phase, conditionId, caseId, key: `${r.trial.phase}|${conditionId ?? ''}|${caseId}` };
}

/** One table per question agreement applies to, readers in study order, items in first-answered order. */
export function agreementTables(records: readonly AnswerRecord[]): AgreementTable[] {
  const byQuestion = new Map<
    string,
    { readers: Map<string, number>; items: Map<string, AgreementItem>; cells: Map<string, Map<string, number | string>> }
  >();
  for (const r of records) {
    if (!hasAgreement(r.question) || r.trial.sanity || r.trial.repeatOfPosition !== null) continue;
    const v = agreementValue(r);
    if (v === null) continue;
    let t = byQuestion.get(r.question.id);
    if (!t) byQuestion.set(r.question.id, (t = { readers: new Map(), items: new Map(), cells: new Map() }));
    t.readers.set(r.reader.name, r.reader.index);
    const item = itemOf(r);
    if (!t.items.has(item.key)) t.items.set(item.key, item);
    let row = t.cells.get(item.key);
    if (!row) t.cells.set(item.key, (row = new Map()));
    row.set(r.reader.name, v);
  }
  return [...byQuestion].map(([questionId, t]) => {
    const readers = [...t.readers].sort((a, b) => a[1] - b[1]).map(([name]) => name);
    const items = [...t.items.values()];
    return { questionId, readers, items, values: items.map((it) => readers.map((name) => t.cells.get(it.key)!.get(name) ?? null)) };
  });
}

/** Pairs of a reader's first read and repeat read of the same stimulus, per question. */
export function repeatPairs(
  records: readonly AnswerRecord[],
): { questionId: string; reader: string; first: number | string; repeat: number | string }[] {
  const byTrial = new Map<string, AnswerRecord>();
  for (const r of records) byTrial.set(`${r.reader.id}|${r.trial.position}|${r.question.id}`, r);
  const out = [];
  for (const r of records) {
    if (r.trial.repeatOfPosition === null || !hasAgreement(r.question)) continue;
    const first = byTrial.get(`${r.reader.id}|${r.trial.repeatOfPosition}|${r.question.id}`);
    const a = first ? agreementValue(first) : null;
    const b = agreementValue(r);
    if (a !== null && b !== null) out.push({ questionId: r.question.id, reader: r.reader.name, first: a, repeat: b });
  }
  return out;
}
