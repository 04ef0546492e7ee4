// The dashboard's numbers for a whole study read by three readers, checked against the database
// and the exported files by a second path (SQL and the CSV files, not the answer records).
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyResults } from '../../../app/results';
import type { TestVerdict } from '../../../tests/support/study-fixture';
import { readWholeStudy, READERS } from '../export/read-study-fixture';
import { countsFromRatings, empiricalAucFom, fleissKappa, icc2, meanCI, orAnalysis } from './statistics';
import { callRuleWords, type CallOption } from '../../../app/call-rule';
import { studyRecords } from '../export/answer-records';
import { longCsv } from '../export/long-csv';
import { accuracySummaries } from './results-service';
import { studyComparisons } from './comparisons';

let v: TestVerdict;
let studyId: number;
let results: StudyResults;

beforeAll(async () => {
  ({ v, studyId } = await readWholeStudy());
  results = v.results.of(studyId);
}, 240_000);
afterAll(() => v.close());

type Row = {
  value_json: string;
  phase: string;
  condition_id: string | null;
  sanity: number;
  repeat_of: number | null;
  kind: string;
  reader: string;
  diagnosis: string | null;
  time_on_trial_ms: number;
  trial_id: number;
};
const latest = (questionId: string): Row[] =>
  v.study.db
    .prepare(
      `SELECT a.value_json, t.phase, t.condition_id, t.sanity, t.repeat_of, t.kind, r.name AS reader, d.diagnosis, a.time_on_trial_ms, t.id AS trial_id
    FROM answer a JOIN trial t ON t.id = a.trial_id JOIN assignment s ON s.id = t.assignment_id JOIN reader r ON r.id = s.reader_id LEFT JOIN dermo_truth d ON d.case_id = t.case_id
    WHERE s.study_id = ? AND a.question_id = ? AND NOT EXISTS (SELECT 1 FROM answer b WHERE b.supersedes = a.id)`,
    )
    .all(studyId, questionId) as Row[];

describe('study results', () => {
  it('mean ratings per condition, first reads apart from sanity-check reads, with distributions', () => {
    const loc = results.ratings.find((r) => r.questionId === 'localisation')!;
    expect(loc.scale).toEqual({ min: 1, max: 5 });
    const real = loc.groups.filter((g) => !g.sanity);
    expect(real.map((g) => g.conditionId).sort()).toEqual(['attention', 'cdam-mel', 'smooth-mel']);
    for (const g of real) {
      const values = latest('localisation')
        .filter((r) => r.condition_id === g.conditionId && r.sanity === 0 && r.repeat_of === null && r.kind === 'stimulus')
        .map((r) => JSON.parse(r.value_json) as number);
      expect(g.estimate.n).toBe(values.length);
      expect(g.estimate.mean).toBeCloseTo(values.reduce((s, x) => s + x, 0) / values.length, 12);
      expect(g.distribution.map((d) => d.count).reduce((s, c) => s + c, 0)).toBe(values.length);
      expect(g.distribution.map((d) => d.value)).toEqual([1, 2, 3, 4, 5]);
      expect(g.estimate.ci![0]).toBeLessThan(g.estimate.mean);
      expect(g.estimate.ci![1]).toBeGreaterThan(g.estimate.mean);
    }
    const sanity = loc.groups.filter((g) => g.sanity);
    expect(sanity.reduce((s, g) => s + g.estimate.n, 0)).toBe(latest('localisation').filter((r) => r.sanity === 1).length);
    expect(results.ratings.find((r) => r.questionId === 'malignancy')!.groups.map((g) => g.phase)).toEqual([
      'unaided',
      'ai',
      'ai-explanation',
    ]);
  });

  it("inter-reader agreement equals Fleiss' kappa of the exported wide matrix", () => {
    const rows = parse(v.exports.build(studyId, 'kappa', 'localisation').content, { columns: true }) as Record<string, string>[];
    const matrix = rows.map((r) => ['R1', 'R2', 'R3'].map((id) => (r[id] === '' ? null : Number(r[id]))));
    const expected = fleissKappa(countsFromRatings(matrix).counts).kappa!;
    const loc = results.agreement.find((a) => a.questionId === 'localisation')!;
    expect(loc.readers).toBe(3);
    expect(loc.items).toBe(rows.length);
    expect(loc.fleissKappa!.kappa).toBeCloseTo(expected, 12);
    expect(loc.weightedKappa!.pairs).toBe(3);
    expect(loc.icc).not.toBeNull();
    expect(loc.icc!.single.value).toBeLessThanOrEqual(1);
    const pref = results.agreement.find((a) => a.questionId === 'preference')!;
    expect(pref.fleissKappa).not.toBeNull();
    expect(pref.weightedKappa).toBeNull();
    expect(pref.icc).toBeNull();
  });

  it('intra-reader agreement pairs each repeat with its first read', () => {
    const intra = results.intraReader.filter((r) => r.questionId === 'localisation');
    expect(intra.map((r) => r.reader).sort()).toEqual([...READERS].sort());
    for (const r of intra) {
      expect(r.pairs).toBe(2);
      expect(r.exactAgreement).toBeGreaterThanOrEqual(0);
      expect(r.exactAgreement).toBeLessThanOrEqual(1);
    }
  });

  it("readers' accuracy against the truth per phase, all readers and each", () => {
    for (const phase of ['unaided', 'ai', 'ai-explanation']) {
      const rows = latest('diagnosis').filter((r) => r.phase === phase && r.diagnosis !== null);
      const right = rows.filter((r) => JSON.parse(r.value_json) === r.diagnosis).length;
      const all = results.accuracy.find((a) => a.questionId === 'diagnosis' && a.phase === phase && a.reader === null)!;
      expect(all.estimate).toMatchObject({ n: rows.length, successes: right });
      expect(results.accuracy.filter((a) => a.questionId === 'diagnosis' && a.phase === phase && a.reader !== null)).toHaveLength(3);
    }
    expect(results.accuracy.some((a) => a.questionId === 'malignancy')).toBe(true);
  });

  it('time per trial per phase and kind', () => {
    const stim = results.timing.find((t) => t.phase === 'ai-explanation' && t.kind === 'stimulus' && t.reader === null)!;
    const each = results.timing.filter((t) => t.phase === 'ai-explanation' && t.kind === 'stimulus' && t.reader !== null);
    expect(each.map((t) => t.reader).sort()).toEqual([...READERS].sort());
    expect(each.reduce((s, t) => s + t.trials, 0)).toBe(stim.trials);
    const perTrial = new Map<number, number>();
    for (const q of ['localisation', 'change', 'evidence'])
      for (const r of latest(q))
        if (r.kind === 'stimulus' && r.phase === 'ai-explanation')
          perTrial.set(r.trial_id, Math.max(perTrial.get(r.trial_id) ?? 0, r.time_on_trial_ms));
    expect(stim.trials).toBe(perTrial.size);
    expect(stim.estimate.mean).toBeCloseTo(meanCI([...perTrial.values()]).mean!, 9);
  });

  it('compares conditions: each reader × condition mean from SQL, the difference of their averages, the later condition first', () => {
    const rows = latest('localisation').filter((r) => r.sanity === 0 && r.repeat_of === null && r.kind === 'stimulus');
    const c = results.comparisons.find((x) => x.questionId === 'localisation' && x.fom === 'mean' && x.phase === 'ai-explanation')!;
    expect(c.factor).toBe('condition');
    expect(c.readers).toBe(3);
    // In the protocol's order (isicProtocol: cdam-mel, smooth-mel, attention).
    expect(c.levels.map((l) => l.id)).toEqual(['cdam-mel', 'smooth-mel', 'attention']);
    const readerMean = (cond: string, reader: string): number => {
      const v = rows.filter((r) => r.condition_id === cond && r.reader === reader).map((r) => JSON.parse(r.value_json) as number);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    const level = (cond: string): number => READERS.reduce((s, name) => s + readerMean(cond, name), 0) / READERS.length;
    for (const l of c.levels) {
      expect(l.estimate.estimate).toBeCloseTo(level(l.id), 12);
      expect(l.estimate.ci![0]).toBeLessThanOrEqual(l.estimate.estimate);
    }
    expect(c.differences).toHaveLength(3);
    for (const d of c.differences) {
      const ia = c.levels.findIndex((l) => l.id === d.a);
      const ib = c.levels.findIndex((l) => l.id === d.b);
      expect(ia).toBeGreaterThan(ib);
      expect(d.estimate).toBeCloseTo(level(d.a) - level(d.b), 12);
      if (d.ci) expect(d.ci[0]).toBeLessThanOrEqual(d.estimate);
    }
    expect(c.global!.df1).toBe(2);
  });

  it('compares phases on the empirical AUC as the MRMCaov file and an OR analysis of it give, and on accuracy', () => {
    const file = parse(v.exports.build(studyId, 'mrmcaov').content, { columns: true }) as Record<string, string>[];
    const fileRows = file.map((r) => ({
      reader: r.reader,
      treatment: r.treatment,
      caseId: r.case,
      value: Number(r.rating),
      truth: Number(r.truth) as 0 | 1,
    }));
    const c = results.comparisons.find((x) => x.questionId === 'malignancy' && x.fom === 'auc')!;
    expect(c.factor).toBe('phase');
    const cases = (t: number) => new Set(fileRows.filter((r) => r.truth === t).map((r) => r.caseId)).size;
    const analyse = () => orAnalysis(fileRows, empiricalAucFom, { treatments: ['unaided', 'ai', 'ai-explanation'] });
    if (Math.min(cases(0), cases(1)) < 2) {
      // One case of a kind: the AUC without it is undefined, so is the jackknife; the dashboard says so.
      expect(analyse).toThrow(/undefined without one of the cases/);
      expect(c.levels).toEqual([]);
      expect(c.note).toMatch(/undefined without one of the cases/);
    } else {
      const fromFile = analyse();
      expect(c.levels.map((l) => l.id)).toEqual(['unaided', 'ai', 'ai-explanation']);
      c.levels.forEach((l, i) => expect(l.estimate.estimate).toBeCloseTo(fromFile.means[i], 12));
      const later = c.differences.find((d) => d.a === 'ai' && d.b === 'unaided')!;
      const fileDiff = fromFile.differences.find((d) => d.a === 'unaided' && d.b === 'ai')!;
      expect(later.estimate).toBeCloseTo(-fileDiff.estimate, 12);
      expect(later.se).toBeCloseTo(fileDiff.se, 12);
      expect(later.p).toBeCloseTo(fileDiff.p!, 12);
    }
    // Accuracy per phase: its level estimate is the mean over readers of each reader's share right.
    const acc = results.comparisons.find((x) => x.questionId === 'diagnosis' && x.fom === 'accuracy')!;
    for (const l of acc.levels) {
      const rows = latest('diagnosis').filter((r) => r.phase === l.id && r.diagnosis !== null && r.sanity === 0 && r.repeat_of === null);
      const share = (name: string) => {
        const mine = rows.filter((r) => r.reader === name);
        return mine.filter((r) => JSON.parse(r.value_json) === r.diagnosis).length / mine.length;
      };
      expect(l.estimate.estimate).toBeCloseTo(READERS.reduce((s, n) => s + share(n), 0) / 3, 12);
      expect(
        results.accuracy.find((a) => a.questionId === 'diagnosis' && a.phase === l.id && a.reader === null)!.design!.estimate,
      ).toBeCloseTo(l.estimate.estimate, 12);
    }
    expect(results.comparisons.filter((x) => x.questionId === 'comment' || x.questionId === 'evidence')).toEqual([]);
    // The explanation methods compared first, then the phases of the truth-scored questions.
    const order = results.comparisons.map((x) => `${x.factor}:${x.questionId}`);
    expect(order.indexOf('phase:diagnosis')).toBeGreaterThan(order.lastIndexOf('condition:change'));
    expect(order[0]).toBe('condition:localisation');
  });

  it('each rating group carries the readers-and-cases interval; the rules are given in words', () => {
    const g = results.ratings.find((r) => r.questionId === 'localisation')!.groups.find((x) => !x.sanity)!;
    expect(g.design).not.toBeNull();
    expect(g.design!.readers).toBe(3);
    expect(g.design!.ci![1]).toBeGreaterThan(g.design!.ci![0]);
    expect(results.rules.join('\n')).toMatch(
      /“malignancy” is scored against the truth — Malignancy: .*3 left out.*; call: a rating above 3 on 1–5 is positive, below it negative; the middle answer 3 counts as a negative call\. The call sets accuracy only/,
    );
    expect(results.rules.join('\n')).toMatch(/Hillis/);
  });

  it('the call rule: the middle answer counted positive, left out, or a threshold changes accuracy and the long CSV, not the ROC area; reads left out are counted', () => {
    // The study as if its protocol had said `call` for the malignancy question (a saved protocol
    // is frozen, and reading a study again takes minutes): the same records, that question's option set.
    const { ctx, records } = studyRecords(v.study.db, studyId);
    const as = (call: CallOption | undefined) => {
      const q = { ...ctx.protocol.questions.find((x) => x.id === 'malignancy')!, call };
      const questions = ctx.protocol.questions.map((x) => (x.id === q.id ? q : x));
      return {
        ctx: { ...ctx, protocol: { ...ctx.protocol, questions } },
        records: records.map((r) => (r.question.id === q.id ? { ...r, question: q } : r)),
      };
    };
    // A second path: the latest answers from SQL, the ISIC truth (mel, bcc, akiec malignant), the rule written out.
    const rows = latest('malignancy').filter((r) => r.sanity === 0 && r.repeat_of === null && r.diagnosis !== null);
    expect(rows.filter((r) => JSON.parse(r.value_json) === 3).length).toBeGreaterThan(3);
    const options: [CallOption | undefined, (x: number) => 0 | 1 | null][] = [
      [undefined, (x) => (x > 3 ? 1 : 0)],
      [{ middle: 'positive' }, (x) => (x >= 3 ? 1 : 0)],
      [{ middle: 'left-out' }, (x) => (x === 3 ? null : x > 3 ? 1 : 0)],
      [{ threshold: 5, middle: 'negative' }, (x) => (x >= 5 ? 1 : 0)],
    ];
    const shares = new Map<string, number>();
    const aucs = new Set<string>();
    for (const [call, rule] of options) {
      const s = as(call);
      const acc = accuracySummaries(s.records);
      for (const phase of ['unaided', 'ai', 'ai-explanation']) {
        const calls = rows
          .filter((r) => r.phase === phase)
          .map((r) => ({ call: rule(JSON.parse(r.value_json) as number), truth: ['mel', 'bcc', 'akiec'].includes(r.diagnosis!) ? 1 : 0 }));
        const scored = calls.filter((c) => c.call !== null);
        const a = acc.find((x) => x.questionId === 'malignancy' && x.phase === phase && x.reader === null)!;
        expect(a.estimate.n).toBe(scored.length);
        expect(a.estimate.successes).toBe(scored.filter((c) => c.call === c.truth).length);
        expect(a.leftOut).toBe(calls.length - scored.length);
        expect(
          acc.filter((x) => x.questionId === 'malignancy' && x.phase === phase && x.reader !== null).reduce((t, x) => t + x.leftOut, 0),
        ).toBe(a.leftOut);
        shares.set(`${JSON.stringify(call)}|${phase}`, a.estimate.proportion);
      }
      const cs = studyComparisons(s.ctx, s.records).filter((c) => c.questionId === 'malignancy');
      const accuracy = cs.find((c) => c.fom === 'accuracy')!;
      expect(accuracy.rule).toContain(callRuleWords(s.ctx.protocol.questions.find((q) => q.id === 'malignancy')!));
      const left = rows.filter((r) => rule(JSON.parse(r.value_json) as number) === null).length;
      if (left) expect(accuracy.note).toContain(`${left} reads left out by the call rule`);
      else expect(accuracy.note ?? '').not.toContain('left out by the call rule');
      const auc = cs.find((c) => c.fom === 'auc')!;
      aucs.add(JSON.stringify([auc.levels, auc.differences, auc.note]));
      // The long CSV's answer_correct: the same calls (empty for a read left out).
      const csv = parse(longCsv(s.ctx, s.records, 'test'), { columns: true }) as Record<string, string>[];
      const mine = csv.filter(
        (r) => r.question_id === 'malignancy' && r.is_sanity_check === '0' && r.is_repeat === '0' && r.scored_truth !== '',
      );
      expect(mine.length).toBeGreaterThan(20);
      for (const r of mine) {
        const c = rule(Number(r.answer_raw));
        expect(r.answer_correct).toBe(c === null ? '' : c === Number(r.scored_truth) ? '1' : '0');
      }
    }
    // Every option gives another accuracy in some phase; the ROC area ranks the ratings whatever the option.
    for (const phase of ['unaided', 'ai', 'ai-explanation'])
      expect(new Set(options.map(([call]) => shares.get(`${JSON.stringify(call)}|${phase}`))).size).toBeGreaterThan(1);
    expect(aucs.size).toBe(1);
  });

  it('agreement per phase × condition beside the pooled figure: each level is the ICC of its own rows of the kappa file', () => {
    const rows = parse(v.exports.build(studyId, 'kappa', 'localisation').content, { columns: true }) as Record<string, string>[];
    const loc = results.agreement.find((a) => a.questionId === 'localisation')!;
    expect(loc.levels.map((l) => l.conditionId).sort()).toEqual(['attention', 'cdam-mel', 'smooth-mel']);
    expect(loc.note).toMatch(/pooled over 3 phase × condition levels/);
    for (const l of loc.levels) {
      const mine = rows.filter((r) => r.condition_id === l.conditionId && r.phase === l.phase);
      expect(l.items).toBe(mine.length);
      const matrix = mine.map((r) => ['R1', 'R2', 'R3'].map((id) => Number(r[id])));
      const expected = icc2(matrix);
      if (l.icc) {
        expect(l.icc.single.value).toBeCloseTo(expected.single.value, 12);
        expect(l.icc.single.ci).toEqual(expected.single.ci);
      } else expect(Number.isFinite(expected.single.value)).toBe(false);
      expect(l.label).toMatch(/^AI \+ explanation · /);
    }
    // A case-level question: one level per phase.
    expect(results.agreement.find((a) => a.questionId === 'malignancy')!.levels.map((l) => l.phase)).toEqual([
      'unaided',
      'ai',
      'ai-explanation',
    ]);
  });
});
