import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { clusterNodules, type LidcClustering } from './cluster';
import { parseLidcXml } from './parse-xml';
import { medianSpacing } from './slices';
import { RATINGS_CSV, readSlices, readText, series0001Dir, XML_0003 } from './test-data';
import { LIDC_CHARACTERISTICS as CHARACTERISTIC_NAMES } from '../../../../app/domain';
import type { LidcReadingSession } from './types';

const summary = (c: LidcClustering) =>
  c.nodules.map((n) => n.marks.map((m) => `${m.readerIndex}:${m.noduleId}:${m.characteristics?.malignancy}`));

/**
 * An independent grouping to check against: the LIDC_GDRO ratings table (../shared/data/lidc/
 * nodule-crops/ratings.csv) lists, per physical nodule, every reader's nine ratings in columns
 * Subtlety_1 … Malignancy_4. Returns those per-nodule, per-reader rating strings for one study.
 */
function publishedGroups(studyUid: string): string[][] {
  const rows = parse(readText(RATINGS_CSV), { columns: true }) as Record<string, string>[];
  const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
  const groups = rows
    .filter((r) => r.StudyInstanceUID === studyUid)
    .map((r) => [1, 2, 3, 4].map((k) => CHARACTERISTIC_NAMES.map((c) => r[`${cap(c)}_${k}`]).join('')));
  return [...new Map(groups.map((g) => [g.join('|'), g])).values()];
}
const ourGroups = (c: LidcClustering) =>
  c.nodules.map((n) => n.marks.map((m) => CHARACTERISTIC_NAMES.map((k) => m.characteristics?.[k]).join('')));

describe('LIDC-IDRI-0001 (069.xml with its series)', () => {
  const dir = series0001Dir();
  const slices = readSlices(dir);
  const msg = parseLidcXml(readText(join(dir, '069.xml')), '069.xml');
  const sliceSpacing = medianSpacing(slices.map((s) => s.z)); // 2.5 mm, from ImagePositionPatient
  const c = clusterNodules(msg.sessions, { pixelSpacing: slices[0].pixelSpacing, sliceSpacing });

  test('one large nodule marked by all four readers, malignancy 5, 5, 5, 4', () => {
    expect(slices[0].pixelSpacing).toBe(0.703125);
    expect(sliceSpacing).toBeCloseTo(2.5, 6);
    expect(c.resolved).toBe(true);
    expect(c.toleranceMm).toBeCloseTo(2.5, 6);
    expect(summary(c)).toEqual([['0:Nodule 001:5', '1:IL057_127364:5', '2:MI014_12127:5', '3:0:4']]);
    const [n] = c.nodules;
    expect(n.readerCount).toBe(4);
    expect(n.medianMalignancy).toBe(5);
    // Centre read off the contours: around column 316, row 367, z −116 mm; every reader's
    // largest contour is on z −117.5 and spans 32–34 mm (the LIDC_GDRO table gives a
    // superscribed diameter of 46.6 px = 32.8 mm for this nodule).
    expect(n.centroid.x).toBeCloseTo(316.3, 0);
    expect(n.centroid.y).toBeCloseTo(367.0, 0);
    expect(n.centroid.z).toBeCloseTo(-115.8, 0);
    for (const m of n.marks) {
      expect(m.geometry.largestSlice.z).toBe(-117.5);
      expect(m.geometry.diameterMm).toBeGreaterThan(31);
      expect(m.geometry.diameterMm).toBeLessThan(35);
    }
    expect(ourGroups(c)).toEqual(publishedGroups(msg.studyInstanceUid as string));
  });

  test('small nodules and non-nodules stay per-reader points', () => {
    // Readers 1, 3 and 4 each put three < 3 mm marks at the same three spots.
    expect(c.smallNodules.map((p) => p.readerIndex)).toEqual([0, 0, 0, 2, 2, 2, 3, 3, 3]);
    expect(c.smallNodules[0]).toMatchObject({ kind: 'small-nodule', id: 'Nodule 002', x: 187, y: 166, z: -150 });
    expect(c.nonNodules).toHaveLength(13);
  });
});

describe('LIDC-IDRI-0003 (072.xml, no images)', () => {
  const msg = parseLidcXml(readText(XML_0003), 'LIDC-IDRI-0003-072.xml');
  // Without images the pixel spacing is an assumption. 0.820312 mm is this series' spacing as
  // recorded in the LIDC_GDRO table; the z positions come from the XML (slice spacing inferred:
  // consecutive contours of one mark are 2.5 mm apart).
  const c = clusterNodules(msg.sessions, { pixelSpacing: 0.820312 });

  // Expected grouping, read from the coordinates (contour centres in pixels, z ranges in mm):
  //  A (x≈367, y≈350, z −199…−184): readers 1–3's Nodule 001 / IL057_130591 / MI014_16588 and
  //    reader 4's "0" (z −204…−181.5); their contours overlap.
  //  B (x≈308, y≈198, z −176.5…−169): Nodule 003 / IL057_130602 / MI014_16599 / "8".
  //  C (x≈221, y≈219, z −174…−159): Nodule 002 / IL057_130598 / MI014_16595 / "9".
  //  D: reader 4's "12" at x≈369, y≈346 but z −224…−206.5, under A. Its top contour is one slice
  //    (2.5 mm) below reader 4's "0", so at the starting tolerance (2.5 mm) it joins A, giving a
  //    group of five with two marks by reader 4; the tolerance drops once (2.25 mm) and D stands
  //    alone. B and C are ≥ 43 mm from everything else, A and D 7.5 mm from other readers' marks.
  // So: 4 physical nodules, three marked by all four readers, one by a single reader — what the
  // LIDC_GDRO table lists too (it holds the three multi-reader nodules with these exact ratings).
  test('four physical nodules: 1 + 4 + 4 + 4 marks', () => {
    expect(c.sliceSpacing).toBe(2.5);
    expect(c.toleranceMm).toBeCloseTo(2.25, 12);
    expect(c.resolved).toBe(true);
    expect(summary(c)).toEqual([
      ['3:12:2'],
      ['0:Nodule 001:5', '1:IL057_130591:5', '2:MI014_16588:3', '3:0:4'],
      ['0:Nodule 003:4', '1:IL057_130602:4', '2:MI014_16599:3', '3:8:2'],
      ['0:Nodule 002:4', '1:IL057_130598:5', '2:MI014_16595:3', '3:9:2'],
    ]);
    expect(c.nodules.map((n) => n.readerCount)).toEqual([1, 4, 4, 4]);
    expect(c.nodules.map((n) => n.medianMalignancy)).toEqual([2, 4.5, 3.5, 3.5]);
    expect(c.nodules.reduce((s, n) => s + n.marks.length, 0)).toBe(13);
  });

  test('the same ratings, reader by reader, as the published table', () => {
    const published = publishedGroups(msg.studyInstanceUid as string);
    expect(published).toHaveLength(3);
    expect(ourGroups(c).filter((g) => g.length === 4)).toEqual(expect.arrayContaining(published));
  });

  test('the grouping does not depend on the assumed pixel spacing (0.5–1.0 mm)', () => {
    for (const pixelSpacing of [0.5, 0.6, 0.703125, 0.9, 1.0]) {
      expect(summary(clusterNodules(msg.sessions, { pixelSpacing }))).toEqual(summary(c));
    }
  });
});

describe('tolerance adaptation (synthetic)', () => {
  // A reader's mark: a 4×4-pixel square on each listed slice, at column x.
  const mark = (id: string, x: number, zs: number[], malignancy?: number) => ({
    noduleId: id,
    small: false,
    ...(malignancy
      ? {
          characteristics: {
            subtlety: 3,
            internalStructure: 1,
            calcification: 6,
            sphericity: 3,
            margin: 3,
            lobulation: 1,
            spiculation: 1,
            texture: 5,
            malignancy,
          },
        }
      : {}),
    rois: zs.map((z) => ({
      z,
      sopInstanceUid: `z${z}`,
      inclusion: true,
      edgeMap: [
        { x, y: 0 },
        { x: x + 4, y: 0 },
        { x: x + 4, y: 4 },
        { x, y: 4 },
      ],
    })),
  });
  const readers = (...marks: ReturnType<typeof mark>[][]): LidcReadingSession[] =>
    marks.map((m, i) => ({ radiologistId: `r${i}`, nodules: m, nonNodules: [] }));

  test('more than four marks: the tolerance shrinks until the groups split', () => {
    // Six readers; three mark x 0–4, three mark x 6–10: the groups are 2 px = 2 mm apart.
    const s = readers(...[0, 0, 0, 6, 6, 6].map((x, i) => [mark(`m${i}`, x, [0])]));
    const c = clusterNodules(s, { pixelSpacing: 1, sliceSpacing: 2.5 });
    expect(c.resolved).toBe(true);
    expect(c.toleranceMm).toBeCloseTo(2.5 * 0.9 ** 3, 12); // 2.5 → 2.25 → 2.025 → 1.8225 < 2
    expect(c.nodules.map((n) => n.marks.map((m) => m.readerIndex))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  test('two marks by one reader: split even when the group has ≤ 4 marks', () => {
    const s = readers([mark('a', 0, [0, 2.5], 3), mark('b', 0, [5, 7.5], 5)], [mark('c', 0, [0, 2.5], 4)]);
    const c = clusterNodules(s, { pixelSpacing: 1, sliceSpacing: 2.5 });
    expect(c.toleranceMm).toBeCloseTo(2.25, 12);
    expect(c.nodules.map((n) => n.marks.map((m) => m.noduleId))).toEqual([['a', 'c'], ['b']]);
    expect(c.nodules.map((n) => n.medianMalignancy)).toEqual([3.5, 5]);
  });

  test('unresolvable: five identical marks are returned together, flagged', () => {
    const c = clusterNodules(readers(...[0, 1, 2, 3, 4].map((i) => [mark(`m${i}`, 0, [0])])), { pixelSpacing: 1 });
    expect(c.resolved).toBe(false);
    expect(c.nodules).toHaveLength(1);
    expect(c.nodules[0].medianMalignancy).toBeNull();
    expect(c.toleranceMm).toBeGreaterThanOrEqual(0.1);
  });

  test('no marks at all', () => {
    const c = clusterNodules(readers([]), { pixelSpacing: 0.7 });
    expect(c).toMatchObject({ nodules: [], smallNodules: [], nonNodules: [], resolved: true, sliceSpacing: 2.5 });
  });
});
