// The round trip a study package makes: real files imported on the coordinator's side, their
// image rows de-identified, written into a second database the way a reader's workspace records
// them (path → the new file, its SHA-256, transfer syntax, fresh SOP UID, frame 0), and read back
// through each side's own ImagingService: the viewer must get the same HU and the same RGBA.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { conformance, isicImages, lidcSlices, task2Example, tempDir } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import type { ImportReport } from '../../../app/domain';
import { PLANTED, taggedJpeg, taggedPng } from './deid-test-data';
import { deidentifiedImage, freshUid, type ImageRow, type SeriesRow } from './deidentified-images';

type FullImageRow = ImageRow & { case_id: number; series_id: number | null; slice_index: number | null; slice_position: number | null };
type FullSeriesRow = SeriesRow & { id: number; case_id: number; rows: number; columns: number; slice_count: number };

const coordinator = testVerdict();
const workspace = testVerdict();
afterAll(() => {
  coordinator.close();
  workspace.close();
});

let report: ImportReport;
/** Coordinator's image id → workspace image id, and series id → series id. */
const imageIds = new Map<number, number>();
const seriesIds = new Map<number, number>();
const written = new Map<number, Buffer>();

/** Real files (and real files with identifying metadata added) in one folder to import. */
async function importFolder(): Promise<string> {
  const dir = lidcSlices(3, 'verdict-deid-import-');
  const c = (rel: string, name: string) => copyFileSync(join(conformance, rel), join(dir, name));
  c('dicom-parser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm', 'enhanced-jpeg-ls.dcm');
  c('cornerstone-loader/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm', 'baseline-8bit.dcm');
  c('cornerstone-loader/US-YBR_FULL_422-EVRLE.dcm', 'colour.dcm');
  mkdirSync(join(dir, 'photos'));
  for (const id of ['ISIC_0024306', 'ISIC_0024307']) copyFileSync(join(isicImages, `${id}.jpg`), join(dir, 'photos', `${id}.jpg`));
  writeFileSync(join(dir, 'photos', 'ISIC_0000000.jpg'), await taggedJpeg(readFileSync(join(task2Example, 'ISIC_0000000.jpg'))));
  const png = await sharp(join(isicImages, 'ISIC_0024308.jpg')).png().toBuffer();
  writeFileSync(join(dir, 'photos', 'ISIC_0024308.png'), taggedPng(png));
  const icc = await sharp(join(isicImages, 'ISIC_0024309.jpg')).withIccProfile('p3').jpeg().toBuffer();
  writeFileSync(join(dir, 'photos', 'ISIC_0024309.jpg'), icc);
  return dir;
}

beforeAll(async () => {
  report = await coordinator.imports.run(await importFolder());
  const from = coordinator.study.db;
  const to = workspace.study.db;
  const out = tempDir('verdict-deid-workspace-');
  const study = freshUid();
  const caseIds = new Map<number, number>();
  const caseOf = (id: number, modality: string) => {
    if (!caseIds.has(id)) {
      const r = to
        .prepare("INSERT INTO study_case (label, source, modality, created_at) VALUES (?, 'other', ?, '2026-01-01T00:00:00Z')")
        .run(`Case-${id}`, modality);
      caseIds.set(id, Number(r.lastInsertRowid));
    }
    return caseIds.get(id)!;
  };
  for (const s of from.prepare('SELECT * FROM series ORDER BY id').all() as FullSeriesRow[]) {
    const r = to
      .prepare(
        `INSERT INTO series (case_id, series_uid, study_uid, modality, rows, columns, slice_count, pixel_spacing_row, pixel_spacing_col,
         slice_thickness, orientation_json, window_center, window_width, transfer_syntax) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        caseOf(s.case_id, 'CT'),
        freshUid(),
        study,
        s.modality,
        s.rows,
        s.columns,
        s.slice_count,
        s.pixel_spacing_row,
        s.pixel_spacing_col,
        s.slice_thickness,
        s.orientation_json,
        s.window_center,
        s.window_width,
        '1.2.840.10008.1.2.1 (Explicit VR Little Endian)',
      );
    seriesIds.set(s.id, Number(r.lastInsertRowid));
  }
  const seriesUid = to.prepare('SELECT series_uid AS uid FROM series WHERE id = ?');
  const seriesRow = from.prepare('SELECT * FROM series WHERE id = ?');
  for (const img of from.prepare('SELECT * FROM image ORDER BY id').all() as FullImageRow[]) {
    const series = img.series_id === null ? null : (seriesRow.get(img.series_id) as FullSeriesRow);
    const newSeries = img.series_id === null ? null : seriesIds.get(img.series_id)!;
    const seriesUidNew = newSeries === null ? freshUid() : (seriesUid.get(newSeries) as { uid: string }).uid;
    const d = await deidentifiedImage(img, series, { series: seriesUidNew, study });
    const path = join(out, `${img.id}.${d.ext}`);
    writeFileSync(path, d.data);
    written.set(img.id, d.data);
    const r = to
      .prepare(
        `INSERT INTO image (case_id, series_id, kind, path, sha256, size_bytes, frame, slice_index, sop_uid, instance_number, position_json,
         slice_position, transfer_syntax, rows, columns, rescale_slope, rescale_intercept) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        caseOf(img.case_id, img.kind === 'dermoscopy' ? 'dermoscopy' : 'other'),
        newSeries,
        img.kind,
        path,
        createHash('sha256').update(d.data).digest('hex'),
        d.data.length,
        img.slice_index,
        d.sopUid,
        img.instance_number,
        img.position_json,
        img.slice_position,
        d.transferSyntax,
        img.rows,
        img.columns,
        img.rescale_slope,
        img.rescale_intercept,
      );
    imageIds.set(img.id, Number(r.lastInsertRowid));
  }
});

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) => Buffer.from(a).equals(Buffer.from(b));

describe('de-identified images read back through ImagingService', () => {
  test('everything imported: 3 LIDC slices, an enhanced JPEG-LS CT (2 frames), an 8-bit JPEG CT, a colour DICOM, 5 photographs', () => {
    expect(report.status).toBe('done');
    expect(report.refused).toEqual([]);
    const kinds = coordinator.study.db.prepare('SELECT kind, count(*) AS n FROM image GROUP BY kind ORDER BY kind').all();
    expect(kinds).toEqual([
      { kind: 'ct-slice', n: 6 },
      { kind: 'dermoscopy', n: 5 },
      { kind: 'dicom-image', n: 1 },
    ]);
  });

  test('every CT slice gives the same HU, size and position', async () => {
    const slices = coordinator.study.db.prepare("SELECT series_id AS s, slice_index AS i FROM image WHERE kind = 'ct-slice'").all() as {
      s: number;
      i: number;
    }[];
    for (const { s, i } of slices) {
      const [a, b] = [await coordinator.imaging.ctSlice(s, i), await workspace.imaging.ctSlice(seriesIds.get(s)!, i)];
      expect({ ...b, seriesId: s }).toMatchObject({ ...a, hu: expect.anything() });
      expect(sameBytes(a.hu, b.hu), `series ${s} slice ${i}`).toBe(true);
    }
  });

  test('every photograph and colour DICOM gives the same RGBA', async () => {
    const ids = coordinator.study.db.prepare("SELECT id FROM image WHERE kind IN ('dermoscopy', 'dicom-image')").pluck().all() as number[];
    for (const id of ids) {
      const [a, b] = [await coordinator.imaging.dermoImage(id), await workspace.imaging.dermoImage(imageIds.get(id)!)];
      expect([b.width, b.height]).toEqual([a.width, a.height]);
      expect(sameBytes(a.rgba, b.rgba), `image ${id}`).toBe(true);
    }
  });

  test('no original UID, patient, device or planted text is in any written file', () => {
    const db = coordinator.study.db;
    const secrets = [
      ...(db
        .prepare('SELECT series_uid FROM series UNION SELECT study_uid FROM series UNION SELECT sop_uid FROM image')
        .pluck()
        .all() as string[]),
      ...(db.prepare('SELECT manufacturer FROM series WHERE manufacturer IS NOT NULL').pluck().all() as string[]),
      ...PLANTED,
    ].filter((s) => s && s.length >= 6);
    expect(secrets.length).toBeGreaterThan(PLANTED.length + 6);
    for (const [id, data] of written)
      for (const s of secrets) expect(data.includes(Buffer.from(s, 'latin1')), `image ${id}: ${s}`).toBe(false);
  });
});
