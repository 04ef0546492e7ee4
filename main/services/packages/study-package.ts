// A study package (coordinator → one reader at another site): the blinded rows of the reader's
// part of the study (packaged-study.ts), the images its cases need as de-identified pixels
// (deidentified-images.ts), and each trial as the coordinator's own reading code shows it — the
// case, the blinded stimuli and the AI outputs, computed by the same functions a reading uses
// (trial-display.ts computeStimuli / computePrediction, shownCase) from the study's prepared maps,
// so the reader elsewhere sees exactly what they would see here and the models stay home. One
// signed file (package-archive.ts); the coordinator records it was issued, with the key's fingerprint.
import { basename, dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import type { ExplanationService } from '../explain/explain-service';
import { sha256Of } from '../db/canonical-json';
import { appendEvent } from '../db/event-log';
import { entriesOf, studyContext, trialsOf, type TrialRow } from '../study/study-rows';
import { studyMaps } from '../study/stimulus-preparation';
import { computePrediction, computeStimuli, shownCase, type DisplayDeps } from '../study/trial-display';
import { encodeTrial } from '../study/packaged-trial';
import { deidentifiedImage, freshUid, type ImageRow, type SeriesRow } from './deidentified-images';
import { writePackage, type PackagePart } from './package-archive';
import { signingKey } from './package-keys';
import { blindedRows, STUDY_JSON_FORMAT, type Row, type StudyJson } from './packaged-study';

export type StudyPackageDeps = {
  db: Database;
  /** Reads the study's prepared maps (a package never computes one). */
  explain: ExplanationService;
  /** The coordinator's data folder: its signing key lives there. */
  dataDir: string;
  appVersion: string;
  now: () => Date;
};

export type StudyPackageRequest = { studyId: number; readerId: number; site: string | null; out: string };
export type StudyPackageResult = { file: string; sha256: string; bytes: number; fingerprint: string; trials: number; images: number };

export async function createStudyPackage(d: StudyPackageDeps, a: StudyPackageRequest): Promise<StudyPackageResult> {
  const file = resolve(a.out);
  if (!existsSync(dirname(file)))
    throw new VerdictError('file.not-found', `Cannot write ${basename(file)}: the folder ${dirname(file)} does not exist.`, { path: file });
  const ctx = studyContext(d.db, a.studyId);
  if (ctx.study.status !== 'open')
    throw new VerdictError('study.closed', `Study "${ctx.study.name}" is closed; a closed study is not sent to readers.`, {
      studyId: a.studyId,
    });
  const missing = studyMaps(ctx, entriesOf(d.db, a.studyId)).filter((m) => !isCached(d.explain, m)).length;
  if (missing > 0)
    throw new VerdictError(
      'study.not-prepared',
      `Study "${ctx.study.name}" is not prepared: ${missing} of its explanation maps are not computed yet. Prepare it, then make the package.`,
      { studyId: a.studyId, missing },
    );
  const site = a.site?.trim() || null;
  const rows = blindedRows(d.db, a.studyId, a.readerId);
  rows.reader[0].site = site;
  const images = await packagedImages(d.db, a.studyId);
  const trials = await packagedTrials(d, a.studyId, a.readerId);
  const study: StudyJson = { format: STUDY_JSON_FORMAT, tables: { ...rows, series: images.series, image: images.image } };
  const key = signingKey(d.dataDir, 'coordinator');
  const at = d.now().toISOString();
  const reader = rows.reader[0];
  const written = writePackage(
    file,
    {
      kind: 'study',
      study: { uuid: ctx.study.uuid, name: ctx.study.name, protocolSha256: ctx.protocolRow.sha256 },
      reader: { id: a.readerId, name: reader.name as string, site },
      appVersion: d.appVersion,
      createdAt: at,
    },
    [{ path: 'study.json', data: Buffer.from(JSON.stringify(study)) }, ...images.parts, ...trials],
    key,
  );
  d.db
    .transaction(() => {
      d.db.prepare('UPDATE reader SET site = ? WHERE id = ?').run(site, a.readerId);
      d.db
        .prepare(
          'INSERT INTO package_issued (study_id, reader_id, package_sha256, coordinator_fingerprint, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(a.studyId, a.readerId, written.sha256, key.fingerprint, at);
      appendEvent(
        d.db,
        'package.created',
        {
          studyId: a.studyId,
          readerId: a.readerId,
          site,
          packageSha256: written.sha256,
          coordinatorFingerprint: key.fingerprint,
          trials: trials.length / 2,
          images: images.parts.length,
        },
        at,
      );
    })
    .immediate();
  return { file, ...written, fingerprint: key.fingerprint, trials: trials.length / 2, images: images.parts.length };
}

function isCached(explain: ExplanationService, m: Parameters<ExplanationService['isCached']>[0]): boolean {
  try {
    return explain.isCached(m);
  } catch {
    return false; // a pack removed since: its maps cannot be shown
  }
}

/** Every trial of the reader's, as the reading code shows it: `trials/<id>.json` and its stimuli's values `trials/<id>.bin`. */
async function packagedTrials(d: StudyPackageDeps, studyId: number, readerId: number): Promise<PackagePart[]> {
  const ctx = studyContext(d.db, studyId);
  const assignment = d.db.prepare('SELECT id, labels_json FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, readerId) as {
    id: number;
    labels_json: string;
  };
  const labels = JSON.parse(assignment.labels_json) as Record<string, string>;
  const display: DisplayDeps = { db: d.db, explain: d.explain, now: d.now };
  const parts: PackagePart[] = [];
  for (const trial of trialsOf(d.db, assignment.id) as TrialRow[]) {
    const { json, values } = encodeTrial({
      case: shownCase(d.db, trial),
      stimuli: await computeStimuli(display, ctx, labels, trial),
      prediction: computePrediction(display, ctx, trial),
    });
    parts.push(
      { path: `trials/${trial.id}.json`, data: Buffer.from(JSON.stringify(json)) },
      { path: `trials/${trial.id}.bin`, data: values },
    );
  }
  return parts;
}

/** The study's cases' images, de-identified, with their series' and images' rows (geometry, fresh UIDs, the new files' hashes). */
async function packagedImages(db: Database, studyId: number): Promise<{ series: Row[]; image: Row[]; parts: PackagePart[] }> {
  const caseIds = db
    .prepare('SELECT DISTINCT case_id FROM study_entry WHERE study_id = ? ORDER BY case_id')
    .pluck()
    .all(studyId) as number[];
  const seriesOut: Row[] = [];
  const imageOut: Row[] = [];
  const parts: PackagePart[] = [];
  for (const caseId of caseIds) {
    const studyUid = freshUid();
    const series = new Map(
      (db.prepare('SELECT * FROM series WHERE case_id = ? ORDER BY id').all(caseId) as (SeriesRow & Row & { id: number })[]).map((s) => [
        s.id,
        { row: s, uid: freshUid(), transferSyntax: s.transfer_syntax as string },
      ]),
    );
    const images = db
      .prepare("SELECT * FROM image WHERE case_id = ? AND kind IN ('ct-slice', 'dicom-image', 'dermoscopy') ORDER BY id")
      .all(caseId) as (ImageRow & Row)[];
    for (const img of images) {
      const s = img.series_id === null ? undefined : series.get(img.series_id as number);
      const deid = await deidentifiedImage(img, s?.row ?? null, { series: s?.uid ?? freshUid(), study: studyUid });
      if (s && deid.transferSyntax) s.transferSyntax = deid.transferSyntax;
      const path = `images/${img.id}.${deid.ext}`;
      parts.push({ path, data: deid.data });
      imageOut.push({
        ...pick(img, ['id', 'case_id', 'series_id', 'kind', 'slice_index', 'instance_number', 'position_json', 'slice_position']),
        ...pick(img, ['rows', 'columns', 'rescale_slope', 'rescale_intercept']),
        path,
        sha256: sha256Of(deid.data),
        size_bytes: deid.data.length,
        frame: 0,
        sop_uid: deid.sopUid,
        transfer_syntax: deid.transferSyntax,
      });
    }
    for (const { row, uid, transferSyntax } of series.values()) {
      seriesOut.push({
        ...pick(row, ['id', 'case_id', 'modality', 'rows', 'columns', 'slice_count', 'pixel_spacing_row', 'pixel_spacing_col']),
        ...pick(row, ['slice_spacing', 'slice_thickness', 'orientation_json', 'gaps_after_json', 'window_center', 'window_width']),
        series_uid: uid,
        study_uid: studyUid,
        transfer_syntax: transferSyntax,
      });
    }
  }
  return { series: seriesOut, image: imageOut, parts };
}

const pick = (r: Row, keys: string[]): Row => Object.fromEntries(keys.map((k) => [k, r[k] ?? null]));
