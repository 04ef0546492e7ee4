// `verdict localisation` in a child process on the demo study (which holds ISIC_0000000 with its
// five Task 2 attribute masks): one row per axis × attribute present in the image, with scores
// in range; a model without axes is refused by name.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../tests/support/data';
import { runVerdict } from '../../tests/support/run-verdict';
import type { LocalisationRow } from '../services/explain/metrics/attribute-localisation';

let db: string;

beforeAll(async () => {
  db = join(tempDir(), 'study.db');
  expect((await runVerdict(['import', join(repoRoot, 'demo'), '--db', db, '--json'])).code).toBe(0);
}, 120_000);

describe('verdict localisation', () => {
  it('scores each axis map of the attribute model against each Task 2 mask present', async () => {
    const r = await runVerdict(['localisation', '--db', db, '--model', 'isic-explicd', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = JSON.parse(r.stdout) as { rows: LocalisationRow[] };
    const axes = [...new Set(rows.map((x) => x.axis))];
    const attributes = [...new Set(rows.map((x) => x.attribute))];
    expect(axes).toEqual(['color', 'shape', 'border', 'dermoscopic-patterns', 'texture', 'symmetry', 'elevation']);
    // ISIC_0000000 shows a pigment network (its mask is not empty); every attribute reported is a Task 2 one.
    expect(attributes).toContain('pigment_network');
    for (const a of attributes) expect(['globules', 'milia_like_cyst', 'negative_network', 'pigment_network', 'streaks']).toContain(a);
    expect(rows).toHaveLength(axes.length * attributes.length);
    for (const row of rows) {
      expect(row.maskPixels).toBeGreaterThan(0);
      expect(row.iou).toBeGreaterThanOrEqual(0);
      expect(row.iou).toBeLessThanOrEqual(1);
    }
    const text = await runVerdict(['localisation', '--db', db, '--model', 'isic-explicd']);
    expect(text.stdout).toContain('Attribute localisation — isic-explicd, 1 case with Task 2 masks');
    expect(text.stdout.split('\n').filter((l) => l.startsWith('dermoscopic-patterns'))).toHaveLength(1);
  }, 120_000);

  it('refuses a model without diagnostic axes', async () => {
    const r = await runVerdict(['localisation', '--db', db, '--model', 'isic-vit']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has no diagnostic axes');
  }, 60_000);
});
