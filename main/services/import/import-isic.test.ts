// Import of real ISIC images with their labels and ISIC_0000000 with its Task 2 masks.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isicFolder, isicLabels } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import type { ImportReport } from '../../../app/domain';

const IDS = ['ISIC_0024306', 'ISIC_0024307', 'ISIC_0024308'];
const v = testVerdict();
let report: ImportReport;
afterAll(() => v.close());
beforeAll(async () => {
  report = await v.imports.run(isicFolder(IDS));
});

const labelRow = (id: string) => {
  const [header, ...rows] = readFileSync(isicLabels, 'utf8').trim().split('\n');
  const cols = header.split(',');
  const row = rows.find((r) => r.startsWith(`${id},`))!.split(',');
  return Object.fromEntries(cols.map((c, i) => [c, row[i]]));
};

describe('import of ISIC dermoscopy', () => {
  it('makes one case per image, nothing refused', () => {
    expect(report.status).toBe('done');
    expect(report.refused).toEqual([]);
    expect(report.cases).toHaveLength(4);
    expect(v.cases.list().every((c) => c.modality === 'dermoscopy' && c.source === 'isic')).toBe(true);
  });

  it('stores each labelled image\u2019s diagnosis and metadata as labels.csv gives them', () => {
    const sourceRefs = v.study.db.prepare('SELECT id, source_ref AS ref FROM study_case').all() as { id: number; ref: string }[];
    for (const id of IDS) {
      const caseId = sourceRefs.find((r) => r.ref === id)!.id;
      const truth = v.cases.get(caseId).truth!;
      const row = labelRow(id);
      expect(truth.diagnosis).toBe(row.dx);
      expect(truth.site).toBe(row.localization);
      expect(truth.sex).toBe(row.sex);
      expect(truth.age).toBe(Number(row.age));
    }
  });

  it('finds the five attribute masks and the segmentation of ISIC_0000000, at the image size', async () => {
    const c = v.cases.list().find((x) => v.cases.get(x.id).images[0].masks.length > 0)!;
    const d = v.cases.get(c.id);
    expect(d.truth).toBeNull();
    expect(d.images[0]).toMatchObject({ width: 1022, height: 767 });
    expect(d.images[0].masks.map((m) => m.name).sort()).toEqual([
      'globules',
      'milia_like_cyst',
      'negative_network',
      'pigment_network',
      'segmentation',
      'streaks',
    ]);
    const pigment = d.images[0].masks.find((m) => m.name === 'pigment_network')!;
    const mask = await v.imaging.mask(pigment.id);
    const bytes = new Uint8Array(mask.mask);
    expect(bytes.length).toBe(1022 * 767);
    expect(bytes.reduce((n, b) => n + b, 0)).toBe(pigment.area);
    expect(pigment.area).toBeGreaterThan(1000);
    expect(report.warnings.some((w) => w.includes('ISIC_0000000'))).toBe(true);
  });

  it('serves the image as RGBA', async () => {
    const d = v.cases.get(v.cases.list()[1].id);
    const img = await v.imaging.dermoImage(d.images[0].id);
    expect(img.rgba.byteLength).toBe(img.width * img.height * 4);
    expect(new Uint8Array(img.rgba)[3]).toBe(255);
  });
});
