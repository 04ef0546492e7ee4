// A black-box pack through the whole chain: the test CNN (models/test-cnn/, an ONNX graph with
// its own tensor names) registered from a pack `verdict model pack` writes, its predictions on a
// real ISIC case of the demo study, LiMA, RISE and occlusion maps from the explanation service,
// the ViT-only methods refused, and the faithfulness metrics on a black-box map.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_IDS } from '../../../app/faithfulness';
import { repoRoot, tempDir } from '../../../tests/support/data';
import type { TestVerdict } from '../../../tests/support/study-fixture';
import { call, demoVerdict, isicProtocol, signedIn } from '../../../tests/support/study-fixture';
import { writeBlackBoxPack } from '../models/black-box-pack';

const TEST_CNN = join(repoRoot, 'models/test-cnn');
let v: TestVerdict;
let modelId: number;
let caseId: number;

beforeAll(async () => {
  v = await demoVerdict();
  const labels = join(tempDir('verdict-bb-labels-'), 'labels.txt');
  writeFileSync(labels, 'MEL\nNV\nBCC\nAKIEC\nBKL\nDF\nVASC\n');
  const { dir } = await writeBlackBoxPack({
    onnx: join(TEST_CNN, 'pack/model.onnx'),
    out: join(tempDir('verdict-bb-'), 'pack'),
    modality: 'dermoscopy',
    input: 64,
    normalise: 'imagenet',
    labels,
    id: 'my-cnn',
    name: 'My CNN',
  });
  modelId = (await v.models.add(dir)).id;
  caseId = v.cases.list().find((c) => c.modality === 'dermoscopy')!.id;
}, 120_000);
afterAll(() => v.close());

describe('a black-box pack in the app', () => {
  it('registers with the black-box methods only', async () => {
    const m = (await v.models.list()).find((x) => x.id === modelId)!;
    expect(m.packId).toBe('my-cnn');
    expect(m.methods).toEqual(expect.arrayContaining(['lima', 'rise', 'occlusion']));
    for (const vit of ['attention', 'cdam', 'smooth-cdam', 'integrated-cdam', 'concept-cdam']) expect(m.methods).not.toContain(vit);
    expect(m.attentionHeads).toBe(0);
  });

  it('predicts: softmax probabilities of the 7 classes', async () => {
    const p = await v.explain.predict({ modelId, caseId });
    expect(p.outputs.map((o) => o.name)).toEqual(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC']);
    expect(p.outputs.reduce((s, o) => s + o.probability!, 0)).toBeCloseTo(1, 5);
    expect(p.provider).toBe('cpu');
  });

  it.each([
    ['lima', {}],
    ['rise', { masks: 256 }],
    ['occlusion', {}],
  ] as const)('%s: a map at the input resolution, reproducible from the cache key', async (method, params) => {
    const map = await v.explain.map({ modelId, caseId, method, target: 'MEL', params });
    expect(map.grid).toEqual({ rows: 64, cols: 64 });
    const values = new Float32Array(map.values);
    expect(values.length).toBe(64 * 64);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(4);
    if (method === 'rise') expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect((await v.explain.map({ modelId, caseId, method, target: 'MEL', params })).cached).toBe(true);
  });

  it('RISE maps differ per case (seeded by the case) and are the same when computed again', async () => {
    const other = v.cases.list().filter((c) => c.modality === 'dermoscopy')[1].id;
    const a = await v.explain.map({ modelId, caseId, method: 'rise', target: 'NV', params: { masks: 64 } });
    v.study.db.prepare("DELETE FROM explanation WHERE method = 'rise'").run();
    const again = await v.explain.map({ modelId, caseId, method: 'rise', target: 'NV', params: { masks: 64 } });
    expect(again.cached).toBe(false);
    expect(new Float32Array(again.values)).toEqual(new Float32Array(a.values));
    const b = await v.explain.map({ modelId, caseId: other, method: 'rise', target: 'NV', params: { masks: 64 } });
    expect(new Float32Array(b.values)).not.toEqual(new Float32Array(a.values));
  });

  it('refuses the ViT methods and concepts, naming what the pack lacks', async () => {
    await expect(v.explain.map({ modelId, caseId, method: 'attention', target: 'attention' })).rejects.toMatchObject({
      code: 'explain.unsupported-method',
    });
    await expect(v.explain.createConcept({ modelId, name: 'c', examples: [{ caseId }] })).rejects.toMatchObject({
      code: 'explain.unsupported-method',
      message: expect.stringContaining('black-box pack'),
    });
  });

  it("prepares a reader study's stimuli from the bundled test CNN's black-box maps", async () => {
    const { admin } = await signedIn(v, []);
    const protocol = isicProtocol({
      id: 'black-box',
      title: 'Test CNN: LiMA vs RISE vs occlusion',
      cases: { labels: ['Derm-001', 'Derm-002'] },
      conditions: [
        { id: 'lima', model: 'test-cnn-isic', method: 'lima', target: 'MEL' },
        { id: 'rise', model: 'test-cnn-isic', method: 'rise', target: 'MEL', params: { masks: 64 } },
        { id: 'occlusion', model: 'test-cnn-isic', method: 'occlusion', target: 'MEL', params: { window: 8, stride: 4 } },
      ],
    });
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'black-box' });
    expect((await v.studies.prepared(study.id)).preparation).toMatchObject({ state: 'ready', error: null });
    const bundled = (await v.models.list()).find((m) => m.packId === 'test-cnn-isic')!.id;
    const rows = v.study.db
      .prepare('SELECT method, COUNT(*) AS n FROM explanation WHERE model_id = ? GROUP BY method ORDER BY method')
      .all(bundled) as { method: string; n: number }[];
    expect(rows).toEqual([
      { method: 'lima', n: 2 },
      { method: 'occlusion', n: 2 },
      { method: 'rise', n: 2 },
    ]);
  }, 240_000);

  it('on a ViT pack with a regression head: RISE refuses a regression output, occlusion explains its value', async () => {
    const lidc = (await v.models.list()).find((m) => m.packId === 'test-vit-lidc')!.id;
    const ct = v.cases.get(v.cases.list().find((c) => c.modality === 'CT')!.id);
    const subject = { modelId: lidc, caseId: ct.id, noduleId: ct.nodules[0].id };
    await expect(v.explain.map({ ...subject, method: 'rise', target: 'spiculation', params: { masks: 8 } })).rejects.toMatchObject({
      code: 'explain.bad-target',
      message: expect.stringContaining('RISE cannot explain "spiculation": it is a regression output'),
    });
    const map = await v.explain.map({ ...subject, method: 'occlusion', target: 'spiculation' });
    expect(new Float32Array(map.values).some((x) => x !== 0)).toBe(true);
    expect((await v.explain.map({ ...subject, method: 'rise', target: 'malignant', params: { masks: 8 } })).grid).toEqual({
      rows: 64,
      cols: 64,
    });
  });

  it('computes every faithfulness metric on a black-box map', async () => {
    const metrics = await v.metrics.compute({ modelId, caseId, method: 'occlusion', target: 'MEL', metrics: [...METRIC_IDS] });
    expect(metrics.map((m) => m.metric).sort()).toEqual([...METRIC_IDS].sort());
    for (const m of metrics) {
      if (!['pointing-game', 'iou'].includes(m.metric)) expect(Number.isFinite(m.value), m.metric).toBe(true);
      expect(m.provider).toBe('cpu');
    }
  }, 240_000);
});
