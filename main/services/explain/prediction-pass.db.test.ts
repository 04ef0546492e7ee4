// The viewer predicts as it opens a case; a map asked next on that case starts from the
// prediction's backbone pass (explain-service.ts #lastPass). The map must be the one computed
// from scratch, bit for bit, and the backbone must run once for both — but again for another case.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaseSummary } from '../../../app/domain';
import { isicFolder } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import { ISIC_PACK } from '../models/test-packs';

const fresh = async () => {
  const v = testVerdict();
  await v.imports.run(isicFolder(['ISIC_0024306', 'ISIC_0024307']));
  const modelId = (await v.models.add(ISIC_PACK)).id;
  const cases = v.cases.list().filter((c: CaseSummary) => c.modality === 'dermoscopy');
  const backbone = vi.spyOn(await v.models.runtime(modelId), 'backbone');
  return { v, modelId, cases, backbone };
};

let scratch: Awaited<ReturnType<typeof fresh>>;
let viewer: Awaited<ReturnType<typeof fresh>>;
beforeAll(async () => {
  scratch = await fresh();
  viewer = await fresh();
}, 120_000);
afterAll(() => [scratch, viewer].forEach((x) => x?.v.close()));

describe('a map after the prediction of the same case', () => {
  it('is the map computed from scratch, from one backbone pass', async () => {
    const ask = (x: typeof scratch, caseId: number, method: string) =>
      x.v.explain.map({ modelId: x.modelId, caseId, method, target: 'MEL' });
    const caseId = scratch.cases[0].id;
    const alone = await ask(scratch, caseId, 'smooth-cdam');
    expect(scratch.backbone).toHaveBeenCalledTimes(1);

    const prediction = await viewer.v.explain.predict({ modelId: viewer.modelId, caseId });
    const after = await ask(viewer, caseId, 'smooth-cdam');
    expect(viewer.backbone).toHaveBeenCalledTimes(1);
    expect(after.cached).toBe(false);
    expect(new Float32Array(after.values)).toEqual(new Float32Array(alone.values));
    expect(after.outputs).toEqual(alone.outputs);
    expect(after.outputs).toEqual(prediction.outputs);
    expect(after.placement).toEqual(alone.placement);

    // the other case's prediction replaces the pass kept: a map of the first case runs the backbone again
    await viewer.v.explain.predict({ modelId: viewer.modelId, caseId: viewer.cases[1].id });
    const cdam = await ask(viewer, caseId, 'cdam');
    expect(viewer.backbone).toHaveBeenCalledTimes(3);
    expect(new Float32Array(cdam.values)).toEqual(new Float32Array((await ask(scratch, caseId, 'cdam')).values));
  });
});
