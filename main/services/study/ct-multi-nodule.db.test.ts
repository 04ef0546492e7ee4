// A study reads several nodules of a CT case, each its own reading unit: by default every nodule
// at least 3 of the 4 LIDC readers marked (else the most-marked one). On the real LIDC-IDRI-0001
// (the demo's CT-001 and the full series) that is one nodule; on the same slices with a second,
// mirrored nodule (tests/support/two-nodule-ct.ts) it is two — each with its own block of trials,
// maps, phase lock, label, explanations seen, truth and case id in the exports and results.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { ProtocolInput } from '../../../app/protocol';
import type { TrialView } from '../../../app/study';
import { defaultNodules, pickedNumbers, unitLabel } from '../../../app/nodule-choice';
import { lidc0001 } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import { twoNoduleCt } from '../../../tests/support/two-nodule-ct';
import { demoDir } from '../../paths';
import { caseNodules, type CaseNodule } from '../cases/case-nodules';
import { resolveCases } from './protocol-resolve';
import { parseProtocol } from './protocol-parse';
import { call, ctProtocol, refusal, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';
import { entriesOf, studyContext } from './study-rows';
import { studyMaps } from './stimulus-preparation';
import { planTrials } from './trial-plan';

const protocol = (over: Partial<ProtocolInput> = {}): ProtocolInput =>
  ctProtocol({
    id: 'ct-multi',
    title: 'CT nodules',
    questions: [
      { id: 'malignancy', level: 'case', type: 'likert', prompt: 'Likelihood of malignancy of this nodule', truth: 'malignancy' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Does the highlighted region correspond to the finding?' },
    ],
    order: { seed: 3 },
    ...over,
  });

async function importedVerdict(dir: string): Promise<TestVerdict> {
  const v = testVerdict();
  const report = await v.imports.run(dir);
  if (report.status !== 'done') throw new Error(`import ${report.status}: ${report.error}`);
  await v.models.registerBundled();
  return v;
}
const ctCase = (v: TestVerdict) => v.study.db.prepare("SELECT id FROM study_case WHERE label = 'CT-001'").pluck().get() as number;
const resolve = (v: TestVerdict, over: Partial<ProtocolInput> = {}) => resolveCases(v.study.db, parseProtocol(protocol(over)));

describe('the nodules a CT case reads by default', () => {
  it('are every nodule ≥3 of 4 readers marked, in the case’s order; else the most-marked one, larger first', () => {
    const n = (id: number, readerCount: number, diameterMm: number | null) => ({ id, readerCount, diameterMm });
    expect(defaultNodules([n(1, 4, 6), n(2, 1, 30), n(3, 3, 9)]).map((x) => x.id)).toEqual([1, 3]);
    expect(defaultNodules([n(1, 1, 30), n(2, 2, 5), n(3, 2, 8)]).map((x) => x.id)).toEqual([3]);
    expect(defaultNodules([])).toEqual([]);
    expect(pickedNumbers(2)).toEqual([2]);
    expect(pickedNumbers([1, 3])).toEqual([1, 3]);
    expect(unitLabel('CT-001', 2)).toBe('CT-001 · nodule 2');
    expect(unitLabel('Derm-004', null)).toBe('Derm-004');
  });

  it('on the real LIDC-IDRI-0001 (the demo’s CT-001 and the full series): its one nodule all 4 readers marked', async () => {
    for (const dir of [join(demoDir(), 'lidc'), lidc0001]) {
      const v = await importedVerdict(dir);
      try {
        const nodules = caseNodules(v.study.db, ctCase(v));
        // The XML's other marks are < 3 mm nodules and non-nodules, which are not clustered into nodules.
        expect(nodules.map((x) => [x.number, x.readerCount])).toEqual([[1, 4]]);
        expect(resolve(v).map((u) => [u.label, u.noduleNumber])).toEqual([['CT-001', 1]]);
      } finally {
        v.close();
      }
    }
  }, 120_000);
});

let v: TestVerdict;
let admin: CallContext;
let readers: { id: number; caller: CallContext }[];
let nodules: CaseNodule[];

beforeAll(async () => {
  v = await importedVerdict(twoNoduleCt(join(demoDir(), 'lidc')));
  ({ admin, readers } = await signedIn(v, ['Dr One', 'Dr Two']));
  nodules = caseNodules(v.study.db, ctCase(v));
}, 120_000);
afterAll(() => v?.close());

describe('a protocol’s nodules on a case with two agreed nodules', () => {
  it('reads both by default, one unit each, and a pick of one, of a list, or the single-number form', () => {
    expect(nodules.map((n) => n.readerCount).sort()).toEqual([3, 4]);
    expect(resolve(v).map((u) => [u.noduleId, u.noduleNumber])).toEqual(nodules.map((n) => [n.id, n.number]));
    expect(resolve(v, { cases: { labels: ['CT-001'], nodules: { 'CT-001': 2 } } }).map((u) => u.noduleNumber)).toEqual([2]);
    expect(resolve(v, { cases: { labels: ['CT-001'], nodules: { 'CT-001': [2] } } }).map((u) => u.noduleNumber)).toEqual([2]);
    expect(resolve(v, { cases: { labels: ['CT-001'], nodules: { 'CT-001': [2, 1] } } }).map((u) => u.noduleNumber)).toEqual([1, 2]);
    // A limit counts cases: the case's two nodules stay together.
    expect(resolve(v, { cases: { labels: ['CT-001'], limit: 1 } })).toHaveLength(2);
    // Only nodules marked by at least minReaders.
    expect(resolve(v, { cases: { filter: { source: 'lidc', minReaders: 4 } } }).map((u) => u.noduleId)).toEqual([
      nodules.find((n) => n.readerCount === 4)!.id,
    ]);
  });

  it('refuses a nodule listed twice, one the case lacks, and an empty list, naming the field', async () => {
    const twice = await refusal(v, admin, 'protocols.validate', {
      protocol: protocol({ cases: { labels: ['CT-001'], nodules: { 'CT-001': [1, 1] } } }),
    });
    expect([twice.code, twice.detail?.field]).toEqual(['protocol.invalid', 'cases.nodules.CT-001']);
    expect(twice.message).toContain('listed twice');
    const missing = await refusal(v, admin, 'protocols.validate', {
      protocol: protocol({ cases: { labels: ['CT-001'], nodules: { 'CT-001': [1, 3] } } }),
    });
    expect(missing.message).toContain('has no nodule 3 (it has 2)');
    const empty = await refusal(v, admin, 'protocols.validate', {
      protocol: protocol({ cases: { labels: ['CT-001'], nodules: { 'CT-001': [] } } }),
    });
    expect(empty.detail?.field).toBe('cases.nodules.CT-001');
  });

  it('plans each nodule as its own block of trials (pure plan)', () => {
    const p = parseProtocol(protocol());
    const plan = planTrials({
      protocol: p,
      cases: nodules.map((n) => ({ caseId: ctCase(v), noduleId: n.id })),
      readerIndex: 0,
      seed: 99,
      sanityConditions: [],
    });
    expect(plan.trials).toHaveLength(2 * 4);
    const blocks = [plan.trials.slice(0, 4), plan.trials.slice(4)];
    for (const b of blocks) {
      expect(new Set(b.map((t) => t.caseIndex)).size).toBe(1);
      expect(new Set(b.map((t) => t.noduleId)).size).toBe(1);
      expect(b.map((t) => `${t.phase}/${t.kind}`)).toEqual([
        'unaided/case',
        'ai-explanation/stimulus',
        'ai-explanation/stimulus',
        'ai-explanation/case',
      ]);
    }
    expect(new Set(plan.trials.map((t) => t.noduleId))).toEqual(new Set(nodules.map((n) => n.id)));
  });
});

describe('a study reading both nodules of CT-001', () => {
  let studyId: number;
  const views = new Map<number, TrialView[]>(); // reader index → trial views in order
  const timings = { timeToFirstInputMs: 150, timeOnTrialMs: 1200 };

  beforeAll(async () => {
    const saved = await call(v, admin, 'protocols.save', { protocol: protocol() });
    const s = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Two nodules' });
    studyId = s.id;
    const ready = await v.studies.prepared(studyId);
    expect(ready.preparation).toMatchObject({ state: 'ready', done: 4, total: 4 });
    for (const r of readers) await call(v, admin, 'studies.assign', { studyId, readerId: r.id });
  }, 240_000);

  it('stores one entry per nodule and one map per condition × nodule', () => {
    expect(entriesOf(v.study.db, studyId)).toEqual(nodules.map((n) => ({ caseId: ctCase(v), noduleId: n.id })));
    const maps = studyMaps(studyContext(v.study.db, studyId), entriesOf(v.study.db, studyId));
    expect(maps.map((m) => [m.method, m.noduleId]).sort()).toEqual(
      nodules
        .flatMap((n) => [
          ['attention', n.id],
          ['cdam', n.id],
        ])
        .sort(),
    );
  });

  it('labels each unit for the reader by the nodule’s number, and carries that nodule’s marker', async () => {
    const w = await call(v, readers[0].caller, 'reading.worklist', { studyId });
    expect(new Set(w.trials.map((t) => t.caseLabel))).toEqual(new Set(['CT-001 · nodule 1', 'CT-001 · nodule 2']));
    const first = await call(v, readers[0].caller, 'reading.trial', { studyId, position: 0 });
    const n = nodules.find((x) => x.id === first.case.nodule!.id)!;
    expect(first.case.label).toBe(`CT-001 · nodule ${n.number}`);
    expect(first.trial.caseLabel).toBe(first.case.label);
    const body = JSON.stringify(first);
    expect(body).not.toMatch(/-mirror|IL057|MI014|Nodule 00/);
  });

  it('locks a nodule’s unaided read once its own explanations are opened, not the other nodule’s', async () => {
    const r = readers[0];
    const open = (position: number) => call(v, r.caller, 'reading.trial', { studyId, position });
    const answer = (t: TrialView, value: number) =>
      call(v, r.caller, 'reading.answer', { studyId, trialId: t.trial.id, questionId: 'malignancy', value, displayState: {}, timings });
    const firstUnaided = await open(0);
    await answer(firstUnaided, 3);
    const stimulus = await open(1);
    expect(stimulus.case.nodule!.id).toBe(firstUnaided.case.nodule!.id);
    // The first unit's unaided read is locked now; the second unit's (position 4) is not.
    expect((await open(0)).locked).toBe(true);
    expect(
      (
        await refusal(v, r.caller, 'reading.answer', {
          studyId,
          trialId: firstUnaided.trial.id,
          questionId: 'malignancy',
          value: 5,
          displayState: {},
          timings,
        })
      ).code,
    ).toBe('answer.locked');
    const secondUnaided = await open(4);
    expect([secondUnaided.trial.phase, secondUnaided.locked]).toEqual(['unaided', false]);
    expect(secondUnaided.case.nodule!.id).not.toBe(firstUnaided.case.nodule!.id);
    await answer(secondUnaided, 2);
    await answer(secondUnaided, 3); // an edit, still before that nodule's AI
  });

  it('reads both units in order, each verdict showing the explanations of its own nodule only', async () => {
    // Each reader reads the worklist in order, answering what is open (a reader's right answer: 5 for the real, malignant nodule, 2 for the other).
    const malignancyOf = (t: TrialView) => (nodules.find((n) => n.id === t.case.nodule!.id)!.readerCount === 4 ? 5 : 2);
    for (const [i, r] of readers.entries()) {
      const w = await call(v, r.caller, 'reading.worklist', { studyId });
      const list: TrialView[] = [];
      for (const { position } of w.trials) {
        const t = await call(v, r.caller, 'reading.trial', { studyId, position });
        list.push(t);
        if (t.locked) continue;
        for (const q of t.questions) {
          if (t.answers.some((a) => a.questionId === q.id)) continue;
          await call(v, r.caller, 'reading.answer', {
            studyId,
            trialId: t.trial.id,
            questionId: q.id,
            value: q.id === 'malignancy' ? malignancyOf(t) : 3,
            displayState: {},
            timings,
          });
        }
      }
      views.set(i, list);
    }
    for (const list of views.values()) {
      for (const verdict of list.filter((t) => t.trial.kind === 'case' && t.trial.phase === 'ai-explanation')) {
        const own = list.filter((t) => t.trial.kind === 'stimulus' && t.case.nodule!.id === verdict.case.nodule!.id);
        expect(own).toHaveLength(2);
        const bytes = (values: ArrayBuffer) => Buffer.from(values).toString('base64');
        expect(verdict.seen!.map((s) => bytes(s.values))).toEqual(own.map((t) => bytes(t.stimuli[0].values)));
      }
    }
    // The two nodules' maps under one condition differ (each is computed on its own nodule).
    const list = views.get(0)!;
    const cdam = list.filter((t) => t.trial.kind === 'stimulus' && t.stimuli[0].explains === 'Evidence for: malignant');
    expect(cdam).toHaveLength(2);
    expect(Buffer.from(cdam[0].stimuli[0].values).equals(Buffer.from(cdam[1].stimuli[0].values))).toBe(false);
  });

  it('exports each nodule as its own case: distinct iMRMC and MRMCaov case ids with each nodule’s truth, a nodule column in the long CSV', () => {
    const truthOf = (n: CaseNodule) => (n.medianMalignancy! >= 4 ? '1' : '0');
    const ids = new Map(nodules.map((n) => [`CT-001/Nodule ${n.number}`, truthOf(n)]));
    expect(new Set(ids.values())).toEqual(new Set(['0', '1']));
    // The MRMC files' integer case ids, mapped back through the key file.
    const key = parse(v.exports.build(studyId, 'mrmc-key', 'malignancy').content, { columns: true }) as Record<string, string>[];
    const label = new Map(key.filter((k) => k.kind === 'case').map((k) => [k.id, k.label]));

    const imrmc = v.exports.build(studyId, 'imrmc').content.split('\r\n').filter(Boolean);
    const data = imrmc.slice(imrmc.indexOf('BEGIN DATA:') + 1).map((l) => l.split(','));
    expect(new Map(data.filter((d) => d[0] === '-1').map((d) => [label.get(d[1]), d[3]]))).toEqual(ids);
    const scores = data.filter((d) => d[0] !== '-1');
    // 2 readers × 2 nodules × 2 phases, each case id once per reader and phase.
    expect(scores).toHaveLength(8);
    expect(new Set(scores.map((d) => `${d[0]}|${d[1]}|${d[2]}`)).size).toBe(8);
    expect(new Set(scores.map((d) => label.get(d[1])))).toEqual(new Set(ids.keys()));

    const aov = parse(v.exports.build(studyId, 'mrmcaov').content, { columns: true }) as Record<string, string>[];
    expect(aov).toHaveLength(8);
    expect(new Map(aov.map((r) => [label.get(r.case), r.truth]))).toEqual(ids);

    const long = parse(v.exports.build(studyId, 'csv').content, { columns: true }) as Record<string, string>[];
    const malignancy = long.filter((r) => r.question_id === 'malignancy');
    expect(new Set(malignancy.map((r) => r.nodule_id))).toEqual(new Set(nodules.map((n) => `Nodule ${n.number}`)));
    for (const r of malignancy) {
      const n = nodules.find((x) => `Nodule ${x.number}` === r.nodule_id)!;
      expect(Number(r.truth_median_malignancy)).toBe(n.medianMalignancy);
      expect(r.case_id).toBe('CT-001');
    }
    // Two units of one case have two case indexes.
    expect(new Set(malignancy.map((r) => `${r.nodule_id}|${r.case_index}`)).size).toBe(2);
  });

  it('scores accuracy and agreement per nodule', () => {
    const res = v.results.of(studyId);
    const all = res.accuracy.filter((a) => a.reader === null);
    // Each phase: 2 readers × 2 nodules, each scored against its own nodule's truth.
    expect(all.map((a) => [a.phase, a.estimate.n])).toEqual([
      ['unaided', 4],
      ['ai-explanation', 4],
    ]);
    const explained = all.find((a) => a.phase === 'ai-explanation')!;
    expect(explained.estimate).toMatchObject({ n: 4, successes: 4 });
    const agreement = res.agreement.find((a) => a.questionId === 'malignancy')!;
    // One item per nodule and phase.
    expect(agreement.items).toBe(4);
  });
});
