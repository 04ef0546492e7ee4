// Faithfulness metrics through the real chain: a map from the explanation service, the model
// input perturbed, every image scored by ONNX Runtime, results stored and read back; LiMA as
// an explanation method every pack offers. Test packs (random weights) keep it fast.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { METRIC_IDS, type ExplanationMetric, type MetricId } from '../../../../app/faithfulness';
import type { TestVerdict } from '../../../../tests/support/study-fixture';
import { call, demoVerdict, signedIn } from '../../../../tests/support/study-fixture';
import { compactness, upsampleGrid } from '../faithfulness';
import { formatTable, metricTable } from './metric-table';

let v: TestVerdict;
let isicModel: number;
let lidcModel: number;
let withMask: number;
let ct: { caseId: number; noduleId: number };

beforeAll(async () => {
  v = await demoVerdict();
  const models = await v.models.list();
  isicModel = models.find((m) => m.packId === 'test-vit-isic')!.id;
  lidcModel = models.find((m) => m.packId === 'test-vit-lidc')!.id;
  const cases = v.cases.list();
  // ISIC_0000000 carries the Task 2 lesion segmentation (the pointing game's truth).
  withMask = cases.find((c) =>
    v.study.db.prepare("SELECT 1 FROM mask m JOIN image i ON i.id = m.image_id WHERE i.case_id = ? AND m.kind = 'segmentation'").get(c.id),
  )!.id;
  const lidc = v.cases.get(cases.find((c) => c.modality === 'CT')!.id);
  ct = { caseId: lidc.id, noduleId: [...lidc.nodules].sort((a, b) => (b.diameterMm ?? 0) - (a.diameterMm ?? 0))[0].id };
}, 120_000);
afterAll(() => v.close());

const byId = (ms: ExplanationMetric[]) => new Map(ms.map((m) => [m.metric, m]));

describe('faithfulness metrics of a map', () => {
  let metrics: Map<string, ExplanationMetric>;

  beforeAll(async () => {
    metrics = byId(
      await v.metrics.compute({ modelId: isicModel, caseId: withMask, method: 'cdam', target: 'MEL', metrics: [...METRIC_IDS] }),
    );
  }, 120_000);

  it('computes and stores every metric, with the provider and the forward passes it took', () => {
    expect([...metrics.keys()].sort()).toEqual([...METRIC_IDS].sort());
    for (const m of metrics.values()) {
      expect(m.provider).toBe('cpu');
      const p = m.metric;
      if (['compactness', 'pointing-game', 'iou'].includes(p)) expect(m.forwardPasses, p).toBe(0);
      else expect(m.forwardPasses, p).toBeGreaterThan(0);
      if (p !== 'pointing-game' && p !== 'iou') expect(Number.isFinite(m.value), p).toBe(true);
    }
    // CDAM fidelity: 40 steps per curve, 41 points each, two curves (MIF and LIF).
    expect(metrics.get('cdam-fidelity')!.forwardPasses).toBe(2 * 41);
    expect(metrics.get('box-sensitivity')!.forwardPasses).toBeGreaterThanOrEqual(300);
    expect([0, 1]).toContain(metrics.get('pointing-game')!.value);
    expect(metrics.get('iou')!.value).toBeGreaterThanOrEqual(0);
    expect(metrics.get('class-discrimination')!.params.wrongTarget).toMatch(/^(NV|BCC|AKIEC|BKL|DF|VASC)$/);
  });

  it("curves start from the model's own output on the unperturbed image", async () => {
    const prediction = await v.explain.predict({ modelId: isicModel, caseId: withMask });
    const mel = prediction.outputs.find((o) => o.name === 'MEL')!;
    const fidelity = metrics.get('cdam-fidelity')!;
    const mif = fidelity.curves.find((c) => c.name === 'mif')!;
    expect(mif.fractions[0]).toBe(0);
    expect(mif.scores[0]).toBeCloseTo(mel.value, 4);
    const deletion = metrics.get('rise-deletion')!.curves[0];
    expect(deletion.scores[0]).toBeCloseTo(mel.probability!, 5);
    expect(fidelity.value).toBeCloseTo(fidelity.curves.find((c) => c.name === 'lif')!.auc - mif.auc, 12);
  });

  it('compactness equals the definition applied to the stored map brought to the input by nearest neighbour', async () => {
    const map = await v.explain.map({ modelId: isicModel, caseId: withMask, method: 'cdam', target: 'MEL' });
    const grid = new Float32Array(map.values);
    const nearest = compactness(upsampleGrid(grid, map.grid.rows, map.grid.cols, 64, 64, 'nearest'));
    const bilinear = compactness(upsampleGrid(grid, map.grid.rows, map.grid.cols, 64, 64, 'bilinear'));
    expect(metrics.get('compactness')!.value).toBeCloseTo(nearest, 12);
    expect(nearest).toBeCloseTo(compactness(grid), 12); // each patch's pixels equal: the grid's own share
    expect(nearest).not.toBeCloseTo(bilinear, 6);
    console.log(`compactness of the demo CDAM map (MEL): nearest ${nearest.toFixed(4)}, bilinear ${bilinear.toFixed(4)}`);
    expect(metrics.get('compactness')!.params.upsampling).toBe('nearest');
  });

  it('blurs with σ scaled to the 64 px input by default and says so in the stored parameters', () => {
    expect(metrics.get('cdam-fidelity')!.params).toMatchObject({ sigma: 14, blur: 'scaled', sigmaPx: 4 });
    expect(metrics.get('box-sensitivity')!.params).toMatchObject({ blur: 'scaled', sigmaPx: 4 });
    expect(metrics.get('rise-insertion')!.params).toMatchObject({
      blur: 'scaled',
      sigmaPx: expect.closeTo((5 * 64) / 224, 12),
      radiusPx: 1,
    });
    // Box sensitivity over 8 sides (4…32 px), 100 boxes each, and the area under f_box(s).
    expect(metrics.get('box-sensitivity')!.parts.sides).toEqual([4, 8, 12, 16, 20, 24, 28, 32]);
    expect(metrics.get('box-sensitivity')!.forwardPasses).toBe(801);
  });

  it("scores a non-LiMA map pixel-wise in 50 steps for LiMA's insertion/deletion, not on LiMA's regions", () => {
    const ins = metrics.get('lima-insertion')!;
    expect(ins.forwardPasses).toBe(51);
    expect(ins.curves[0].fractions[1]).toBe(1 / 50);
    expect(ins.params.regions).toBeUndefined();
  });

  it('a second request is answered from the database', async () => {
    const again = byId(
      await v.metrics.compute({
        modelId: isicModel,
        caseId: withMask,
        method: 'cdam',
        target: 'MEL',
        metrics: ['cdam-fidelity', 'rise-insertion'],
      }),
    );
    expect(again.get('cdam-fidelity')).toEqual(metrics.get('cdam-fidelity'));
    expect(again.get('rise-insertion')!.createdAt).toBe(metrics.get('rise-insertion')!.createdAt);
    const rows = v.study.db.prepare('SELECT COUNT(*) AS n FROM explanation_metric').get() as { n: number };
    expect(rows.n).toBe(METRIC_IDS.length);
  });

  it("keeps the paper's absolute σ as an option, stored beside the scaled one, and the table legend says which", async () => {
    const paper = byId(
      await v.metrics.compute({
        modelId: isicModel,
        caseId: withMask,
        method: 'cdam',
        target: 'MEL',
        metrics: ['cdam-fidelity'],
        blur: 'paper',
      }),
    );
    expect(paper.get('cdam-fidelity')!.params).toMatchObject({ blur: 'paper', sigmaPx: 14 });
    expect(paper.get('cdam-fidelity')!.value).not.toBe(metrics.get('cdam-fidelity')!.value);
    const text = formatTable('t', metricTable([{ method: 'cdam', metrics: [metrics.get('cdam-fidelity')!] }], ['cdam-fidelity']), [
      'cdam-fidelity',
    ]);
    expect(text).toContain("cdam-fidelity: blur σ = 4 px, the paper's 14 px at 224 scaled by side/224");
  });

  it('is staff-only: a signed-in reader is refused', async () => {
    const { readers } = await signedIn(v, ['Dr R']);
    const reader = readers[0].caller;
    await expect(
      call(v, reader, 'explain.metrics', { modelId: isicModel, caseId: withMask, method: 'cdam', target: 'MEL', metrics: ['compactness'] }),
    ).rejects.toMatchObject({ code: 'api.unauthorised' });
  });
});

describe("CT: metrics of a nodule crop against the readers' contours", () => {
  it('attention is judged on the predicted class; the pointing game uses the LIDC contours', async () => {
    const ms = byId(
      await v.metrics.compute({
        modelId: lidcModel,
        ...ct,
        method: 'attention',
        target: 'attention',
        metrics: ['pointing-game', 'iou', 'rise-deletion'],
      }),
    );
    expect(['benign', 'malignant']).toContain(ms.get('rise-deletion')!.params.scoredOutput);
    expect([0, 1]).toContain(ms.get('pointing-game')!.value);
    expect(ms.get('iou')!.parts.union).toBeGreaterThan(0);
  }, 60_000);
});

describe('LiMA', () => {
  it('every pack offers it; its map covers the input pixels with region importances in [0, 1]', async () => {
    for (const m of await v.models.list()) expect(m.methods).toContain('lima');
    const map = await v.explain.map({ modelId: isicModel, caseId: withMask, method: 'lima', target: 'MEL' });
    expect(map.grid).toEqual({ rows: 64, cols: 64 });
    const values = new Float32Array(map.values);
    expect(Math.max(...values)).toBeCloseTo(1, 6);
    expect(Math.min(...values)).toBeCloseTo(0, 6);
    // Constant over each superpixel: far fewer distinct values than pixels.
    expect(new Set(values).size).toBeLessThanOrEqual(60);
    const lima = byId(
      await v.metrics.compute({
        modelId: isicModel,
        caseId: withMask,
        method: 'lima',
        target: 'MEL',
        metrics: ['lima-insertion', 'lima-deletion'],
      }),
    );
    expect(lima.get('lima-insertion')!.value).toBeGreaterThan(0);
    // LiMA's own map steps through its own sub-regions, one per step (R + 1 images).
    const regionCount = new Set(values).size;
    expect(lima.get('lima-insertion')!.params.regions).toEqual({ method: 'lima', count: 50 });
    expect(lima.get('lima-insertion')!.forwardPasses).toBeGreaterThanOrEqual(regionCount + 1);
    expect(lima.get('lima-insertion')!.forwardPasses).toBeLessThan(60);
  }, 120_000);

  it('refuses a regression target (an LIDC biomarker) with a message that names it and says why', async () => {
    const ask = v.explain.map({ modelId: lidcModel, ...ct, method: 'lima', target: 'spiculation' });
    await expect(ask).rejects.toMatchObject({
      code: 'explain.bad-target',
      detail: { method: 'lima', target: 'spiculation', head: 'biomarkers', kind: 'regression' },
    });
    await expect(ask).rejects.toThrow(/LiMA cannot explain "spiculation": it is a regression output .*class probabilities/);
    const rows = v.study.db.prepare("SELECT count(*) AS n FROM explanation WHERE method = 'lima' AND target = 'spiculation'").get() as {
      n: number;
    };
    expect(rows.n).toBe(0);
  }, 60_000);
});

describe('the model input', () => {
  it("is read once where one request computes a map, the wrong target's map and their metrics; a fresh read gives the same values", async () => {
    const caseId = v.cases.list().find((c) => c.modality === 'dermoscopy' && c.id !== withMask)!.id;
    const req = {
      modelId: isicModel,
      caseId,
      method: 'smooth-cdam',
      target: 'NV',
      params: { samples: 4 },
      metrics: ['cdam-fidelity', 'class-discrimination'] as MetricId[],
    };
    const reads = vi.spyOn(v.imaging, 'dermoImage');
    try {
      const first = byId(await v.metrics.compute(req));
      // Both maps are computed here (NV's and the wrong target's) and then measured: one read of the image.
      expect(reads).toHaveBeenCalledTimes(1);
      expect(first.get('class-discrimination')!.params.wrongTarget).toMatch(/^(MEL|BCC|AKIEC|BKL|DF|VASC)$/);
      // The stored values removed, the maps read from the cache: the metric job reads the image itself, and measures the same.
      v.study.db.prepare('DELETE FROM explanation_metric WHERE explanation_id = ?').run(first.get('cdam-fidelity')!.explanationId);
      const again = byId(await v.metrics.compute(req));
      expect(reads).toHaveBeenCalledTimes(2);
      expect(again.get('cdam-fidelity')!.value).toBe(first.get('cdam-fidelity')!.value);
      expect(again.get('class-discrimination')!.value).toBe(first.get('class-discrimination')!.value);
    } finally {
      reads.mockRestore();
    }
  }, 120_000);
});
