// Explanations end to end through `dispatch`, on real data and the real test packs: LIDC-IDRI-0001
// and ISIC images imported into a real SQLite study, the packs registered, maps computed on CPU
// (this machine's CUDA attempt fails: the EP fallback), cached, validated and cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../app/api/dispatch';
import type { CaseDetail, CaseSummary } from '../../../app/domain';
import type { Concept, ExplanationMap, ModelSummary, Prediction } from '../../../app/explain';
import type { WireError } from '../../../app/errors';
import type { EventMessage } from '../../../app/events';
import { isicFolder, lidc0001 } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import { ISIC_PACK, LIDC_PACK } from '../models/test-packs';
import { largestNodule } from './input/model-input';

const v = testVerdict();
const caller = v.newCaller();
const events: EventMessage[] = [];
v.events.connect(caller, (m) => events.push(m));

async function call<T>(name: string, args: unknown): Promise<T> {
  const r = await dispatch(v.handlers, caller, name, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
  return r.data as T;
}
const refusal = async (name: string, args: unknown): Promise<WireError> => {
  const r = await dispatch(v.handlers, caller, name, args);
  if (r.ok) throw new Error(`${name} succeeded`);
  return r.error;
};

let lidcModel: ModelSummary;
let isicModel: ModelSummary;
let ct: CaseDetail;
let derm: CaseDetail[];

beforeAll(async () => {
  await v.imports.run(lidc0001);
  await v.imports.run(isicFolder(['ISIC_0024306', 'ISIC_0024307']));
  const cases = await call<CaseSummary[]>('cases.list', {});
  ct = await call<CaseDetail>('cases.get', { caseId: cases.find((c) => c.modality === 'CT')!.id });
  derm = await Promise.all(cases.filter((c) => c.modality === 'dermoscopy').map((c) => call<CaseDetail>('cases.get', { caseId: c.id })));
  lidcModel = await call<ModelSummary>('models.add', { path: LIDC_PACK });
  isicModel = await call<ModelSummary>('models.add', { path: ISIC_PACK });
}, 120_000);
afterAll(() => v.close());

const floats = (m: ExplanationMap) => new Float32Array(m.values);

function expectUsableMap(m: ExplanationMap) {
  const values = floats(m);
  expect(m.grid).toEqual({ rows: 8, cols: 8 });
  expect(values.length).toBe(64);
  expect(values.every(Number.isFinite)).toBe(true);
  expect(values.some((x) => x !== 0)).toBe(true);
  expect(m.range.min).toBe(Math.min(...values));
  expect(m.range.max).toBe(Math.max(...values));
  expect(m.provider).toBe('cpu');
}

describe('models through dispatch', () => {
  it('lists the registered packs, bundled ones included', async () => {
    const list = await call<ModelSummary[]>('models.list', {});
    expect(list.map((m) => m.packId)).toEqual(expect.arrayContaining(['test-vit-lidc', 'test-vit-isic']));
    expect(list.find((m) => m.id === lidcModel.id)).toBeDefined();
  });

  it('refuses a folder that is not a pack', async () => {
    const e = await refusal('models.add', { path: lidc0001 });
    expect(e.code).toBe('model.missing-file');
    expect(e.message).toContain('has no manifest.json');
  });
});

describe('LIDC explanations', () => {
  it('explains the largest nodule with CDAM for "malignant" and "spiculation", on its largest slice', async () => {
    const nodule = largestNodule(ct)!;
    for (const target of ['malignant', 'spiculation']) {
      const m = await call<ExplanationMap>('explain.map', {
        modelId: lidcModel.id,
        caseId: ct.id,
        noduleId: nodule.id,
        method: 'cdam',
        target,
      });
      expectUsableMap(m);
      expect(m).toMatchObject({ method: 'cdam', target, signed: true, cached: false, caseId: ct.id, noduleId: nodule.id });
      const p = m.placement;
      expect(p).toMatchObject({ kind: 'ct-slice', seriesId: ct.series[0].id, sliceIndex: nodule.largestSliceIndex, width: 64, height: 64 });
      expect(nodule.centroid.x).toBeGreaterThanOrEqual(p.x);
      expect(nodule.centroid.x).toBeLessThan(p.x + p.width);
      expect(nodule.centroid.y).toBeGreaterThanOrEqual(p.y);
      expect(nodule.centroid.y).toBeLessThan(p.y + p.height);
      const malignant = m.outputs.find((o) => o.name === 'malignant')!;
      const benign = m.outputs.find((o) => o.name === 'benign')!;
      expect(malignant.probability! + benign.probability!).toBeCloseTo(1, 6);
      expect(m.outputs.find((o) => o.name === 'spiculation')).toMatchObject({ kind: 'regression', probability: null });
    }
    const maps = v.study.db.prepare("SELECT target, provider FROM explanation WHERE method = 'cdam' ORDER BY id").all();
    expect(maps).toEqual([
      { target: 'malignant', provider: 'cpu' },
      { target: 'spiculation', provider: 'cpu' },
    ]);
    expect((await call<ModelSummary[]>('models.list', {})).find((m) => m.id === lidcModel.id)!.provider).toBe('cpu');
  });

  it('serves a second identical request from the cache; other parameters make another row', async () => {
    const noduleId = largestNodule(ct)!.id;
    const ask = (params: object) =>
      call<ExplanationMap>('explain.map', {
        modelId: lidcModel.id,
        caseId: ct.id,
        noduleId,
        method: 'smooth-cdam',
        target: 'malignant',
        params,
      });
    const first = await ask({ samples: 8, seed: 3 });
    const again = await ask({ seed: 3, samples: 8, noiseLevel: 0.05 }); // the same once defaults are filled in
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(again.id).toBe(first.id);
    expect(Array.from(floats(again))).toEqual(Array.from(floats(first)));
    expect(again.params).toEqual({ noiseLevel: 0.05, samples: 8, seed: 3 });
    const other = await ask({ samples: 8, seed: 4 });
    expect(other.cached).toBe(false);
    expect(other.id).not.toBe(first.id);
    expect(Array.from(floats(other))).not.toEqual(Array.from(floats(first)));
    const rows = v.study.db.prepare("SELECT count(*) AS n FROM explanation WHERE method = 'smooth-cdam'").get() as { n: number };
    expect(rows.n).toBe(2);
  });

  it('computes attention (mean and one head) and Integrated CDAM', async () => {
    const base = { modelId: lidcModel.id, caseId: ct.id, noduleId: largestNodule(ct)!.id };
    const mean = await call<ExplanationMap>('explain.map', { ...base, method: 'attention', target: 'attention' });
    const head = await call<ExplanationMap>('explain.map', { ...base, method: 'attention', target: 'attention', params: { head: 2 } });
    expectUsableMap(mean);
    expect(mean.signed).toBe(false);
    expect(floats(mean).every((x) => x >= 0)).toBe(true);
    expect(Array.from(floats(head))).not.toEqual(Array.from(floats(mean)));
    expectUsableMap(
      await call<ExplanationMap>('explain.map', { ...base, method: 'integrated-cdam', target: 'malignant', params: { steps: 10 } }),
    );
  });

  it('predicts the outputs', async () => {
    const p = await call<Prediction>('explain.predict', { modelId: lidcModel.id, caseId: ct.id, noduleId: largestNodule(ct)!.id });
    expect(p.provider).toBe('cpu');
    expect(p.outputs.map((o) => o.name)).toEqual(lidcModel.targets.map((t) => t.name));
    expect(p.outputs.every((o) => Number.isFinite(o.value))).toBe(true);
  });

  it('refuses what cannot be explained, naming what can', async () => {
    const base = { modelId: lidcModel.id, caseId: ct.id, noduleId: largestNodule(ct)!.id, method: 'cdam' };
    const target = await refusal('explain.map', { ...base, target: 'cuteness' });
    expect(target.code).toBe('explain.bad-target');
    expect(target.message).toMatch(/"cuteness" is not an output of .*valid targets are "benign", "malignant", .*"spiculation"/);
    expect((await refusal('explain.map', { ...base, method: 'attention', target: 'malignant' })).code).toBe('explain.bad-target');
    expect((await refusal('explain.map', { ...base, method: 'concept-cdam', target: 'round' })).message).toMatch(/has no concepts yet/);
    const noNodule = await refusal('explain.map', { ...base, noduleId: undefined, target: 'malignant' });
    expect(noNodule.code).toBe('explain.needs-nodule');
    expect(noNodule.message).toContain('name one of its nodules');
    expect((await refusal('explain.map', { ...base, noduleId: 999999, target: 'malignant' })).code).toBe('not-found');
    const modality = await refusal('explain.map', { ...base, caseId: derm[0].id, noduleId: undefined, target: 'malignant' });
    expect(modality.code).toBe('explain.modality-mismatch');
    expect((await refusal('explain.map', { ...base, target: 'malignant', params: { samples: 3 } })).code).toBe('explain.bad-params');
    expect((await refusal('explain.map', { ...base, target: 'malignant', params: { steps: 1 } })).code).toBe('api.invalid-args');
  });
});

describe('ISIC explanations and concepts', () => {
  it('explains a whole dermoscopic image', async () => {
    const c = derm[0];
    const m = await call<ExplanationMap>('explain.map', { modelId: isicModel.id, caseId: c.id, method: 'cdam', target: 'MEL' });
    expectUsableMap(m);
    expect(m.placement).toEqual({
      kind: 'image',
      imageId: c.images[0].id,
      x: 0,
      y: 0,
      width: c.images[0].width,
      height: c.images[0].height,
    });
    const probs = m.outputs.map((o) => o.probability!);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(m.outputs.map((o) => o.name)).toEqual(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC']);
  });

  it('creates a concept from example cases and explains it with concept CDAM', async () => {
    const concept = await call<Concept>('concepts.create', {
      modelId: isicModel.id,
      name: 'brown blob',
      examples: derm.slice(0, 2).map((c) => ({ caseId: c.id })),
    });
    expect(concept).toMatchObject({
      modelId: isicModel.id,
      name: 'brown blob',
      examples: derm.slice(0, 2).map((c) => ({ caseId: c.id, noduleId: null })),
    });
    expect(await call<Concept[]>('concepts.list', { modelId: isicModel.id })).toEqual([concept]);
    const vector = (v.study.db.prepare('SELECT vector FROM concept WHERE id = ?').get(concept.id) as { vector: Buffer }).vector;
    expect(vector.byteLength).toBe(48 * 4);
    const dup = await refusal('concepts.create', { modelId: isicModel.id, name: 'brown blob', examples: [{ caseId: derm[0].id }] });
    expect(dup.code).toBe('concept.exists');
    const m = await call<ExplanationMap>('explain.map', {
      modelId: isicModel.id,
      caseId: derm[1].id,
      method: 'concept-cdam',
      target: 'brown blob',
    });
    expectUsableMap(m);
    expect(m.target).toBe('brown blob');
    const wrong = await refusal('explain.map', { modelId: isicModel.id, caseId: derm[1].id, method: 'concept-cdam', target: 'red blob' });
    expect(wrong.message).toContain('its concepts are "brown blob"');
    const ctExample = await refusal('concepts.create', { modelId: lidcModel.id, name: 'x', examples: [{ caseId: ct.id }] });
    expect(ctExample.code).toBe('explain.needs-nodule');
  });
});

describe('the inference queue', () => {
  it('reports progress and cancels queued and running jobs', async () => {
    events.length = 0;
    const ask = (seed: number) =>
      dispatch(v.handlers, caller, 'explain.map', {
        modelId: isicModel.id,
        caseId: derm[1].id,
        method: 'smooth-cdam',
        target: 'NV',
        params: { seed, samples: 50 },
      });
    const jobs = [ask(100), ask(101), ask(102)];
    await new Promise((r) => setTimeout(r, 0));
    const cancel = await call<{ cancelled: number }>('explain.cancel', {});
    expect(cancel.cancelled).toBe(3);
    const results = await Promise.all(jobs);
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { code: 'explain.cancelled' } });
    // The queue works on afterwards.
    const after = await call<ExplanationMap>('explain.map', {
      modelId: isicModel.id,
      caseId: derm[1].id,
      method: 'smooth-cdam',
      target: 'NV',
      params: { seed: 100, samples: 5 },
    });
    expectUsableMap(after);
    const progress = events
      .filter((e) => e.event === 'explain.progress')
      .map((e) => e.payload as { label: string; done: number; total: number });
    expect(progress.at(-1)).toMatchObject({ done: 4, total: 4 });
    expect(progress.at(-1)!.label).toMatch(/^Smooth CDAM of NV — Derm-00\d$/);
  });

  it("cancels only the job a caller names, and tags progress with the caller's job id", async () => {
    events.length = 0;
    const ask = (seed: number, jobId: string) =>
      dispatch(v.handlers, caller, 'explain.map', {
        modelId: isicModel.id,
        caseId: derm[1].id,
        method: 'smooth-cdam',
        target: 'NV',
        params: { seed, samples: 50 },
        jobId,
      });
    const mine = ask(200, 'window-a-1');
    const theirs = ask(201, 'window-b-1');
    await new Promise((r) => setTimeout(r, 0));
    expect(await call<{ cancelled: number }>('explain.cancel', { jobId: 'window-a-1' })).toEqual({ cancelled: 1 });
    expect(await mine).toMatchObject({ ok: false, error: { code: 'explain.cancelled' } });
    expect(await theirs).toMatchObject({ ok: true });
    const ids = new Set(events.filter((e) => e.event === 'explain.progress').map((e) => (e.payload as { jobId: string }).jobId));
    expect(ids.has('window-b-1')).toBe(true);
    expect(await refusal('explain.cancel', { jobId: 'bad id with spaces' })).toMatchObject({ code: 'api.invalid-args' });
  });
});
