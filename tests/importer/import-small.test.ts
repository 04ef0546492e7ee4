// The ViT importer's refusals and layout options on small seeded checkpoints (the python unittest
// tests/importer/test_import_vit.py: timm average pool + fc_norm with resampled position embeddings,
// Hugging Face Dinov2ForImageClassification, DINO's probe with avgpool_patchtokens, and every
// refusal naming its key, shape or option), and one pack whose head reads the average patch token
// (the full-block tail graph) checked from the TypeScript side against its fixtures.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/data';
import { importVariant, packParity, python } from './pack-parity';

describe('ViT importer on small checkpoints', () => {
  it(
    'the python tests pass: layouts against an independent forward pass, refusals naming the key',
    () => {
      const r = python(['-m', 'unittest', '-v', 'tests/importer/test_import_vit.py']);
      const summary = r.stderr.split('\n').filter((l) => / \.\.\. |^Ran |^OK|FAILED/.test(l));
      console.log(summary.join('\n'));
      expect(r.status, r.stderr.slice(-4000)).toBe(0);
      expect(summary.filter((l) => l.endsWith('... ok')).length).toBeGreaterThanOrEqual(17);
    },
    20 * 60_000,
  );

  it(
    'a Hugging Face Dinov2 classifier (CLS + mean patch token) loads and reproduces its fixtures through the full-block tail',
    async () => {
      const { pack } = importVariant('hf-dinov2-small', tempDir('verdict-import-hfd2-'));
      const worst = await packParity(pack);
      expect(worst['cdam']).toBeLessThanOrEqual(1e-5);
    },
    10 * 60_000,
  );
});
