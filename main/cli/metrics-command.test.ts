// `verdict metrics` in a child process on the demo study: the CDAM paper's and the LiMA paper's
// tables for a pack, each cell a mean over the explained cases; wrong arguments refused.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../tests/support/data';
import { runVerdict } from '../../tests/support/run-verdict';

let db: string;

beforeAll(async () => {
  db = join(tempDir(), 'study.db');
  expect((await runVerdict(['import', join(repoRoot, 'demo'), '--db', db, '--json'])).code).toBe(0);
}, 120_000);

describe('verdict metrics', () => {
  it('prints both tables for the methods asked, over the cases asked', async () => {
    const r = await runVerdict([
      'metrics',
      '--db',
      db,
      '--model',
      'test-vit-isic',
      '--methods',
      'cdam,attention',
      '--cases',
      '2',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      cases: number;
      tables: {
        cdam: { method: string; cells: Record<string, { n: number; mean: number | null }> }[];
        lima: { method: string; cells: Record<string, { n: number }> }[];
      };
      results: { metrics: { value: number | null }[] }[];
    };
    expect(out.cases).toBe(2);
    expect(out.tables.cdam.map((row) => row.method)).toEqual(['cdam', 'attention']);
    const cdam = out.tables.cdam[0].cells;
    expect(Object.keys(cdam)).toEqual(['cdam-fidelity', 'box-sensitivity', 'class-discrimination', 'compactness']);
    for (const c of Object.values(cdam)) expect(c.n).toBe(2);
    // Attention does not depend on the target: no class discrimination to report.
    expect(out.tables.cdam[1].cells['class-discrimination']).toMatchObject({ n: 0, mean: null });
    expect(out.tables.lima[0].cells['lima-insertion'].n).toBe(2);
    expect(out.results).toHaveLength(4);
  }, 120_000);

  it('refuses an unknown method or metric, naming it', async () => {
    expect((await runVerdict(['metrics', '--db', db, '--model', 'test-vit-isic', '--methods', 'gradcam'])).stderr).toContain(
      '--methods: no method "gradcam"',
    );
    expect((await runVerdict(['metrics', '--db', db, '--model', 'test-vit-isic', '--metrics', 'auc'])).stderr).toContain(
      '--metrics: no metric "auc"',
    );
  }, 60_000);
});
