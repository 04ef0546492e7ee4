// RISE and occlusion on the test CNN's black-box pack (models/test-cnn/, an ONNX graph with its
// own tensor names) and a real ISIC image, against a reference computed in torch from the same
// weights (models/test-cnn/reference.py, run with Debian's python3): the same masks from the
// same mulberry32 stream, upsampled there by torch grid_sample on a mirror-padded grid.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isicImages, repoRoot, tempDir } from '../../../../tests/support/data';
import { silentLog } from '../../../log';
import { loadPack } from '../../models/load-pack';
import type { Manifest } from '../../models/manifest';
import type { BackbonePass, ModelRuntime } from '../../models/model-runtime';
import { openRuntime } from '../../models/open-runtime';
import { rgbImageInput } from '../input/rgb-image';
import { maxRelDiff } from '../max-rel-diff';
import { method, normaliseParams } from './index';
import { riseMasks } from './rise';
import { probabilityAndEmbedding } from '../metrics/model-scorers';
import type { ExplainParams } from '../../../../app/methods';

const PACK = join(repoRoot, 'models/test-cnn/pack');
const RISE_PARAMS = { masks: 200, cells: 7, keep: 0.5, seed: 11 };
const OCCLUSIONS = [
  { window: 16, stride: 8, baseline: 0 },
  { window: 12, stride: 5, baseline: -1.5 }, // leaves the last two rows and columns uncovered
];

let runtime: ModelRuntime;
let manifest: Manifest;
let image: Float32Array;
let pass: BackbonePass;
let target: number;
let reference: { probability: number; rise: number[]; occlusion: number[][] };

async function isicInput(file: string, m: Manifest): Promise<Float32Array> {
  const { data, info } = await sharp(join(isicImages, file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return rgbImageInput(
    { width: info.width, height: info.height, rgba: new Uint8Array(data) },
    { ...m.input, normalise: m.input.normalise },
  );
}

function compute(id: string, params: ExplainParams, index = target) {
  const m = method(id);
  return m.compute({
    model: runtime,
    manifest,
    image,
    pass,
    target: { kind: 'output', name: manifest.outputs[0].units[index].name, index },
    params: normaliseParams(m, params, runtime.dims.heads),
    signal: new AbortController().signal,
    progress: () => {},
  });
}

beforeAll(async () => {
  const pack = await loadPack(PACK);
  manifest = pack.manifest;
  runtime = await openRuntime(pack.dir, manifest, ['cpu'], silentLog);
  image = await isicInput('ISIC_0024306.jpg', manifest);
  pass = await runtime.backbone(image, 1);
  // The predicted class.
  target = Array.from(pass.outputs).reduce((best, v, i, a) => (v > a[best] ? i : best), 0);
  const request = join(tempDir('verdict-black-box-'), 'request.json');
  writeFileSync(
    request,
    JSON.stringify({ image: Array.from(image), height: 64, width: 64, target, rise: RISE_PARAMS, occlusion: OCCLUSIONS }),
  );
  const r = spawnSync('/usr/bin/python3', [join(repoRoot, 'models/test-cnn/reference.py'), request], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  reference = JSON.parse(r.stdout);
}, 120_000);
afterAll(() => runtime?.release());

describe('black-box methods on the test CNN', () => {
  it('runs the graph under its own tensor names: the same class probability as torch', () => {
    const logits = Array.from(pass.outputs);
    const z = logits.reduce((s, v) => s + Math.exp(v), 0);
    expect(pass.attention).toBeUndefined();
    expect(Math.abs(Math.exp(logits[target]) / z - reference.probability)).toBeLessThan(1e-6);
  });

  it('RISE equals the torch reference (same masks, N = 200, s = 7, p = 0.5)', async () => {
    const ours = await compute('rise', RISE_PARAMS);
    expect(ours.length).toBe(64 * 64);
    const d = maxRelDiff(ours, reference.rise);
    console.log(`RISE vs torch: max rel diff ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
    // Another seed draws other masks: a map that is not the reference's.
    expect(maxRelDiff(await compute('rise', { ...RISE_PARAMS, seed: 12 }), reference.rise)).toBeGreaterThan(1e-3);
  });

  it('RISE masks are the upsampled grids: values in [0, 1], about p of them kept', () => {
    const next = riseMasks({ seed: 3, cells: 7, keep: 0.5, height: 64, width: 64 });
    const m = new Float32Array(64 * 64);
    let [mean, lo, hi] = [0, Infinity, -Infinity];
    for (let i = 0; i < 400; i++) {
      next(m);
      for (const v of m) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        mean += v;
      }
    }
    expect([lo, hi]).toEqual([0, 1]);
    expect(mean / (400 * 64 * 64)).toBeCloseTo(0.5, 1);
  });

  it.each(OCCLUSIONS.map((o, i) => [i, o] as const))('occlusion %i equals the torch reference (Captum definition)', async (i, params) => {
    const ours = await compute('occlusion', params);
    const d = maxRelDiff(ours, reference.occlusion[i]);
    console.log(`occlusion ${JSON.stringify(params)} vs torch: max rel diff ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
    expect(ours.some((v) => v !== 0)).toBe(true);
    if (i === 1) expect(ours[63 * 64 + 63]).toBe(0); // no window covers the corner
  });

  it("LiMA's evaluator: the head's probability vector stands in for the embedding a black-box pack lacks", async () => {
    const images = new Float32Array(3 * image.length);
    for (let i = 0; i < 3; i++)
      images.set(
        image.map((x) => x * (1 - i / 3)),
        i * image.length,
      );
    const r = await probabilityAndEmbedding(runtime, manifest, target).evaluate(images, 3);
    expect(r.dim).toBe(7);
    expect(Array.from(r.embedding)).toEqual(Array.from(r.probabilities, Math.fround));
    expect(r.probability[0]).toBeCloseTo(reference.probability, 6);
  });

  it('refuses a window larger than the input', async () => {
    await expect(compute('occlusion', { window: 65, stride: 8, baseline: 0 })).rejects.toMatchObject({
      code: 'explain.bad-params',
      detail: { param: 'window' },
    });
  });
});
