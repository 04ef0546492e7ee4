// The study's question answered: each question's conditions (stimulus-level questions, within a
// phase) or phases (case-level questions) compared pairwise on a figure of merit — the mean rating,
// and for truth-scored questions the share of right calls and the empirical ROC area — by the
// Obuchowski–Rockette method with Hillis' ddf, readers and cases both random (statistics/or-analysis.ts).
// The same machinery gives each single condition's interval (designEstimate).
import { isMethodId, methodLabel, targetKind } from '../../../app/methods';
import type { Question } from '../../../app/protocol';
import type { StudyContext } from '../study/study-rows';
import type { Comparison, ComparisonDifference, DesignEstimate, FigureOfMeritId } from '../../../app/results';
import { VerdictError } from '../../../app/errors';
import type { AnswerRecord } from '../export/answer-records';
import { caseKey } from '../export/agreement-items';
import { callOfRecord, isCorrect, numericAnswer, scaleOf, scoredTruth } from '../export/answer-values';
import { truthRuleWords } from './rules';
import { mrmcScore } from '../export/mrmc-files';
import { empiricalAucFom, meanFom, orAnalysis, type FigureOfMerit, type OrRow } from './statistics';

const PHASES = ['unaided', 'ai', 'ai-explanation'];

/** First reads of real trials only: sanity checks and repeats answer other questions. */
const counted = (r: AnswerRecord): boolean => !r.trial.sanity && r.trial.repeatOfPosition === null && r.trial.kind !== 'comparison';

/** A reader's row: keyed by the reader's row id (two readers may share a name). */
const row = (r: AnswerRecord, treatment: string, value: number, truth?: 0 | 1 | null): OrRow => ({
  treatment,
  reader: String(r.reader.id),
  caseId: caseKey(r),
  value,
  truth,
});

/** The single-condition interval of one group of readings (null when the design cannot give one). */
export function designEstimate(rows: readonly OrRow[], fom: FigureOfMerit, bounds: [number, number]): DesignEstimate | null {
  try {
    const a = orAnalysis(
      rows.map((x) => ({ ...x, treatment: 'one' })),
      fom,
      { bounds },
    );
    const s = a.single[0];
    return { estimate: s.estimate, se: s.se, df: s.df, ci: s.ci, readers: a.readers.length, cases: a.cases };
  } catch (e) {
    if (e instanceof VerdictError) return null;
    throw e;
  }
}

/** The later level first: "ai − unaided". */
const flip = (d: ComparisonDifference): ComparisonDifference => ({
  a: d.b,
  b: d.a,
  estimate: -d.estimate,
  se: d.se,
  df: d.df,
  t: -d.t,
  p: d.p,
  ci: d.ci ? [-d.ci[1], -d.ci[0]] : null,
});

type Spec = { fom: FigureOfMeritId; fomOf: FigureOfMerit; range: [number, number]; rule: string; rows: OrRow[]; note?: string };

function specs(q: Question, records: readonly AnswerRecord[], levelOf: (r: AnswerRecord) => string): Spec[] {
  const mine = records.filter((r) => r.question.id === q.id && counted(r));
  const out: Spec[] = [];
  const scale = scaleOf(q);
  if (scale) {
    const rows = mine.flatMap((r) => {
      const v = numericAnswer(q, r.value);
      return v === null ? [] : [row(r, levelOf(r), v)];
    });
    out.push({ fom: 'mean', fomOf: meanFom, range: [scale.min, scale.max], rule: 'mean rating over readers and cases', rows });
  }
  if (q.truth) {
    const accuracy = mine.flatMap((r) => {
      const c = isCorrect(r);
      return c === null ? [] : [row(r, levelOf(r), c ? 1 : 0)];
    });
    const leftOut = mine.filter((r) => callOfRecord(r) === 'left-out').length;
    out.push({
      fom: 'accuracy',
      fomOf: meanFom,
      range: [0, 1],
      rule: `share of right calls — ${truthRuleWords(q)}`,
      rows: accuracy,
      note: leftOut ? `${leftOut} read${leftOut === 1 ? '' : 's'} left out by the call rule (the middle answer)` : '',
    });
    const auc = mine.flatMap((r) => {
      const s = mrmcScore(q, r);
      const t = scoredTruth(r);
      return s === null || t === null ? [] : [row(r, levelOf(r), s, t)];
    });
    out.push({
      fom: 'auc',
      fomOf: empiricalAucFom,
      range: [0, 1],
      rule:
        q.truth === 'diagnosis'
          ? 'empirical ROC area of the malignant / benign call (one operating point: (sensitivity + specificity) / 2)'
          : 'empirical (trapezoidal) ROC area of the ratings themselves against the binary truth (every rating, the middle answer included: the call rule sets accuracy only)',
      rows: auc,
    });
  }
  return out;
}

function compare(
  q: Question,
  spec: Spec,
  factor: Comparison['factor'],
  phase: Comparison['phase'],
  levels: { id: string; label: string }[],
  readerName: Map<string, string>,
): Comparison {
  const present = levels.filter((l) => spec.rows.some((x) => x.treatment === l.id));
  const base = { questionId: q.id, prompt: q.prompt, factor, phase, fom: spec.fom, range: spec.range, rule: spec.rule };
  const empty = { readers: 0, cases: 0, readersLeftOut: [], levels: [], global: null, differences: [] };
  if (!present.length) return { ...base, ...empty, note: 'no answers yet' };
  try {
    const a = orAnalysis(spec.rows, spec.fomOf, { treatments: present.map((l) => l.id), bounds: spec.range });
    return {
      ...base,
      readers: a.readers.length,
      cases: a.cases,
      readersLeftOut: a.readersLeftOut.map((id) => readerName.get(id) ?? id),
      levels: a.single.map((s, i) => ({
        id: present[i].id,
        label: present[i].label,
        estimate: { estimate: s.estimate, se: s.se, df: s.df, ci: s.ci, readers: a.readers.length, cases: a.cases },
      })),
      global: a.global ? { f: a.global.f, df1: a.global.df1, df2: a.global.df2, p: a.global.p } : null,
      differences: a.differences.map(flip),
      note:
        [
          a.readersLeftOut.length
            ? `left out (no answer under every ${factor}): ${a.readersLeftOut.map((id) => readerName.get(id) ?? id).join(', ')}`
            : '',
          a.global && !(a.global.denominator > 0)
            ? 'no interval for the differences: every reader differs by the same amount and the cases add no variance (the OR denominator is 0) — too few readers or cases'
            : '',
          spec.note ?? '',
        ]
          .filter(Boolean)
          .join('; ') || null,
    };
  } catch (e) {
    if (!(e instanceof VerdictError)) throw e;
    return { ...base, ...empty, note: [e.message, spec.note].filter(Boolean).join('; ') };
  }
}

/**
 * Every question's comparisons: stimulus-level questions compare conditions within each phase
 * (listed first: the explanation methods), case-level questions compare phases (truth-scored first).
 */
export function comparisons(
  questions: readonly Question[],
  records: readonly AnswerRecord[],
  /** The protocol's conditions in its order, with their words. */
  conditionList: readonly { id: string; label: string }[],
  phaseLabel: (id: string) => string,
): Comparison[] {
  const readerName = new Map(records.map((r) => [String(r.reader.id), r.reader.name]));
  const out: Comparison[] = [];
  // The explanation methods compared first (stimulus-level questions), then the phases of the
  // truth-scored questions, then the other case questions.
  const rank = (q: Question) => (q.level === 'stimulus' ? 0 : q.truth ? 1 : 2);
  const ordered = [...questions].sort((a, b) => rank(a) - rank(b));
  for (const q of ordered) {
    if (q.level === 'case') {
      const phases = PHASES.filter((p) => records.some((r) => r.question.id === q.id && r.trial.phase === p && counted(r)));
      for (const spec of specs(q, records, (r) => r.trial.phase))
        out.push(
          compare(
            q,
            spec,
            'phase',
            null,
            phases.map((p) => ({ id: p, label: phaseLabel(p) })),
            readerName,
          ),
        );
    } else {
      for (const phase of PHASES) {
        const inPhase = records.filter((r) => r.trial.phase === phase && r.trial.conditionId !== null);
        const seen = new Set(inPhase.filter((r) => r.question.id === q.id && counted(r)).map((r) => r.trial.conditionId!));
        const conditions = conditionList.filter((c) => seen.has(c.id));
        if (!conditions.length) continue;
        for (const spec of specs(q, inPhase, (r) => r.trial.conditionId!))
          out.push(compare(q, spec, 'condition', phase as Comparison['phase'], conditions, readerName));
      }
    }
  }
  return out;
}

export const PHASE_WORDS: Record<string, string> = { unaided: 'Unaided', ai: 'AI', 'ai-explanation': 'AI + explanation' };

/** A condition in words: "CDAM / MEL", "Attention" (a map of no target), the condition id and method when the method is unknown. */
export function conditionLabel(c: { id: string; method: string; target: string }): string {
  if (!isMethodId(c.method)) return `${c.id} (${c.method})`;
  const method = methodLabel(c.method);
  return targetKind(c.method) === 'none' || !c.target ? method : `${method} / ${c.target}`;
}

/** The study's comparisons, conditions and phases in words. */
export const studyComparisons = (ctx: StudyContext, records: readonly AnswerRecord[]): Comparison[] =>
  comparisons(
    ctx.protocol.questions,
    records,
    ctx.protocol.conditions.map((c) => ({ id: c.id, label: conditionLabel(c) })),
    (p) => PHASE_WORDS[p] ?? p,
  );
