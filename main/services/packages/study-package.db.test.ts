// A study package for one reader: signed by the coordinator's key, recorded as issued, and blind —
// its bytes (and those of the workspace opened from it, after reading) hold no method, model or
// condition name, no dataset reference or patient/lesion key, no original UID and no patient name
// or ID of the DICOM files it was made from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerdict } from '../../verdict';
import { silentLog } from '../../log';
import { readDicomInstance } from '../imaging/dicom/read-header';
import { call } from '../../../tests/support/study-fixture';
import { tempDir } from '../../../tests/support/data';
import { packagedStudies, type PackagedStudies } from '../../../tests/support/packaged-studies';
import { readPackage } from './package-archive';
import { signingKey } from './package-keys';
import { openStudyPackage } from './workspace';
import { createStudyPackage } from './study-package';

let s: PackagedStudies;
const PASS = 'remote reader passphrase';

beforeAll(async () => {
  s = await packagedStudies();
}, 300_000);
afterAll(() => s.v.close());

/** Everything the coordinator's database knows that a reader must never learn, for the studies packaged. */
async function secrets(): Promise<string[]> {
  const db = s.v.study.db;
  const ids = [s.isic.studyId, s.ct.studyId];
  const out = new Set<string>();
  for (const id of ids) {
    const { protocol_json } = db
      .prepare('SELECT p.protocol_json FROM study s JOIN protocol p ON p.id = s.protocol_row_id WHERE s.id = ?')
      .get(id) as {
      protocol_json: string;
    };
    const p = JSON.parse(protocol_json) as { id: string; title: string; conditions: { id: string; model: string; method: string }[] };
    for (const c of p.conditions) [c.id, c.model, c.method].forEach((x) => out.add(x));
    out.add(p.title);
    out.add(p.id);
  }
  for (const m of db.prepare('SELECT pack_id, name FROM model').all() as { pack_id: string; name: string }[])
    out.add(m.pack_id).add(m.name);
  const inStudies = `(SELECT case_id FROM study_entry WHERE study_id IN (${ids.join(', ')}))`;
  for (const c of db.prepare(`SELECT source_ref, subject_key, lesion_key FROM study_case WHERE id IN ${inStudies}`).all() as Record<
    string,
    string | null
  >[])
    Object.values(c).forEach((x) => x && out.add(x));
  for (const r of db.prepare(`SELECT series_uid, study_uid FROM series WHERE case_id IN ${inStudies}`).all() as Record<
    string,
    string | null
  >[])
    Object.values(r).forEach((x) => x && out.add(x));
  const images = db.prepare(`SELECT path, sop_uid, kind FROM image WHERE case_id IN ${inStudies}`).all() as {
    path: string;
    sop_uid: string | null;
    kind: string;
  }[];
  for (const i of images) {
    if (i.sop_uid) out.add(i.sop_uid);
    if (i.kind === 'ct-slice') {
      const { phi } = await readDicomInstance(i.path);
      [phi.patientId, phi.patientName].forEach((x) => x && out.add(x));
    }
  }
  return [...out];
}

const found = (bytes: Buffer, needles: string[]) => needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));

describe('a study package', () => {
  it('is signed by the coordinator key, names the study and reader, and is recorded as issued', () => {
    const key = signingKey(dirname(s.v.dbPath), 'coordinator');
    const pkg = readPackage(s.isic.made.file, 'study');
    expect(pkg.sha256).toBe(s.isic.made.sha256);
    expect(s.isic.made.fingerprint).toBe(key.fingerprint);
    const study = s.v.study.db.prepare('SELECT uuid, name FROM study WHERE id = ?').get(s.isic.studyId) as { uuid: string; name: string };
    expect(pkg.manifest).toMatchObject({ kind: 'study', study, reader: { id: s.reader.id, name: 'Dr Remote', site: 'Hospital B' } });
    const trials = s.v.study.db
      .prepare('SELECT count(*) FROM trial t JOIN assignment a ON a.id = t.assignment_id WHERE a.study_id = ? AND a.reader_id = ?')
      .pluck()
      .get(s.isic.studyId, s.reader.id) as number;
    expect(s.isic.made.trials).toBe(trials);
    expect([...pkg.parts.keys()].filter((p) => p.startsWith('trials/'))).toHaveLength(2 * trials);
    expect([...pkg.parts.keys()].filter((p) => p.startsWith('images/'))).toHaveLength(3);
    expect(s.ct.made.images).toBe(
      s.v.study.db.prepare("SELECT count(*) FROM image i JOIN study_case c ON c.id = i.case_id WHERE c.label = 'CT-001'").pluck().get(),
    ); // every slice
    const issued = s.v.study.db.prepare('SELECT * FROM package_issued WHERE study_id = ?').all(s.isic.studyId);
    expect(issued).toEqual([
      expect.objectContaining({ reader_id: s.reader.id, package_sha256: pkg.sha256, coordinator_fingerprint: key.fingerprint }),
    ]);
    expect(s.v.study.db.prepare('SELECT site FROM reader WHERE id = ?').pluck().get(s.reader.id)).toBe('Hospital B');
    const events = s.v.study.db.prepare("SELECT payload_json FROM event WHERE kind = 'package.created'").pluck().all() as string[];
    expect(events.map((e) => JSON.parse(e).packageSha256)).toEqual([s.isic.made.sha256, s.ct.made.sha256]);
  });

  it('holds no method, model, condition, dataset reference, original UID or patient identifier — nor does the workspace after reading', async () => {
    const needles = await secrets();
    expect(needles).toEqual(expect.arrayContaining(['cdam', 'smooth-cdam', 'cdam-mel', 'test-vit-isic', 'LIDC-IDRI-0001']));
    // The search finds them where they are: in the coordinator's database.
    s.v.study.db.pragma('wal_checkpoint(FULL)');
    expect(found(readFileSync(s.v.dbPath), needles).length).toBeGreaterThan(10);
    const dataDir = tempDir('verdict-reader-');
    for (const made of [s.isic.made, s.ct.made]) {
      expect(found(readFileSync(made.file), needles)).toEqual([]);
      const opened = await openStudyPackage({ file: made.file, dataDir, passphrase: PASS, now: () => new Date() });
      const w = Object.assign(createVerdict({ dbPath: opened.dbPath, host: 'cli', log: silentLog }), { dbPath: opened.dbPath });
      try {
        const caller = w.newCaller();
        await call(w, caller, 'session.signIn', { readerId: s.reader.id, passphrase: PASS });
        const { total } = await call(w, caller, 'reading.worklist', { studyId: opened.studyId });
        for (let position = 0; position < total; position++) await call(w, caller, 'reading.trial', { studyId: opened.studyId, position });
        // A reader with the whole workspace to themselves (no admin: staff calls are open) still finds nothing.
        const staffViews = [await call(w, caller, 'protocols.list', {}), await call(w, caller, 'studies.list', {})];
        expect(found(Buffer.from(JSON.stringify(staffViews)), needles)).toEqual([]);
      } finally {
        w.close();
      }
      expect(existsSync(`${opened.dbPath}-wal`) ? readFileSync(`${opened.dbPath}-wal`).length : 0).toBe(0);
      expect(found(readFileSync(opened.dbPath), needles)).toEqual([]);
    }
  });

  it('is made only for an assigned reader of a prepared study', async () => {
    const other = await call(s.v, s.admin, 'readers.create', { name: 'Dr Unassigned', role: 'reader', passphrase: PASS });
    const out = join(s.outDir, 'refused.verdict');
    await expect(packageFor(other.id, s.isic.studyId, out)).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringContaining('not assigned'),
    });
    // A map the study needs is gone (as if its preparation had failed): nothing is sent without it.
    s.v.study.db
      .prepare('DELETE FROM explanation WHERE id = (SELECT max(id) FROM explanation WHERE id NOT IN (SELECT explanation_id FROM stimulus))')
      .run();
    await expect(packageFor(s.reader.id, s.ct.studyId, out)).rejects.toMatchObject({ code: 'study.not-prepared' });
    expect(existsSync(out)).toBe(false);
  });
});

function packageFor(readerId: number, studyId: number, out: string) {
  return createStudyPackage(
    { db: s.v.study.db, explain: s.v.explain, dataDir: dirname(s.v.dbPath), appVersion: 'test', now: () => new Date() },
    { studyId, readerId, site: null, out },
  );
}
