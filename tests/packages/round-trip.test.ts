// Issue 17's round trip: a coordinator makes a study package for each of three readers; each reader,
// in a process and data folder of their own, opens it, reads every trial and writes an answer
// package; the coordinator merges the three (trusting each key once its fingerprint is confirmed).
// The merged long CSV must equal the one of the same answers given on one machine — a copy of the
// coordinator's study taken before the packages went out, read there by the same readers with the
// same answers at the same times — but for the reader_site column.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../app/api/endpoint';
import type { AnswerPackageMade, StudyPackageMade, WorkspaceInfo, WorkspaceOpened } from '../../app/packages';
import { createVerdict } from '../../main/verdict';
import { silentLog } from '../../main/log';
import { repoRoot, tempDir } from '../support/data';
import { call, demoVerdict, DIAGNOSIS_QUESTION, isicProtocol, PASS, refusal, signedIn, type TestVerdict } from '../support/study-fixture';
import { answerEveryTrial, readingClock } from '../support/answer-trials';

const READERS = ['Dr Ames', 'Dr Berg', 'Dr Chen'];
const SITES = ['Hospital A', 'Hospital B', 'Hospital C'];

type ReaderRun = { opened: WorkspaceOpened; workspace: WorkspaceInfo; answers: number; written: AnswerPackageMade; readers: number };

/** One reader's process: opens the package in its own data folder, reads, writes the answer package. */
function readerProcess(pkg: string, dataDir: string, index: number, out: string): Promise<ReaderRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/read-package.ts', pkg, dataDir, String(index), out], {
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ReaderRun) : reject(new Error(`reader ${index}: ${stderr}`)),
    );
  });
}

/** The long CSV's rows as objects, without the columns named. */
function longRows(csv: string, without: string[]): Record<string, string>[] {
  const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !without.includes(k))));
}

let coord: TestVerdict;
let admin: CallContext;
let readerIds: number[];
let studyId: number;
let referenceDb: string;
const transfer = tempDir('verdict-transfer-');

beforeAll(async () => {
  coord = await demoVerdict();
  const s = await signedIn(coord, READERS);
  admin = s.admin;
  readerIds = s.readers.map((r) => r.id);
  const protocol = isicProtocol({
    questions: [
      { ...DIAGNOSIS_QUESTION, truth: 'diagnosis' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Does the highlighted region correspond to the finding?' },
      { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', required: false, prompt: 'Mark the evidence' },
    ],
  });
  const saved = await call(coord, admin, 'protocols.save', { protocol });
  studyId = (await call(coord, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Round trip' })).id;
  await coord.studies.prepared(studyId);
  for (const id of readerIds) await call(coord, admin, 'studies.assign', { studyId, readerId: id });
  // The same study on one machine: a copy taken before any package went out.
  referenceDb = join(tempDir('verdict-reference-'), 'study.db');
  await coord.study.db.backup(referenceDb);
}, 120_000);
afterAll(() => coord?.close());

describe('three readers at other sites', () => {
  it('create, open, read, answer packages, merge: the merged long CSV equals the one-machine CSV but for the site', async () => {
    const made: StudyPackageMade[] = [];
    for (const [i, readerId] of readerIds.entries())
      made.push(await call(coord, admin, 'packages.create', { studyId, readerId, site: SITES[i], out: join(transfer, `study-${i}.tar`) }));
    const coordinatorKey = (await call(coord, admin, 'packages.list', { studyId })).coordinatorFingerprint;
    expect(made.map((m) => m.fingerprint)).toEqual([coordinatorKey, coordinatorKey, coordinatorKey]);

    // Three processes, three data folders, at once.
    const runs = await Promise.all(
      made.map((m, i) => {
        const dataDir = join(tempDir('verdict-site-'), 'data');
        mkdirSync(dataDir);
        return readerProcess(m.file, dataDir, i, join(transfer, `answers-${i}.tar`));
      }),
    );
    for (const [i, r] of runs.entries()) {
      expect(r.opened).toMatchObject({ readerName: READERS[i], coordinatorFingerprint: coordinatorKey, switched: false });
      expect(r.workspace).toMatchObject({ studyName: 'Round trip', readerName: READERS[i], readerFingerprint: r.opened.readerFingerprint });
      expect(r.readers).toBe(1); // a workspace knows its own reader only
      expect(r.written).toMatchObject({ fingerprint: r.opened.readerFingerprint, answers: r.answers });
      expect(r.answers).toBeGreaterThan(10);
    }
    expect(new Set(runs.map((r) => r.written.fingerprint)).size).toBe(3); // a key per data folder

    for (const r of runs) {
      const untrusted = await refusal(coord, admin, 'packages.import', { file: r.written.file });
      expect(untrusted).toMatchObject({ code: 'package.untrusted-key', detail: { fingerprint: r.written.fingerprint } });
      const merged = await call(coord, admin, 'packages.import', { file: r.written.file, trust: r.written.fingerprint.toUpperCase() });
      expect(merged).toMatchObject({ added: r.answers, alreadyMerged: false, fingerprint: r.written.fingerprint });
      expect(await call(coord, admin, 'packages.import', { file: r.written.file })).toMatchObject({ added: 0, alreadyMerged: true });
    }
    const listed = await call(coord, admin, 'packages.list', { studyId });
    expect(
      listed.readers.map((r) => [r.readerName, r.site, r.issued.length, r.key?.fingerprint, r.imports.map((i) => i.answersAdded)]),
    ).toEqual(runs.map((r, i) => [READERS[i], SITES[i], 1, r.written.fingerprint, [r.answers]]));

    // The same reading on one machine.
    const clock = readingClock();
    const one = Object.assign(createVerdict({ dbPath: referenceDb, host: 'cli', log: silentLog, now: clock.now }), { dbPath: referenceDb });
    try {
      for (const [i, readerId] of readerIds.entries()) {
        const reader = one.newCaller();
        await call(one, reader, 'session.signIn', { readerId, passphrase: PASS });
        expect(await answerEveryTrial(one, reader, studyId, i, clock)).toBe(runs[i].answers);
      }
      const staff = one.newCaller();
      await call(one, staff, 'session.signIn', { readerId: 1, passphrase: PASS });
      const expected = (await call(one, staff, 'studies.export', { studyId, format: 'csv' })).content;
      const merged = (await call(coord, admin, 'studies.export', { studyId, format: 'csv' })).content;
      const mergedRows = longRows(merged, ['reader_site']);
      expect(mergedRows.length).toBe(runs.reduce((n, r) => n + r.answers, 0));
      expect(mergedRows).toEqual(longRows(expected, ['reader_site']));
      expect([...new Set(longRows(merged, []).map((r) => r.reader_site))]).toEqual(SITES);
      expect([...new Set(longRows(expected, []).map((r) => r.reader_site))]).toEqual(['']);
    } finally {
      one.close();
    }
  }, 90_000);
});
