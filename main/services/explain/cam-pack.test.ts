// CAM and Grad-CAM on the demo CNN's black-box pack (models/isic-cnn/pack): the maps this side
// computes from the ONNX graph's feature map and the declared head equal the reference maps
// that models/isic-cnn/export.py wrote with torch.autograd in float64 (Grad-CAM as
// jacobgil/pytorch-grad-cam defines it) on held-out ISIC images; a head that does not reproduce
// the graph's logits, or does not fit its shapes, is refused at load naming the field; the pack
// writer and `verdict model pack` write the declaration (--cam-features, --cam-head) and refuse
// a wrong head without leaving a folder.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packMethods, packProvides, parseManifest } from '../models/manifest';
import { loadPack } from '../models/load-pack';
import type { ModelRuntime } from '../models/model-runtime';
import { openRuntime } from '../models/open-runtime';
import { sha256Hex } from '../models/pack-files';
import { modelPackCommand } from '../../cli/model-pack-command';
import { writeBlackBoxPack } from '../models/black-box-pack';
import { declareCam } from '../models/cam-pack';
import { copyPack, packRefusal, type ManifestJson } from '../models/test-packs';
import { repoRoot, tempDir } from '../../../tests/support/data';
import { silentLog } from '../../log';
import { camGrid } from './cam';
import { cam } from './methods/cam';
import { gradCam } from './methods/grad-cam';
import type { MethodRun } from './methods/types';

const CNN_PACK = process.env.VERDICT_CNN_PACK ?? join(repoRoot, 'models/isic-cnn/pack');

type RefMap = { target: string; targetIndex: number; camGrid: number[]; cam: string; gradCam: string };
type RefCase = { imageId: string; label: string; image: string; logits: number[]; maps: RefMap[] };
type CamFixtures = {
  image: { height: number; width: number; mean: number[]; std: number[] };
  grid: [number, number];
  cases: RefCase[];
};

const f32 = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
};

/** The fixture's HWC uint8 image as the model input: /255, minus mean, over std, planar (as the export's to_input, in float32). */
function modelInput(fx: CamFixtures, c: RefCase): Float32Array {
  const { height, width, mean, std } = fx.image;
  const u8 = Buffer.from(c.image, 'base64');
  const out = new Float32Array(3 * height * width);
  for (let i = 0; i < height * width; i++)
    for (let ch = 0; ch < 3; ch++) out[ch * height * width + i] = Math.fround(Math.fround(u8[i * 3 + ch] / 255) - mean[ch]) / std[ch];
  return out;
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const manifestOf = (dir: string): ManifestJson => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestJson;

describe('CAM and Grad-CAM on the demo CNN pack', () => {
  const fx = JSON.parse(readFileSync(join(CNN_PACK, 'fixtures.json'), 'utf8')) as CamFixtures;
  let runtime: ModelRuntime;

  beforeAll(async () => {
    const pack = await loadPack(CNN_PACK);
    runtime = await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog);
  });
  afterAll(async () => {
    await runtime?.release();
  });

  it('offers CAM and Grad-CAM beside the black-box methods, from blackBox.cam', () => {
    const m = parseManifest(readFileSync(join(CNN_PACK, 'manifest.json'), 'utf8'));
    expect(packProvides(m)).toEqual(['black-box', 'cam']);
    expect(packMethods(m)).toEqual(expect.arrayContaining(['lima', 'cam', 'grad-cam']));
    expect(packMethods(m)).not.toContain('cdam');
    expect(runtime.cam?.grid).toEqual({ channels: runtime.cam!.head.channels, rows: fx.grid[0], cols: fx.grid[1] });
  });

  it('equals the reference maps (torch.autograd, pytorch-grad-cam) on held-out images', async () => {
    expect(fx.cases.length).toBeGreaterThanOrEqual(3);
    let maps = 0;
    for (const c of fx.cases) {
      const image = modelInput(fx, c);
      const pass = await runtime.backbone(image, 1);
      // The graph's logits are torch's (float32 ONNX Runtime against float64 torch).
      expect(maxDiff(pass.outputs, c.logits)).toBeLessThan(1e-4 * Math.max(1, maxAbs(c.logits)));
      for (const r of c.maps) {
        const run = {
          model: runtime,
          manifest: undefined as never,
          image,
          pass,
          target: { kind: 'output', name: r.target, index: r.targetIndex },
          params: {},
          signal: new AbortController().signal,
          progress: () => {},
        } satisfies MethodRun;
        const grid = camGrid(pass.features!, runtime.cam!.grid, runtime.cam!.head, r.targetIndex);
        expect(maxDiff(grid, r.camGrid)).toBeLessThan(1e-4 * Math.max(1, maxAbs(r.camGrid)));
        const camMap = await cam.compute(run);
        const refCam = f32(r.cam);
        expect(camMap.length).toBe(fx.image.height * fx.image.width);
        expect(maxDiff(camMap, refCam)).toBeLessThan(1e-4 * Math.max(1, maxAbs(refCam)));
        const g = await gradCam.compute(run);
        const refG = f32(r.gradCam);
        // Both scaled to 0…1: an absolute tolerance.
        expect(maxAbs(refG)).toBeCloseTo(1, 5);
        expect(maxDiff(g, refG)).toBeLessThan(1e-4);
        maps++;
      }
    }
    expect(maps).toBeGreaterThanOrEqual(4);
  });

  it('refuses a head that does not reproduce the graph’s logits, naming blackBox.cam', async () => {
    const dir = copyPack(CNN_PACK);
    const headPath = join(dir, 'cam-head.json');
    const head = JSON.parse(readFileSync(headPath, 'utf8')) as { weight: number[][]; bias: number[] };
    // Swap two classes' rows: a plausible head, but not this graph's.
    [head.weight[0], head.weight[1]] = [head.weight[1], head.weight[0]];
    writeFileSync(headPath, JSON.stringify(head));
    const m = manifestOf(dir);
    m.files.camHead.sha256 = sha256Hex(readFileSync(headPath));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await packRefusal(dir);
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.detail).toMatchObject({ field: 'blackBox.cam' });
    expect(e.message).toMatch(
      /blackBox\.cam: the declared head \(files\.camHead "cam-head\.json"\) does not reproduce the graph's "logits"/,
    );
  });

  it('refuses a head file of the wrong shape, naming its field', async () => {
    const dir = copyPack(CNN_PACK);
    const headPath = join(dir, 'cam-head.json');
    const head = JSON.parse(readFileSync(headPath, 'utf8')) as { weight: number[][]; bias: number[] };
    head.weight[2] = head.weight[2].slice(1);
    writeFileSync(headPath, JSON.stringify(head));
    const m = manifestOf(dir);
    m.files.camHead.sha256 = sha256Hex(readFileSync(headPath));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await packRefusal(dir);
    expect(e.message).toMatch(/cam-head\.json: weight\[2\]: expected \d+ values \(the channels of "features"\)/);
  });
  it('declares CAM on a plain black-box pack (declareCam), and leaves the pack as it was when the head is wrong', async () => {
    // The demo pack without its CAM declaration: what `verdict model pack` writes before --cam-features.
    const dir = copyPack(CNN_PACK);
    const src = copyPack(CNN_PACK);
    const m = manifestOf(dir);
    delete m.blackBox.cam;
    delete m.files.camHead;
    delete m.files.fixtures;
    delete m.graphs.model.outputs.features;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    rmSync(join(dir, 'cam-head.json'));
    rmSync(join(dir, 'fixtures.json'));
    const plain = readFileSync(join(dir, 'manifest.json'), 'utf8');
    expect(packMethods(parseManifest(plain))).not.toContain('cam');

    const wrong = join(src, 'wrong-head.json');
    const head = JSON.parse(readFileSync(join(src, 'cam-head.json'), 'utf8')) as { weight: number[][]; bias: number[] };
    head.bias[3] += 1;
    writeFileSync(wrong, JSON.stringify(head));
    await expect(declareCam(dir, { features: 'features', head: wrong })).rejects.toThrow(/blackBox\.cam: the declared head/);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(plain);
    expect(existsSync(join(dir, 'cam-head.json'))).toBe(false);
    await expect(declareCam(dir, { features: 'conv9', head: join(src, 'cam-head.json') })).rejects.toThrow(
      /model\.onnx: the graph has no output "conv9"/,
    );

    const loaded = await declareCam(dir, { features: 'features', head: join(src, 'cam-head.json'), fixtures: join(src, 'fixtures.json') });
    expect(loaded.manifest.blackBox?.cam).toEqual({ features: 'features' });
    expect(loaded.manifest.graphs.model?.outputs.features).toEqual([-1, runtime.cam!.head.channels, ...fx.grid]);
    expect(packMethods(loaded.manifest)).toEqual(expect.arrayContaining(['cam', 'grad-cam']));
  });
  it('is written by the pack writer (verdict model pack --cam-features --cam-head), which refuses a wrong head and leaves no folder', async () => {
    const work = tempDir('verdict-cam-pack-');
    const m = manifestOf(CNN_PACK);
    const labels = join(work, 'labels.txt');
    writeFileSync(labels, (m.outputs[0].units as { name: string; label?: string }[]).map((u) => `${u.name}\t${u.label ?? ''}\n`).join(''));
    const base = { onnx: join(CNN_PACK, 'model.onnx'), modality: 'dermoscopy' as const, input: 128, normalise: m.input.normalise, labels };
    const bad = join(work, 'bias.json');
    const head = JSON.parse(readFileSync(join(CNN_PACK, 'cam-head.json'), 'utf8')) as { weight: number[][]; bias: number[] };
    head.bias = head.bias.map((b) => b + 0.5);
    writeFileSync(bad, JSON.stringify(head));
    await expect(writeBlackBoxPack({ ...base, out: join(work, 'bad'), cam: { features: 'features', head: bad } })).rejects.toThrow(
      /blackBox\.cam: the declared head/,
    );
    expect(existsSync(join(work, 'bad'))).toBe(false);
    const { manifest } = await writeBlackBoxPack({
      ...base,
      out: join(work, 'pack'),
      id: 'cnn-again',
      cam: { features: 'features', head: join(CNN_PACK, 'cam-head.json') },
    });
    expect(manifest.blackBox).toEqual({ input: 'image', output: 'logits', outputKind: 'logits', cam: { features: 'features' } });
    expect(packMethods(manifest)).toEqual(expect.arrayContaining(['lima', 'cam', 'grad-cam']));
    expect(readFileSync(join(work, 'pack', 'card.md'), 'utf8')).toContain('CAM and Grad-CAM');
  });
  it('takes the card and the CAM declaration on the command line', async () => {
    const work = tempDir('verdict-cam-cli-');
    const m = manifestOf(CNN_PACK);
    writeFileSync(join(work, 'labels.txt'), (m.outputs[0].units as { name: string }[]).map((u) => `${u.name}\n`).join(''));
    writeFileSync(join(work, 'card.json'), JSON.stringify({ intendedUse: 'tests', metrics: { 'balanced accuracy': 0.5 } }));
    const args = ['--onnx', join(CNN_PACK, 'model.onnx'), '--modality', 'dermoscopy', '--input', '128', '--normalise', 'imagenet'];
    const rest = ['--labels', join(work, 'labels.txt'), '--card', join(work, 'card.json'), '--training', 'flag wins', '--json'];
    await expect(modelPackCommand([...args, ...rest, '--out', join(work, 'x'), '--cam-features', 'features'])).rejects.toThrow(
      /--cam-features and --cam-head come together/,
    );
    const log = console.log;
    console.log = () => {};
    try {
      const cam = ['--cam-features', 'features', '--cam-head', join(CNN_PACK, 'cam-head.json')];
      expect(await modelPackCommand([...args, ...rest, '--out', join(work, 'pack'), ...cam])).toBe(0);
    } finally {
      console.log = log;
    }
    const written = manifestOf(join(work, 'pack'));
    expect(written.card).toMatchObject({ intendedUse: 'tests', training: 'flag wins', metrics: { 'balanced accuracy': 0.5 } });
    expect(written.blackBox.cam).toEqual({ features: 'features' });
  });
});
