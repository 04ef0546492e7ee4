// The results dashboard's numbers, from the same answer records the exports use: mean ratings
// with 95% intervals per question × phase × condition (sanity-check trials apart), inter-reader
// agreement (Fleiss' kappa, quadratic-weighted kappa, ICC(2,1)/(2,k)), intra-reader agreement on
// repeats, readers' accuracy against the truth per phase, and time per trial.
import type { Database } from 'better-sqlite3';
import type { Question } from '../../../app/protocol';
import type {
  AccuracySummary,
  AgreementLevel,
  AgreementStats,
  AgreementSummary,
  IntraReaderSummary,
  MeanEstimate,
  ProportionEstimate,
  RatingGroup,
  RatingSummary,
  StudyResults,
  TimingSummary,
} from '../../../app/results';
import { studyRecords, type AnswerRecord } from '../export/answer-records';
import { agreementTables, caseKey, repeatPairs, type AgreementTable } from '../export/agreement-items';
import { conditionLabel, designEstimate, PHASE_WORDS, studyComparisons } from './comparisons';
import { rules } from './rules';
import { callOfRecord, isCorrect, numericAnswer, scaleOf } from '../export/answer-values';
import { truthRuleWords } from './rules';
import {
  completeRows,
  countsFromRatings,
  fleissKappa,
  icc2,
  meanCI,
  meanFom,
  meanPairwiseWeightedKappa,
  proportionCI,
  weightedKappa,
} from './statistics';

export class ResultsService {
  readonly #db: Database;
  readonly #now: () => Date;

  constructor(db: Database, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  of(studyId: number): StudyResults {
    const { ctx, records } = this.#db.transaction(() => studyRecords(this.#db, studyId)).deferred();
    const questions = ctx.protocol.questions;
    const conditions = new Map(ctx.protocol.conditions.map((c) => [c.id, c]));
    return {
      studyId,
      name: ctx.study.name,
      protocol: { id: ctx.protocolRow.protocol_id, version: ctx.protocolRow.version },
      computedAt: this.#now().toISOString(),
      readers: [...new Map(records.map((r) => [r.reader.index, r.reader.name]))].sort((a, b) => a[0] - b[0]).map(([, n]) => n),
      answers: records.length,
      ratings: ratingSummaries(questions, records, conditions),
      agreement: agreementTables(records).map((t) =>
        agreementOf(
          questions.find((q) => q.id === t.questionId)!,
          t,
          (phase, conditionId) => {
            const c = conditionId ? conditions.get(conditionId) : undefined;
            const words = PHASE_WORDS[phase] ?? phase;
            return conditionId ? `${words} · ${c ? conditionLabel(c) : conditionId}` : words;
          },
        ),
      ),
      intraReader: intraReader(questions, records),
      accuracy: accuracySummaries(records),
      timing: timing(records),
      comparisons: studyComparisons(ctx, records),
      rules: rules(questions),
    };
  }
}

const estimate = (values: number[]): MeanEstimate => {
  const m = meanCI(values);
  return { n: m.n, mean: m.mean ?? NaN, sd: m.sd, ci: m.ci };
};

const proportion = (successes: number, n: number): ProportionEstimate => {
  const p = proportionCI(successes, n);
  return { n, successes, proportion: p.proportion ?? NaN, ci: p.ci };
};

/** Groups a list by a key, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Likert, number and yes/no answers, first reads only (repeats are for intra-reader agreement). */
function ratingSummaries(
  questions: readonly Question[],
  records: readonly AnswerRecord[],
  conditions: Map<string, { method: string; target: string }>,
): RatingSummary[] {
  const out: RatingSummary[] = [];
  for (const q of questions) {
    const scale = scaleOf(q);
    if (!scale) continue;
    const rated = records.filter(
      (r) =>
        r.question.id === q.id && r.trial.kind !== 'comparison' && r.trial.repeatOfPosition === null && numericAnswer(q, r.value) !== null,
    );
    if (!rated.length) continue;
    const groups = groupBy(rated, (r) => `${r.trial.phase}|${r.trial.conditionId ?? ''}|${r.trial.sanity}`);
    out.push({
      questionId: q.id,
      prompt: q.prompt,
      level: q.level,
      scale,
      groups: [...groups.values()].map((rs): RatingGroup => {
        const values = rs.map((r) => numericAnswer(q, r.value)!);
        const c = rs[0].trial.conditionId ? conditions.get(rs[0].trial.conditionId) : undefined;
        return {
          phase: rs[0].trial.phase,
          conditionId: rs[0].trial.conditionId,
          method: c?.method ?? null,
          target: c?.target ?? null,
          sanity: rs[0].trial.sanity,
          estimate: estimate(values),
          design: designEstimate(
            rs.map((r, i) => ({ treatment: '', reader: String(r.reader.id), caseId: caseKey(r), value: values[i] })),
            meanFom,
            [scale.min, scale.max],
          ),
          distribution: distribution(q, values),
        };
      }),
    });
  }
  return out;
}

/** Counts per scale point for Likert and yes/no; per distinct value for numbers. */
function distribution(q: Question, values: number[]): { value: number; count: number }[] {
  const points = q.type === 'likert' ? range(q.min, q.max) : q.type === 'yes-no' ? [0, 1] : [...new Set(values)].sort((a, b) => a - b);
  return points.map((value) => ({ value, count: values.filter((v) => v === value).length }));
}

const range = (min: number, max: number): number[] => Array.from({ length: max - min + 1 }, (_, i) => min + i);

/**
 * A question's agreement: pooled over its items, and per phase × condition where there are
 * several — pooled, the same case read in three phases counts as three targets and a difference
 * between conditions as target variance, so agreement between conditions is read per level.
 */
function agreementOf(q: Question, t: AgreementTable, levelLabel: (phase: string, conditionId: string | null) => string): AgreementSummary {
  const levels = groupBy(
    t.items.map((it, i) => ({ it, i })),
    (x) => `${x.it.phase}|${x.it.conditionId ?? ''}`,
  );
  const pooled = agreementStats(q, t);
  return {
    questionId: q.id,
    prompt: q.prompt,
    type: q.type,
    ...pooled,
    note:
      levels.size > 1
        ? [`pooled over ${levels.size} phase × condition levels (see each below)`, pooled.note].filter(Boolean).join('; ')
        : pooled.note,
    levels:
      levels.size > 1
        ? [...levels.values()].map((xs): AgreementLevel => {
            const values = xs.map((x) => t.values[x.i]);
            const keep = t.readers.map((_, j) => values.some((row) => row[j] !== null));
            const sub: AgreementTable = {
              questionId: t.questionId,
              readers: t.readers.filter((_, j) => keep[j]),
              items: xs.map((x) => x.it),
              values: values.map((row) => row.filter((_, j) => keep[j])),
            };
            const { phase, conditionId } = xs[0].it;
            return {
              phase: phase as AgreementLevel['phase'],
              conditionId,
              label: levelLabel(phase, conditionId),
              ...agreementStats(q, sub),
            };
          })
        : [],
  };
}

function agreementStats(q: Question, t: AgreementTable): AgreementStats {
  const base = { items: t.items.length, readers: t.readers.length };
  if (t.readers.length < 2)
    return { ...base, fleissKappa: null, weightedKappa: null, icc: null, note: 'agreement needs at least two readers' };
  const notes: string[] = [];
  const { counts, droppedSubjects } = countsFromRatings(t.values);
  // Fleiss' kappa counts exact agreement on categories: for numbers (a diameter) it means nothing.
  const fleiss = counts.length && q.type !== 'number' ? fleissKappa(counts) : null;
  if (droppedSubjects.length)
    notes.push(`${droppedSubjects.length} item(s) not answered by every reader left out of Fleiss' kappa and the ICC`);
  let weighted: AgreementStats['weightedKappa'] = null;
  if (q.type === 'likert') {
    const k = meanPairwiseWeightedKappa(t.values as (number | null)[][], range(q.min, q.max), 'quadratic');
    weighted = k.kappa === null ? null : { kappa: k.kappa, pairs: k.pairs.filter((p) => p.kappa !== null).length };
  }
  let icc: AgreementStats['icc'] = null;
  if (q.type === 'likert' || q.type === 'number') {
    const { rows } = completeRows(t.values as (number | null)[][]);
    // ICC(2,·) separates targets, raters and error: it needs two targets at least and some spread.
    if (rows.length >= 2) {
      const r = icc2(rows);
      icc = Number.isFinite(r.single.value) ? { single: r.single, average: r.average, items: rows.length } : null;
    }
    if (!icc) notes.push('ICC undefined here (too few complete items or no variation)');
  }
  return {
    ...base,
    fleissKappa: fleiss && fleiss.kappa !== null ? { kappa: fleiss.kappa, items: fleiss.subjects } : null,
    weightedKappa: weighted,
    icc,
    note: notes.join('; ') || null,
  };
}

/** Each reader's first read against their repeat of the same stimulus. */
function intraReader(questions: readonly Question[], records: readonly AnswerRecord[]): IntraReaderSummary[] {
  const pairs = groupBy(repeatPairs(records), (p) => `${p.questionId}|${p.reader}`);
  return [...pairs.values()].map((ps) => {
    const q = questions.find((x) => x.id === ps[0].questionId)!;
    const exact = ps.filter((p) => p.first === p.repeat).length / ps.length;
    const k =
      q.type === 'likert'
        ? weightedKappa(
            ps.map((p) => p.first as number),
            ps.map((p) => p.repeat as number),
            range(q.min, q.max),
            'quadratic',
          ).kappa
        : null;
    return { questionId: q.id, reader: ps[0].reader, pairs: ps.length, exactAgreement: exact, weightedKappa: k };
  });
}

/** Truth-scored case questions: right or wrong per reader and phase (first reads, no sanity trials). */
export function accuracySummaries(records: readonly AnswerRecord[]): AccuracySummary[] {
  const firstReads = records.filter((r) => !r.trial.sanity && r.trial.repeatOfPosition === null);
  // Reads the call rule leaves out (the middle answer, app/call-rule.ts): counted, not scored.
  const leftOut = new Map<string, number>();
  const add = (k: string) => leftOut.set(k, (leftOut.get(k) ?? 0) + 1);
  for (const r of firstReads)
    if (callOfRecord(r) === 'left-out') {
      add(`${r.question.id}|${r.trial.phase}`);
      add(`${r.question.id}|${r.trial.phase}|${r.reader.name}`);
    }
  const leftOutOf = (questionId: string, phase: string, reader: string | null): number =>
    leftOut.get(reader === null ? `${questionId}|${phase}` : `${questionId}|${phase}|${reader}`) ?? 0;
  const scored = firstReads.flatMap((r) => {
    const c = isCorrect(r);
    return c === null ? [] : [{ r, correct: c }];
  });
  const out: AccuracySummary[] = [];
  for (const group of groupBy(scored, (s) => `${s.r.question.id}|${s.r.trial.phase}`).values()) {
    const { r } = group[0];
    const rule = truthRuleWords(r.question);
    const all = (g: typeof group) => proportion(g.filter((s) => s.correct).length, g.length);
    const design = designEstimate(
      group.map((s) => ({ treatment: '', reader: String(s.r.reader.id), caseId: caseKey(s.r), value: s.correct ? 1 : 0 })),
      meanFom,
      [0, 1],
    );
    const at = { questionId: r.question.id, phase: r.trial.phase };
    out.push({ ...at, reader: null, estimate: all(group), design, leftOut: leftOutOf(at.questionId, at.phase, null), rule });
    for (const g of groupBy(group, (s) => s.r.reader.name).values()) {
      const reader = g[0].r.reader.name;
      out.push({ ...at, reader, estimate: all(g), design: null, leftOut: leftOutOf(at.questionId, at.phase, reader), rule });
    }
  }
  return out;
}

/** Time on each trial (its latest answer's time on trial), per phase and trial kind: all readers, then each. */
function timing(records: readonly AnswerRecord[]): TimingSummary[] {
  const perTrial = new Map<number, AnswerRecord>();
  for (const r of records) {
    const seen = perTrial.get(r.trial.id);
    if (!seen || r.timeOnTrialMs > seen.timeOnTrialMs) perTrial.set(r.trial.id, r);
  }
  const trials = [...perTrial.values()];
  const summary = (rs: AnswerRecord[], reader: string | null): TimingSummary => {
    const ms = rs.map((r) => r.timeOnTrialMs).sort((a, b) => a - b);
    const mid = ms.length >> 1;
    return {
      phase: rs[0].trial.phase,
      kind: rs[0].trial.kind,
      reader,
      trials: ms.length,
      medianMs: ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2,
      estimate: estimate(ms),
    };
  };
  return [
    ...[...groupBy(trials, (r) => `${r.trial.phase}|${r.trial.kind}`).values()].map((rs) => summary(rs, null)),
    ...[...groupBy(trials, (r) => `${r.reader.name}|${r.trial.phase}|${r.trial.kind}`).values()].map((rs) =>
      summary(rs, rs[0].reader.name),
    ),
  ];
}
