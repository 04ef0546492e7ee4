// A reader's answer package, written in a real workspace (a study package made by the coordinator,
// opened in the reader's own data folder, read through the API): it holds every answer version,
// the first openings and the workspace's whole event log ending with 'answers.exported', signed
// by the reader key. Merged at the coordinator's workstation it gives what the same reading at
// that workstation gives — the long CSV byte for byte but for the site — with evidence marks
// scored there (a workspace holds no truth to score them) and what each trial showed recorded
// from the study's own prepared maps. A coordinator's database is not a workspace.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDir } from '../../paths';
import { silentLog } from '../../log';
import { createVerdict } from '../../verdict';
import { verifyEventLog } from '../db/event-log';
import { tempDir } from '../../../tests/support/data';
import type { ProtocolInput } from '../../../app/protocol';
import { call, ctProtocol, PASS, signedIn } from '../../../tests/support/study-fixture';
import { clock, copySite, now, readTrials, siteVerdict, twoSiteProtocol, type SiteVerdict } from '../../../tests/support/two-sites';
import { createAnswerPackage, type LogRow, type PackagedAnswer, type VisitRow } from './answer-package';
import { mergeAnswerPackage } from './merge-answers';
import { readPackage, type OpenedPackage } from './package-archive';
import { signingKey } from './package-keys';
import { createStudyPackage } from './study-package';
import { openStudyPackage } from './workspace';

const READER_PASS = 'a passphrase of my own';
let coordinator: SiteVerdict;
let single: SiteVerdict;
let readerDir: string;
let awayId: number;
/** One study read at another site: its workspace and the answer package written there. */
type Remote = { studyId: number; workspace: SiteVerdict; made: ReturnType<typeof createAnswerPackage>; pkg: OpenedPackage };
const remote: Record<'isic' | 'ct', Remote> = {} as never;

const part = <T>(r: Remote, name: string): T => JSON.parse(r.pkg.parts.get(name)!.toString('utf8')) as T;

const ISIC: ProtocolInput = twoSiteProtocol(3);
// CT-001's nodules, marks scored against the LIDC readers' contours on their slice.
const CT: ProtocolInput = ctProtocol({
  phases: ['unaided', 'ai', 'ai-explanation'],
  lockEarlierPhases: false,
  questions: [
    { id: 'malignancy', level: 'case', type: 'likert', prompt: 'Malignancy', truth: 'malignancy' },
    { id: 'where', level: 'case', type: 'roi', shape: 'click', phases: ['unaided'], prompt: 'Click the nodule' },
    { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' },
    { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'freehand', required: false, prompt: 'Outline the evidence' },
  ],
});

/** The study's package made for Dr Away, opened in their data folder and read there (and the same reading on the single machine). */
async function readRemotely(studyId: number, name: string, seed: number): Promise<Remote> {
  const studyPackage = await createStudyPackage(
    { db: coordinator.study.db, explain: coordinator.explain, dataDir: coordinator.dataDir, appVersion: '0.1.0', now },
    { studyId, readerId: awayId, site: 'Hospital B', out: join(tempDir('verdict-study-package-'), `${name}.verdict`) },
  );
  const opened = await openStudyPackage({ file: studyPackage.file, dataDir: readerDir, passphrase: READER_PASS, now });
  const workspace = Object.assign(createVerdict({ dbPath: opened.dbPath, host: 'cli', log: silentLog, now }), {
    dbPath: opened.dbPath,
    dataDir: readerDir,
  });
  const caller = workspace.newCaller();
  await call(workspace, caller, 'session.signIn', { readerId: awayId, passphrase: READER_PASS });
  const total = (await call(workspace, caller, 'reading.worklist', { studyId })).total;
  await readTrials(workspace, caller, studyId, 0, total, seed);
  const here = single.newCaller();
  await call(single, here, 'session.signIn', { readerId: awayId, passphrase: PASS });
  await readTrials(single, here, studyId, 0, total, seed);
  clock.at += 60_000;
  const made = createAnswerPackage({
    db: workspace.study.db,
    dataDir: readerDir,
    out: join(tempDir('verdict-answers-'), `${name}-answers.verdict`),
    appVersion: '0.1.0',
    now,
  });
  return { studyId, workspace, made, pkg: readPackage(made.file, 'answers') };
}

beforeAll(async () => {
  clock.at = Date.parse('2026-12-02T09:00:00.000Z');
  coordinator = await siteVerdict();
  const report = await coordinator.imports.run(demoDir());
  if (report.status !== 'done') throw new Error(`demo import ${report.status}`);
  const { admin, readers } = await signedIn(coordinator, ['Dr Away']);
  awayId = readers[0].id;
  const ids: number[] = [];
  for (const [protocol, name] of [
    [ISIC, 'Skin read away'],
    [CT, 'Lungs read away'],
  ] as const) {
    const saved = await call(coordinator, admin, 'protocols.save', { protocol });
    const studyId = (await call(coordinator, admin, 'studies.create', { protocolRowId: saved.rowId, name })).id;
    await coordinator.studies.prepared(studyId);
    await call(coordinator, admin, 'studies.assign', { studyId, readerId: awayId });
    ids.push(studyId);
  }
  single = await copySite(coordinator);
  readerDir = tempDir('verdict-reader-');
  remote.isic = await readRemotely(ids[0], 'isic', 3);
  remote.ct = await readRemotely(ids[1], 'ct', 4);
}, 300_000);
afterAll(() => [coordinator, single, remote.isic?.workspace, remote.ct?.workspace].forEach((v) => v?.close()));

describe('an answer package', () => {
  it('is signed by the reader key and names the study, its protocol version and the reader', () => {
    const key = signingKey(readerDir, 'reader');
    const { studyId, made, pkg } = remote.isic;
    const study = coordinator.study.db
      .prepare('SELECT s.uuid, s.name, p.sha256 FROM study s JOIN protocol p ON p.id = s.protocol_row_id WHERE s.id = ?')
      .get(studyId) as { uuid: string; name: string; sha256: string };
    expect(pkg.manifest).toMatchObject({
      kind: 'answers',
      study: { uuid: study.uuid, name: study.name, protocolSha256: study.sha256 },
      reader: { id: awayId, name: 'Dr Away', site: 'Hospital B' },
      appVersion: '0.1.0',
      signer: { role: 'reader', publicKey: key.publicKey, fingerprint: key.fingerprint },
    });
    expect(Object.keys(pkg.manifest.parts).sort()).toEqual(['answers.json', 'log.json', 'visits.json']);
    expect(made).toMatchObject({ sha256: pkg.sha256, fingerprint: key.fingerprint });
  });

  it("holds every answer version, every first opening and the workspace's whole log, ending with 'answers.exported'", () => {
    const r = remote.isic;
    const db = r.workspace.study.db;
    const answers = part<PackagedAnswer[]>(r, 'answers.json');
    expect(answers).toEqual(db.prepare('SELECT * FROM answer ORDER BY id').all());
    expect(r.made.answers).toBe(answers.length);
    expect(answers.some((a) => a.supersedes !== null)).toBe(true);
    // A workspace has no truth: its evidence marks are unscored until the merge.
    expect(answers.some((a) => a.question_id === 'evidence')).toBe(true);
    expect(answers.every((a) => a.scores_json === null)).toBe(true);
    expect(part<VisitRow[]>(r, 'visits.json')).toEqual(
      db.prepare('SELECT trial_id, first_opened_at FROM trial_visit ORDER BY trial_id').all(),
    );
    const log = part<LogRow[]>(r, 'log.json');
    expect(log).toEqual(db.prepare('SELECT id, at, kind, payload_json, prev_hash, hash FROM event ORDER BY id').all());
    expect(log[log.length - 1]).toMatchObject({ kind: 'answers.exported' });
    expect(JSON.parse(log[log.length - 1].payload_json)).toMatchObject({
      answers: answers.length,
      readerId: awayId,
      file: 'isic-answers.verdict',
    });
    expect(log.map((e) => e.kind)).toContain('package.opened');
    expect(verifyEventLog(db)).toMatchObject({ ok: true });
  });

  for (const which of ['isic', 'ct'] as const)
    it(`${which}: merges into the coordinator's study as the same reading at the coordinator's workstation`, async () => {
      const { studyId, made } = remote[which];
      const merged = await mergeAnswerPackage({
        db: coordinator.study.db,
        explain: coordinator.explain,
        imaging: coordinator.imaging,
        now,
        file: made.file,
        trust: signingKey(readerDir, 'reader').fingerprint,
      });
      expect(merged).toMatchObject({ readerName: 'Dr Away', site: 'Hospital B', added: made.answers, alreadyMerged: false });
      // The study's progress names the reader's site and counts the merged answers.
      const progress = coordinator.studies.summary(studyId).readers.find((r) => r.name === 'Dr Away')!;
      expect(progress).toMatchObject({ site: 'Hospital B', done: expect.any(Number) });
      expect(progress.done).toBeGreaterThan(0);
      const csv = (v: SiteVerdict) => {
        const [header, ...rows] = v.exports.build(studyId, 'csv').content.split('\r\n');
        const at = header.split(',').indexOf('reader_site');
        const drop = (l: string) =>
          l
            .split(',')
            .filter((_, i) => i !== at)
            .join(',');
        return { header: drop(header), rows: rows.map(drop), sites: rows.filter(Boolean).map((l) => l.split(',')[at]) };
      };
      const there = csv(coordinator);
      const here = csv(single);
      expect(there.sites.every((s) => s === 'Hospital B')).toBe(true);
      expect(here.sites.every((s) => s === '')).toBe(true);
      expect(there.rows.length).toBeGreaterThan(5);
      expect(there).toEqual({ ...here, sites: there.sites });
      // The marks were scored at the merge (a workspace cannot): against the map shown, and the truth held here.
      const records = parse(coordinator.exports.build(studyId, 'csv').content, { columns: true }) as Record<string, string>[];
      const marks = records.filter((r) => r.question_id === 'evidence' && r.roi_shape !== '');
      expect(marks.length).toBeGreaterThan(0);
      expect(marks.every((r) => r.roi_heatmap_pointing_hit !== '')).toBe(true);
      if (which === 'ct') expect(records.filter((r) => r.question_id === 'where').every((r) => r.roi_truth_against !== '')).toBe(true);
      const results = (v: SiteVerdict) => ({ ...v.results.of(studyId), computedAt: null });
      expect(results(coordinator)).toEqual(results(single));
      expect(verifyEventLog(coordinator.study.db)).toMatchObject({ ok: true });
    });

  it('is not recorded as exported when it cannot be written', () => {
    const db = remote.isic.workspace.study.db;
    const events = db.prepare('SELECT count(*) FROM event').pluck().get();
    expect(() =>
      createAnswerPackage({ db, dataDir: readerDir, out: join(tempDir(), 'no such folder', 'a.verdict'), appVersion: '0.1.0', now }),
    ).toThrow(expect.objectContaining({ code: 'file.not-found' }));
    expect(db.prepare('SELECT count(*) FROM event').pluck().get()).toBe(events);
  });

  it("is refused in a coordinator's database, which is not a workspace", () => {
    expect(() =>
      createAnswerPackage({
        db: coordinator.study.db,
        dataDir: coordinator.dataDir,
        out: join(tempDir(), 'x.verdict'),
        appVersion: '0.1.0',
        now,
      }),
    ).toThrow(expect.objectContaining({ code: 'package.invalid', message: expect.stringContaining('not a reading workspace') }));
  });
});
