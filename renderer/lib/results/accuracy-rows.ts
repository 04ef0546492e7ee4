// Reader accuracy against the truth as plot and table rows: per truth-scored question, one row
// per phase and reader, all readers first: all readers with the readers-and-cases (OR) 95% interval,
// each reader with the Wilson interval over that reader's cases.
import type { AccuracySummary } from '../../../app/results';
import { PHASE_LABELS, phaseRank, readerName } from './labels';

export type AccuracyRow = {
  phase: string;
  reader: string;
  all: boolean;
  n: number;
  successes: number;
  proportion: number;
  lo: number | null;
  hi: number | null;
  /** All readers: the interval has readers and cases random (OR); one reader's row: Wilson over that reader's cases. */
  design: boolean;
  /** Reads the call rule leaves out (the middle answer): not in n. */
  leftOut: number;
};

/** `rule`: the truth and the call in words (app/call-rule.ts); `leftOut`: whether any read was left out by it. */
export type AccuracyQuestion = {
  questionId: string;
  rows: AccuracyRow[];
  readers: string[];
  phases: string[];
  rule: string;
  leftOut: boolean;
};

export function accuracyByQuestion(accuracy: readonly AccuracySummary[]): AccuracyQuestion[] {
  const byQuestion = new Map<string, AccuracySummary[]>();
  for (const a of accuracy) byQuestion.set(a.questionId, [...(byQuestion.get(a.questionId) ?? []), a]);
  return [...byQuestion].map(([questionId, list]) => {
    const readerOrder = [...new Set(list.map((a) => a.reader).filter((r): r is string => r !== null))];
    const rank = (r: string | null) => (r === null ? -1 : readerOrder.indexOf(r));
    const sorted = [...list].sort((a, b) => rank(a.reader) - rank(b.reader) || phaseRank(a.phase) - phaseRank(b.phase));
    const rows = sorted.map((a) => ({
      phase: PHASE_LABELS[a.phase] ?? a.phase,
      reader: readerName(a.reader),
      all: a.reader === null,
      n: a.estimate.n,
      successes: a.estimate.successes,
      proportion: a.estimate.proportion,
      lo: (a.design?.ci ?? a.estimate.ci)?.[0] ?? null,
      hi: (a.design?.ci ?? a.estimate.ci)?.[1] ?? null,
      design: !!a.design?.ci,
      leftOut: a.leftOut,
    }));
    return {
      questionId,
      rows,
      readers: [...new Set(rows.map((r) => r.reader))],
      phases: [...new Set(rows.map((r) => r.phase))],
      rule: list[0].rule,
      leftOut: rows.some((r) => r.leftOut > 0),
    };
  });
}
