// Images per ORT call (model-scorers.ts scoreBatch): fewer for a many-token ViT, so LiMA's and
// RISE's passes stay within SCORE_MEMORY_BYTES. The same images scored through ONNX Runtime in
// chunks of 32, 5 and 1: the test CNN's black-box graph gives the same bits; a ViT's backbone
// does not quite — ORT's CPU kernels for a batch of 1 and of 12 round differently from those for
// 32 (found here: up to 5e-7 relative in a logit, for 27 of 37 images at batch 1) — so a ViT's
// scores agree to 1e-6 relative, and scoreBatch depends on the pack alone, never on the machine,
// so a pack's maps are the same everywhere.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../app/mulberry32';
import { repoRoot } from '../../../../tests/support/data';
import { silentLog } from '../../../log';
import { loadPack } from '../../models/load-pack';
import type { Manifest } from '../../models/manifest';
import type { Dims, ModelRuntime } from '../../models/model-runtime';
import { openRuntime } from '../../models/open-runtime';
import { ISIC_PACK } from '../../models/test-packs';
import { maxRelDiff } from '../max-rel-diff';
import { imageBytes, probabilityAndEmbedding, SCORE_BATCH, SCORE_MEMORY_BYTES, scoreBatch, targetScorer } from './model-scorers';

const vit = (tokens: number, heads: number, dim: number): Dims => ({
  channels: 3,
  height: 224,
  width: 224,
  outputs: 7,
  patches: tokens - 1,
  tokens,
  dim,
  heads,
  axes: 0,
  prototypes: 0,
  grid: { rows: 0, cols: 0 },
});

describe('scoreBatch', () => {
  it('gives a many-token ViT fewer images per call, within the memory budget; small packs keep SCORE_BATCH', () => {
    const s8 = vit(787, 6, 384); // DINO ViT-S/8 @224 as bench/real-size.ts imports it
    const b16 = vit(197, 12, 768); // timm ViT-B/16 @224
    expect(scoreBatch(s8)).toBeLessThan(SCORE_BATCH);
    expect(scoreBatch(s8) * imageBytes(s8)).toBeLessThanOrEqual(SCORE_MEMORY_BYTES);
    expect((scoreBatch(s8) + 1) * imageBytes(s8)).toBeGreaterThan(SCORE_MEMORY_BYTES);
    expect(scoreBatch(b16)).toBe(SCORE_BATCH);
    expect(scoreBatch({ ...vit(0, 0, 0), height: 128, width: 128 })).toBe(SCORE_BATCH); // the demo CNN's input
    expect(scoreBatch(vit(4097, 16, 1024))).toBe(1); // a 4096-patch ViT-L: one image per call, never none
  });
});

type Opened = { runtime: ModelRuntime; manifest: Manifest };
const open = async (dir: string): Promise<Opened> => {
  const pack = await loadPack(dir);
  return { runtime: await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog), manifest: pack.manifest };
};

/** `n` distinct inputs: seeded uniform noise around 0 (the normalised mean colour). */
function images(d: Dims, n: number): Float32Array {
  const u = mulberry32(7);
  return Float32Array.from({ length: n * d.channels * d.height * d.width }, () => 2 * u() - 1);
}

describe.each([
  ['the test CNN (black box): the same bits', join(repoRoot, 'models/test-cnn/pack'), 0],
  ['the test ViT (ISIC): the same scores to 1e-6', ISIC_PACK, 1e-6],
])('%s whatever the images per ORT call', (_, dir, tolerance) => {
  let m: Opened;
  beforeAll(async () => {
    m = await open(dir);
  });
  afterAll(() => m?.runtime.release());

  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    if (tolerance === 0) expect(b).toEqual(a);
    else expect(maxRelDiff(b, a)).toBeLessThan(tolerance);
  };

  it('targetScorer (RISE, occlusion, the metrics) and probabilityAndEmbedding (LiMA)', async () => {
    const n = 37;
    const xs = images(m.runtime.dims, n);
    const scores = await Promise.all([32, 5, 1].map((chunk) => targetScorer(m.runtime, m.manifest, 0, 'logit', chunk).score(xs, n)));
    expect(scores[0].every(Number.isFinite)).toBe(true);
    expect(new Set(scores[0]).size).toBeGreaterThan(1);
    same(scores[0], scores[1]);
    same(scores[0], scores[2]);
    const lima = [];
    for (const chunk of [32, 12]) lima.push(await probabilityAndEmbedding(m.runtime, m.manifest, 0, chunk).evaluate(xs, n));
    same(lima[0].probability, lima[1].probability);
    same(lima[0].probabilities, lima[1].probabilities);
    same(lima[0].embedding, lima[1].embedding);
  });
});
