// `npm run test:importers`: the real-size layouts that CI leaves out (DINO ViT-S/8 runs in CI:
// import-dino.test.ts). Each: a seeded checkpoint in the layout's own key names, imported by
// /usr/bin/python3 -m exporter.import_vit (which refuses a tail that differs from torch.autograd),
// its outputs against an independent forward pass, and the pack loaded in Verdict reproducing its
// fixtures through the ONNX graphs. Timings are printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/data';
import { importVariant, packParity, python } from './pack-parity';

const LAYOUTS: [string, Record<string, unknown>][] = [
  ['timm-b16', { patchSize: 16, grid: [14, 14], tokens: 197, dim: 768, heads: 12, depth: 12 }],
  // 4 registers + the CLS tokens of blocks 2 and 3 before the last (the probe reads 4 blocks and the average patch token)
  ['dinov2-s14-reg4', { patchSize: 14, grid: [16, 16], tokens: 257 + 4 + 2, extraTokens: 6, dim: 384, heads: 6, depth: 12 }],
  ['hf-vit-b16', { patchSize: 16, grid: [14, 14], tokens: 197, dim: 768, heads: 12, depth: 12 }],
];

describe.each(LAYOUTS)('import %s', (variant, vit) => {
  it(
    'exports a verified pack that equals the original model and reproduces its fixtures in Verdict',
    async () => {
      const { pack, seconds } = importVariant(variant, tempDir(`verdict-import-${variant}-`));
      const m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8'));
      expect(m.vit).toEqual(vit);
      const check = python(['tests/importer/checkpoints.py', 'check', variant, pack]);
      expect(check.status, check.stderr).toBe(0);
      const outputs = JSON.parse(check.stdout).outputsMaxRelDiff as number;
      expect(outputs).toBeLessThan(1e-9);
      const t = Date.now();
      const worst = await packParity(pack);
      console.log(
        `${variant}: import ${seconds.toFixed(1)} s, TS parity ${((Date.now() - t) / 1000).toFixed(1)} s; ` +
          `tail vs autograd ${JSON.stringify(m.export.maxRelDiff)}; outputs vs independent forward ${outputs.toExponential(2)}; ` +
          Object.entries(worst)
            .map(([k, v]) => `${k} ${v.toExponential(2)}`)
            .join(', '),
      );
    },
    60 * 60_000,
  );
});
