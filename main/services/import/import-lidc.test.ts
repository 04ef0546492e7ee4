// Import of the real LIDC-IDRI-0001 series with its four readers' XML, through the service.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLidcXml } from '../imaging/lidc';
import { lidc0001 } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import type { CaseDetail, ImportReport } from '../../../app/domain';

const v = testVerdict();
let report: ImportReport;
let detail: CaseDetail;
afterAll(() => v.close());
beforeAll(async () => {
  report = await v.imports.run(lidc0001);
  detail = v.cases.get(report.cases[0].caseId);
});

const xmlPath = () => {
  const rel = readdirSync(lidc0001, { recursive: true, encoding: 'utf8' }).find((p) => p.endsWith('.xml'))!;
  return join(lidc0001, rel);
};

describe('import of LIDC-IDRI-0001', () => {
  it('makes one LIDC case with the 133-slice series and nothing refused', () => {
    expect(report.status).toBe('done');
    expect(report.refused).toEqual([]);
    expect(report.cases).toHaveLength(1);
    expect(detail).toMatchObject({ source: 'lidc', modality: 'CT', seriesCount: 1, imageCount: 133, readerCount: 4 });
    const [s] = detail.series;
    expect(s).toMatchObject({
      sliceCount: 133,
      rows: 512,
      columns: 512,
      sliceSpacing: 2.5,
      pixelSpacing: [0.703125, 0.703125],
      gapsAfter: [],
    });
  });

  it('never gives the patient ID to the renderer', () => {
    expect(JSON.stringify(detail)).not.toContain('LIDC-IDRI-0001');
    expect(JSON.stringify(v.cases.list())).not.toContain('LIDC-IDRI');
    expect(detail.label).toBe('CT-001');
  });

  it('orders slices along the normal, not by file name', () => {
    const pos = detail.series[0].slicePositions;
    for (let i = 1; i < pos.length; i++) expect(pos[i] - pos[i - 1]).toBeCloseTo(2.5, 3);
  });

  it('clusters the four readers\u2019 marks of the large nodule into one nodule with their ratings', () => {
    const big = detail.nodules.find((n) => n.readerCount === 4)!;
    expect(big).toBeDefined();
    expect(big.marks.map((m) => m.reader)).toEqual([1, 2, 3, 4]);
    // Each stored rating equals what the reader wrote in the XML for that nodule ID.
    const xml = parseLidcXml(readFileSync(xmlPath(), 'utf8'), '069.xml');
    for (const m of big.marks) {
      const written = xml.sessions[m.reader - 1].nodules.find((n) => n.noduleId === m.readerNoduleId)!;
      expect(m.characteristics).toEqual(written.characteristics);
      expect(m.contours.length).toBe(written.rois.length);
    }
    expect(big.diameterMm).toBeGreaterThan(25);
    expect(big.marks.every((m) => m.contours.some((c) => c.sliceIndex === big.largestSliceIndex))).toBe(true);
  });

  it('puts every contour on the slice with its SOP Instance UID', () => {
    const rows = v.study.db
      .prepare(
        `SELECT c.sop_uid AS contourSop, i.sop_uid AS sliceSop FROM lidc_contour c
      JOIN lidc_mark m ON m.id = c.mark_id JOIN lidc_reading r ON r.id = m.reading_id
      JOIN image i ON i.case_id = r.case_id AND i.slice_index = c.slice_index`,
      )
      .all() as { contourSop: string; sliceSop: string }[];
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expect(r.sliceSop).toBe(r.contourSop);
  });

  it('serves slices in HU with air and bone where they belong', async () => {
    const mid = await v.imaging.ctSlice(detail.series[0].id, 66);
    const hu = new Int16Array(mid.hu);
    expect(hu.length).toBe(512 * 512);
    let min = Infinity;
    let max = -Infinity;
    for (const x of hu) ((min = Math.min(min, x)), (max = Math.max(max, x)));
    expect(min).toBeLessThanOrEqual(-1000); // air (and the scanner's outside-FOV padding)
    expect(max).toBeGreaterThan(400); // bone
    expect(hu[256 * 512 + 256]).toBeGreaterThan(-1100); // a value inside the body is a plausible HU
  });

  it('skips the series when the same folder is imported again', async () => {
    const again = await v.imports.run(lidc0001);
    expect(again.cases).toEqual([]);
    expect(again.skipped.some((s) => /already in the study/.test(s.reason))).toBe(true);
    expect(v.cases.count()).toBe(1);
  });
});
