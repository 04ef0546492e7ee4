// Issue 15 §1 in CI: a real-size DINO ViT-S/8 @224 (785 tokens) with eval_linear.py's linear probe
// on the CLS tokens of the last 4 blocks, seeded random weights written at test time in DINO's own
// key names (tests/importer/checkpoints.py), imported by /usr/bin/python3 -m exporter.import_vit.
// The importer itself refuses a pack whose tail differs from torch.autograd; here the pack must load,
// reproduce its fixtures through the ONNX graphs, and its outputs must equal an independent forward
// pass of the DINO model written from the checkpoint's key names. The other layouts (timm ViT-B/16,
// DINOv2 ViT-S/14 with registers, Hugging Face ViT-B/16) are in `npm run test:importers`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packRefusal, packVariant } from '../../main/services/models/test-packs';
import { tempDir } from '../support/data';
import { importVariant, packParity, python } from './pack-parity';

describe('import a DINO ViT-S/8 checkpoint with a linear probe', () => {
  const dir = tempDir('verdict-import-dino-');
  let pack: string;
  let seconds = 0;

  beforeAll(() => {
    ({ pack, seconds } = importVariant('dino-s8', dir, ['--fixture-cases', '1'])); // one fixture image keeps CI shorter
    console.log(`import_vit dino-s8 (ViT-S/8 @224): ${seconds.toFixed(1)} s`);
  }, 30 * 60_000);

  it('writes a pack of 28×28 patches whose residual carries the 2 earlier CLS rows the probe reads', () => {
    const m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8'));
    expect(m.vit).toEqual({ patchSize: 8, grid: [28, 28], tokens: 785 + 2, extraTokens: 2, dim: 384, heads: 6, depth: 12 });
    expect(m.outputs[0].units.map((u: { name: string }) => u.name)).toEqual(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC']);
    expect(m.export.maxRelDiff.cdam_float32).toBeLessThan(1e-5);
    expect(m.card.intendedUse).toBe('Software tests of the importer only; random weights.');
    expect(m.card.notes.join(' ')).toContain('CLS token 3 block(s) before the last');
  });

  it('its outputs equal an independent forward pass of the DINO model and linear probe', () => {
    const r = python(['tests/importer/checkpoints.py', 'check', 'dino-s8', pack]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).outputsMaxRelDiff).toBeLessThan(1e-9);
  });

  it(
    'loads in Verdict and reproduces its fixtures: backbone, CDAM, concept, Smooth and Integrated CDAM',
    async () => {
      const worst = await packParity(pack);
      console.log(
        `dino-s8 parity (max rel diff): ${Object.entries(worst)
          .map(([k, v]) => `${k} ${v.toExponential(2)}`)
          .join(', ')}`,
      );
      expect(Object.keys(worst)).toContain('smooth-cdam');
    },
    10 * 60_000,
  );

  it('a manifest whose extraTokens do not add up to its tokens is refused, naming vit.tokens', async () => {
    const e = await packRefusal(packVariant(pack, (m) => (m.vit.extraTokens = 1)));
    expect(e.message).toContain('vit.tokens');
    expect(e.message).toContain('expected 786 (the patches, CLS and extraTokens), got 787');
  });

  it('refuses the checkpoint under another layout, naming the missing key', () => {
    const args = JSON.parse(readFileSync(join(dir, 'in', 'args.json'), 'utf8')) as string[];
    args[args.indexOf('--layout') + 1] = 'hf';
    const r = python(['-m', 'exporter.import_vit', ...args, '--out', join(dir, 'refused')], 'models');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("missing key 'embeddings.patch_embeddings.projection.weight'");
  });
});
