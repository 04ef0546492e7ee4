// writeBlackBoxPack and `verdict model pack` on real ONNX graphs: torch exports made here (Debian's
// python3) with their own tensor names, a probabilities output, and graphs that do not fit —
// each refused naming the tensor and what is wrong. The written pack loads as the app loads it.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { repoRoot, tempDir } from '../../../tests/support/data';
import { runVerdict } from '../../../tests/support/run-verdict';
import { silentLog } from '../../log';
import { writeBlackBoxPack, type BlackBoxPackOptions } from './black-box-pack';
import { loadPack } from './load-pack';
import { packMethods } from './manifest';
import { openRuntime } from './open-runtime';

const GRAPHS = `
import sys, torch, torch.nn as nn
torch.manual_seed(1)
out = sys.argv[1]
class Net(nn.Module):
    def __init__(self, k=7, softmax=False, size=None):
        super().__init__(); self.conv = nn.Conv2d(3, 4, 3, padding=1); self.fc = nn.Linear(4, k); self.softmax = softmax
    def forward(self, x):
        y = self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))
        return torch.softmax(y, 1) if self.softmax else y
class Two(nn.Module):
    def __init__(self):
        super().__init__(); self.net = Net()
    def forward(self, x, y):
        return self.net(x + y)
class Rank3(Net):
    def forward(self, x):
        return super().forward(x)[:, :, None]
def export(model, name, inputs, names, outputs, dynamic=True):
    axes = {n: {0: 'batch'} for n in names + outputs} if dynamic else None
    torch.onnx.export(model.eval(), inputs, f'{out}/{name}.onnx', input_names=names, output_names=outputs, dynamic_axes=axes, opset_version=17)
x = torch.zeros(1, 3, 32, 32)
export(Net(softmax=True), 'probs', x, ['pixel_values'], ['probs'])
export(Net(), 'fixed-batch', x, ['input'], ['logits'], dynamic=False)
export(Net(k=5), 'five', x, ['input'], ['logits'])
export(Two(), 'two-inputs', (x, x), ['a', 'b'], ['logits'])
export(Rank3(), 'rank3', x, ['input'], ['logits'])
torch.onnx.export(Net().eval(), x, f'{out}/fixed-size.onnx', input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'b'}, 'logits': {0: 'b'}}, opset_version=17)
`;

const ISIC = ['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC'];
let dir: string;
let labels: string;

const opts = (onnx: string, over: Partial<BlackBoxPackOptions> = {}): BlackBoxPackOptions => ({
  onnx: join(dir, `${onnx}.onnx`),
  out: join(tempDir('verdict-bb-pack-'), 'pack'),
  modality: 'dermoscopy',
  input: 32,
  normalise: 'imagenet',
  labels,
  ...over,
});

async function refusal(o: BlackBoxPackOptions): Promise<VerdictError> {
  try {
    await writeBlackBoxPack(o);
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('accepted');
}

beforeAll(() => {
  dir = tempDir('verdict-bb-graphs-');
  const r = spawnSync('/usr/bin/python3', ['-c', GRAPHS, dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(r.stderr);
  labels = join(dir, 'labels.txt');
  writeFileSync(labels, ISIC.map((n) => `${n}\t${n.toLowerCase()}`).join('\n'));
}, 120_000);

describe('writeBlackBoxPack', () => {
  it('packs a graph that puts out probabilities under its own names; the runtime gives them back through softmax', async () => {
    const { dir: pack, manifest } = await writeBlackBoxPack(opts('probs', { outputKind: 'probabilities', id: 'probs-net' }));
    expect(manifest.blackBox).toEqual({ input: 'pixel_values', output: 'probs', outputKind: 'probabilities' });
    expect(manifest.graphs.model).toEqual({ inputs: { pixel_values: [-1, 3, 32, 32] }, outputs: { probs: [-1, 7] } });
    expect(manifest.outputs[0].units[1]).toEqual({ name: 'NV', label: 'nv' });
    expect(manifest.input.normalise.mean).toEqual([0.485, 0.456, 0.406]);
    expect(packMethods(manifest)).toEqual(expect.arrayContaining(['lima', 'rise', 'occlusion']));
    expect(packMethods(manifest)).not.toContain('cdam');
    const loaded = await loadPack(pack);
    expect(loaded.files.map((f) => f.role).sort()).toEqual(['card', 'model']);
    expect(readFileSync(join(pack, 'card.md'), 'utf8')).toContain('Not stated');
    const runtime = await openRuntime(loaded.dir, loaded.manifest, ['cpu'], silentLog);
    try {
      const image = Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i / 50));
      const { outputs } = await runtime.backbone(image, 2);
      for (const row of [outputs.subarray(0, 7), outputs.subarray(7, 14)]) {
        const p = Array.from(row, Math.exp);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // log-probabilities: softmax(log p) = p
      }
    } finally {
      await runtime.release();
    }
  });

  it.each([
    ['fixed-batch', {}, 'input', 'input "input" fixes the batch dimension at 1; export it with a free (dynamic) batch axis'],
    ['five', {}, 'logits', 'output "logits" has 5 columns [batch, 5], but the labels file lists 7 classes'],
    ['fixed-size', { input: 64 }, 'input', 'input "input" is [b, 3, 32, 32], but the pack\'s input is 64×64 (NCHW: dimension 2 is 32)'],
    ['two-inputs', {}, 'b', 'expected one image input, the graph has 2: "a", "b"'],
    ['rank3', {}, 'logits', 'output "logits" has shape [batch, 7, 1]; expected [batch, 7] (one column per label)'],
  ] as const)('refuses %s, naming the tensor', async (name, over, tensor, message) => {
    const e = await refusal(opts(name, over));
    expect(e.code).toBe('model.bad-shape');
    expect(e.message).toContain(`${name}.onnx: `);
    expect(e.message).toContain(message);
    expect(e.detail?.tensor).toContain(tensor);
  });

  it('refuses a labels file that names a class twice, and a folder that is not empty', async () => {
    const twice = join(dir, 'twice.txt');
    writeFileSync(twice, 'MEL\nNV\n\nMEL\tagain\n');
    expect((await refusal(opts('probs', { labels: twice }))).message).toContain('twice.txt: line 4: class "MEL" is listed twice');
    const full = tempDir('verdict-bb-full-');
    writeFileSync(join(full, 'x'), '');
    expect((await refusal(opts('probs', { out: full }))).message).toContain('is not empty');
  });

  it('writes a CT pack as a crop of the CT window (3 channels: the plane repeated, as ct-crop.ts does)', async () => {
    const { manifest } = await writeBlackBoxPack(opts('probs', { modality: 'CT', normalise: 'none', outputKind: 'probabilities' }));
    expect(manifest.input).toMatchObject({ kind: 'ct-crop', channels: 3, ct: { cropPixels: 32, window: { center: -300, width: 1400 } } });
    expect(manifest.input.normalise).toEqual({ mean: [0, 0, 0], std: [1, 1, 1] });
  });
});

describe('verdict model pack', () => {
  it('writes the pack from the command line, and refuses a bad graph naming it', async () => {
    const out = join(tempDir('verdict-bb-cli-'), 'pack');
    const args = ['model', 'pack', '--modality', 'dermoscopy', '--input', '32', '--normalise', '0.5,0.5,0.5/0.25,0.25,0.25'];
    const ok = await runVerdict([
      ...args,
      '--onnx',
      join(dir, 'probs.onnx'),
      '--labels',
      labels,
      '--out',
      out,
      '--output-kind',
      'probabilities',
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('pack probs written to');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.input.normalise).toEqual({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    const bad = await runVerdict([...args, '--onnx', join(dir, 'five.onnx'), '--labels', labels, '--out', join(out, '..', 'other')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('five.onnx: output "logits" has 5 columns');
  });

  it('the committed test CNN pack is the one its script writes: input → logits, 64×64, the 7 ISIC classes', async () => {
    const { manifest } = await loadPack(join(repoRoot, 'models/test-cnn/pack'));
    expect(manifest.blackBox).toEqual({ input: 'input', output: 'logits', outputKind: 'logits' });
    expect(manifest.outputs[0].units.map((u) => u.name)).toEqual(ISIC);
    expect(manifest.purpose).toBe('test');
  });
});
