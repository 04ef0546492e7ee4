// Smooth CDAM through the explanation service on the demo study's real ONNX pack: the service
// gives the method the case, so each case gets its own noise (not the one seed-0 pattern shared
// by every image), the map is what the method computes for that subject, and a recomputation
// gives it again. Its maps carry version 2 in the cache key; other methods' keys are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestVerdict } from '../../../../tests/support/study-fixture';
import { demoVerdict } from '../../../../tests/support/study-fixture';
import { cacheKey } from '../explanation-cache';
import { loadModelInput, resolveSubject } from '../input/model-input';
import { maxRelDiff } from '../max-rel-diff';
import { method, normaliseParams } from './index';
import { noiseSeed } from './smooth-cdam';
import type { MethodRun } from './types';

let v: TestVerdict;
let modelId: number;
let caseIds: number[];

beforeAll(async () => {
  v = await demoVerdict();
  modelId = (await v.models.list()).find((m) => m.packId === 'test-vit-isic')!.id;
  caseIds = v.cases
    .list()
    .filter((c) => c.modality === 'dermoscopy')
    .slice(0, 2)
    .map((c) => c.id);
}, 120_000);
afterAll(() => v.close());

describe('Smooth CDAM seeds per case', () => {
  it("seeds the noise from the case: the service's map is the method's for that subject, not the shared seed-0 pattern, and reproducible", async () => {
    const [a, b] = caseIds;
    const request = { modelId, caseId: a, method: 'smooth-cdam', target: 'MEL', params: { samples: 8 } };
    const served = new Float32Array((await v.explain.map(request)).values);

    const model = v.models.get(modelId);
    const runtime = await v.models.runtime(modelId);
    const input = await loadModelInput(v.imaging, model.manifest, resolveSubject(model.manifest, v.cases.get(a), null));
    const pass = await runtime.backbone(input.image, 1);
    const m = method('smooth-cdam');
    const run = (subject: MethodRun['subject']) =>
      m.compute({
        model: runtime,
        manifest: model.manifest,
        image: input.image,
        pass,
        subject,
        signal: new AbortController().signal,
        progress: () => {},
        target: { kind: 'output', name: 'MEL', index: model.manifest.outputs[0].units.findIndex((u) => u.name === 'MEL') },
        params: normaliseParams(m, { samples: 8 }, runtime.dims.heads),
      });
    expect(maxRelDiff(served, await run({ caseId: a, noduleId: null }))).toBeLessThan(1e-5);
    expect(maxRelDiff(served, await run(undefined))).toBeGreaterThan(1e-4); // the old shared pattern (seed 0 as it is)
    expect(noiseSeed(0, { caseId: a, noduleId: null }, 'MEL')).not.toBe(noiseSeed(0, { caseId: b, noduleId: null }, 'MEL'));

    // Reproducible: computed again from nothing, the same map.
    v.study.db.prepare("DELETE FROM explanation WHERE method = 'smooth-cdam'").run();
    const again = await v.explain.map(request);
    expect(again.cached).toBe(false);
    expect(Array.from(new Float32Array(again.values))).toEqual(Array.from(served));
  }, 120_000);

  it("keys its maps with its version, leaving other methods' keys as they were", () => {
    const parts = { modelSha256: 'x', caseId: 1, noduleId: null, method: 'smooth-cdam' as const, target: 'MEL', params: { seed: 0 } };
    expect(method('smooth-cdam').version).toBe(2);
    expect(cacheKey({ ...parts, methodVersion: 2 })).not.toBe(cacheKey(parts));
    expect(cacheKey({ ...parts, method: 'cdam', methodVersion: undefined })).toBe(cacheKey({ ...parts, method: 'cdam', methodVersion: 1 }));
  });
});
