// DICOM part of an import: each series becomes a case (or joins the LIDC reader XML that
// names it); colour single images (dermoscopic DICOM) become image cases.
import { open, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import { buildSeriesPlans, displayKind, type DicomInstance, type SeriesPlan } from '../imaging/dicom';
import { MAX_LIDC_XML_BYTES, type LidcReadMessage } from '../imaging/lidc';
import { insertCase, insertDermoImage, insertLidcTruth, insertSeries, seriesExists, subjectKey, type StoredInstance } from './case-writer';
import { buildLidcTruth } from './lidc-truth';
import type { ImportRun } from './import-run';

export type LidcXml = { path: string; sha256: string; message: LidcReadMessage };

const sliceRefs = (plan: SeriesPlan) => plan.slices.map((s) => ({ sopInstanceUid: s.sopInstanceUid, z: s.position?.[2] ?? s.z }));

function saveSeries(db: Database, plan: SeriesPlan, byPath: Map<string, StoredInstance>, xml: LidcXml | undefined, run: ImportRun) {
  const first = byPath.get(plan.slices[0].path)!;
  const pixelSpacing = plan.pixelSpacing?.[1] ?? null;
  const truth = xml && pixelSpacing ? buildLidcTruth(xml.message, sliceRefs(plan), pixelSpacing, plan.sliceSpacing) : null;
  if (xml && !pixelSpacing)
    run.report.warnings.push(
      `${xml.path}: series ${plan.seriesInstanceUid} has no pixel spacing, so its readers' marks were not imported.`,
    );
  const stored = db.transaction(() => {
    const c = insertCase(db, {
      source: truth ? 'lidc' : 'other',
      modality: plan.modality === 'CT' ? 'CT' : 'other',
      sourceRef: first.phi.patientId,
      subjectKey: subjectKey(first.phi.patientId),
      lesionKey: null,
      jobId: run.jobId,
      now: run.now(),
    });
    insertSeries(db, c.caseId, plan, byPath);
    if (truth && xml) insertLidcTruth(db, c.caseId, xml, truth);
    return c;
  })();
  run.report.warnings.push(...plan.warnings.map((w) => `Series ${plan.seriesInstanceUid}: ${w}`), ...(truth?.warnings ?? []));
  run.report.cases.push({
    caseId: stored.caseId,
    label: stored.label,
    source: truth ? 'lidc' : 'other',
    series: [{ uid: plan.seriesInstanceUid, slices: plan.slices.length, spacing: plan.sliceSpacing }],
    nodules: truth?.nodules.length ?? 0,
    readers: truth?.readers.length ?? 0,
    images: plan.slices.length,
  });
}

function saveColourImage(db: Database, inst: StoredInstance, run: ImportRun) {
  const isDermoscopy = inst.modality === 'XC' || inst.modality === 'DMS';
  const stored = db.transaction(() => {
    const c = insertCase(db, {
      source: 'other',
      modality: isDermoscopy ? 'dermoscopy' : 'other',
      sourceRef: inst.phi.patientId,
      subjectKey: subjectKey(inst.phi.patientId),
      lesionKey: null,
      jobId: run.jobId,
      now: run.now(),
    });
    insertDermoImage(
      db,
      c.caseId,
      { path: inst.path, sha256: inst.sha256, sizeBytes: inst.sizeBytes, width: inst.columns, height: inst.rows, kind: 'dicom-image' },
      [],
    );
    return c;
  })();
  if (inst.numberOfFrames > 1)
    run.report.warnings.push(`${inst.path}: colour image with ${inst.numberOfFrames} frames; only the first is shown.`);
  run.report.cases.push({ caseId: stored.caseId, label: stored.label, source: 'other', series: [], nodules: 0, readers: 0, images: 1 });
}

/** Attaches an LIDC XML to a series imported earlier without its readers' marks. */
function attachXml(db: Database, xml: LidcXml, run: ImportRun): boolean {
  const row = db
    .prepare(
      `SELECT s.id, s.case_id AS caseId, s.pixel_spacing_col AS px, s.slice_spacing AS dz,
      (SELECT count(*) FROM lidc_reading r WHERE r.case_id = s.case_id) AS readings
    FROM series s WHERE s.series_uid = ?`,
    )
    .get(xml.message.seriesInstanceUid) as
    { id: number; caseId: number; px: number | null; dz: number | null; readings: number } | undefined;
  if (!row || row.readings > 0 || !row.px) return false;
  const slices = (
    db
      .prepare(
        'SELECT sop_uid AS sopInstanceUid, position_json AS p, slice_position AS z FROM image WHERE series_id = ? ORDER BY slice_index',
      )
      .all(row.id) as { sopInstanceUid: string; p: string | null; z: number }[]
  ).map((s) => ({ sopInstanceUid: s.sopInstanceUid, z: s.p ? (JSON.parse(s.p) as number[])[2] : s.z }));
  const truth = buildLidcTruth(xml.message, slices, row.px, row.dz);
  db.transaction(() => {
    insertLidcTruth(db, row.caseId, xml, truth);
    db.prepare("UPDATE study_case SET source = 'lidc' WHERE id = ?").run(row.caseId);
  })();
  run.report.warnings.push(...truth.warnings, `${xml.path}: readers' marks added to a series imported earlier.`);
  return true;
}

export async function importDicom(db: Database, instances: DicomInstance[], xmls: LidcXml[], run: ImportRun): Promise<void> {
  const stored: StoredInstance[] = await Promise.all(instances.map(async (i) => ({ ...i, sizeBytes: (await stat(i.path)).size })));
  // As the viewer shows them: palette colour is a colour image even with one sample per pixel.
  const colour = stored.filter((i) => displayKind(i) === 'colour');
  const plans = buildSeriesPlans(stored.filter((i) => displayKind(i) === 'greyscale'));
  const byPath = new Map(stored.map((i) => [i.path, i]));
  const xmlBySeries = new Map(xmls.map((x) => [x.message.seriesInstanceUid, x]));
  const total = plans.length + colour.length;
  let done = 0;
  for (const plan of plans) {
    run.checkCancelled();
    run.progress('saving', done++, total, plan.slices[0]?.path ?? null);
    if (seriesExists(db, plan.seriesInstanceUid)) {
      run.report.skipped.push({ path: plan.slices[0].path, reason: `series ${plan.seriesInstanceUid} is already in the study` });
      continue;
    }
    saveSeries(db, plan, byPath, xmlBySeries.get(plan.seriesInstanceUid), run);
    xmlBySeries.delete(plan.seriesInstanceUid);
  }
  for (const inst of colour) {
    run.checkCancelled();
    run.progress('saving', done++, total, inst.path);
    if (db.prepare('SELECT 1 FROM image WHERE sha256 = ?').get(inst.sha256)) {
      run.report.skipped.push({ path: inst.path, reason: 'this image is already in the study' });
      continue;
    }
    saveColourImage(db, inst, run);
  }
  for (const xml of xmlBySeries.values()) {
    if (!attachXml(db, xml, run))
      run.report.warnings.push(
        `${xml.path}: its series ${xml.message.seriesInstanceUid} is not in this folder or the study; the readers' marks were not imported.`,
      );
  }
}

/** Reads the LIDC reader XMLs in a folder; other XML files are skipped, broken LIDC ones refused. */
export async function readLidcXmls(
  paths: string[],
  parse: (text: string, source: string) => LidcReadMessage,
  run: ImportRun,
): Promise<LidcXml[]> {
  const out: LidcXml[] = [];
  for (const path of paths) {
    try {
      const bytes = await readXmlFile(path);
      if (bytes === null) {
        run.report.skipped.push({ path, reason: 'an XML file that is not an LIDC reader XML' });
        continue;
      }
      const text = bytes.toString('utf8');
      if (!text.includes('LidcReadMessage')) {
        run.report.skipped.push({ path, reason: 'an XML file that is not an LIDC reader XML' });
        continue;
      }
      out.push({ path, sha256: createHash('sha256').update(bytes).digest('hex'), message: parse(text, path) });
    } catch (e) {
      // One bad XML never stops the folder: it is refused by name and the rest imports.
      const err =
        e instanceof VerdictError
          ? e
          : new VerdictError('lidc.bad-xml', `${path}: could not be read (${e instanceof Error ? e.message : String(e)})`, {
              source: path,
            });
      run.report.refused.push({ path, code: err.code, reason: err.message });
    }
  }
  return out;
}

/**
 * The bytes of an XML file, or null when it is too big to be a reader XML and its start does not
 * name one. Size is checked before reading (MAX_LIDC_XML_BYTES); only regular files are read.
 */
async function readXmlFile(path: string): Promise<Buffer | null> {
  const info = await stat(path);
  if (!info.isFile()) throw new VerdictError('lidc.bad-xml', `${path}: not a regular file`, { source: path });
  if (info.size <= MAX_LIDC_XML_BYTES) return readFile(path);
  const head = Buffer.alloc(4096);
  const fh = await open(path, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (!head.toString('utf8').includes('LidcReadMessage')) return null;
  throw new VerdictError(
    'lidc.bad-xml',
    `${path}: ${info.size} bytes is above the ${MAX_LIDC_XML_BYTES / 1024 / 1024} MB limit for a reader XML (real LIDC XMLs are under 1 MB)`,
    {
      source: path,
      bytes: info.size,
      limit: MAX_LIDC_XML_BYTES,
    },
  );
}
