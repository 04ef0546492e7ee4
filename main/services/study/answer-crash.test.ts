// Crash test: the real loopback host (a child process) is killed with SIGKILL at a random
// moment while a reader's answers stream in over its WebSocket; the study database file is
// then opened directly. Every answer the client saw acknowledged must be there, unchanged; the
// file must pass SQLite's integrity check and the event chain must verify. One prepared
// database (demo study, a study assigned, every trial opened so its stimuli are recorded) is
// copied for each trial, so a trial costs a host start-up and well under a second of answers.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess } from '../../../tests/support/serve-process';
import { tempDir } from '../../../tests/support/data';
import { verifyEventLog } from './event-log';
import { call, demoVerdict, isicProtocol, PASS, signedIn } from './study-fixture';

const TRIALS = Number(process.env.VERDICT_CRASH_TRIALS ?? 50);
const WORKERS = 3;

type Item = { trialId: number; questionId: string; value: () => unknown };
type Acked = { answerId: number; trialId: number; questionId: string; version: number; valueJson: string };

let prepared: string;
let studyId: number;
let readerId: number;
const items: Item[] = [];
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)];

beforeAll(async () => {
  const v = await demoVerdict();
  const { admin, readers } = await signedIn(v, ['Dr Crash']);
  const saved = await call(v, admin, 'protocols.save', { protocol: isicProtocol() });
  studyId = (await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Crash' })).id;
  await v.studies.prepared(studyId);
  readerId = readers[0].id;
  await call(v, admin, 'studies.assign', { studyId, readerId });
  const total = (await call(v, readers[0].caller, 'reading.worklist', { studyId })).total;
  for (let position = 0; position < total; position++) {
    const t = await call(v, readers[0].caller, 'reading.trial', { studyId, position });
    for (const q of t.questions) {
      if (q.type === 'single-choice') items.push({ trialId: t.trial.id, questionId: q.id, value: () => pick(['mel', 'nv']) });
      if (q.type === 'likert') items.push({ trialId: t.trial.id, questionId: q.id, value: () => 1 + Math.floor(Math.random() * 5) });
      if (q.type === 'roi') items.push({ trialId: t.trial.id, questionId: q.id, value: () => ({ shape: 'box', x0: Math.random() * 100, y0: Math.random() * 100, x1: 110 + Math.random() * 100, y1: 110 + Math.random() * 100 }) });
    }
  }
  prepared = v.dbPath;
  v.close();
}, 180_000);

const totals = { trials: 0, acked: 0, found: 0, inFlightAtKill: 0, committedUnacked: 0, ms: 0 };
afterAll(() => {
  console.log(`crash test: ${totals.trials} trials, ${totals.acked} answers acknowledged, ${totals.found} found after SIGKILL, ` +
    `${totals.inFlightAtKill} in flight at the kill (${totals.committedUnacked} of them committed), ${(totals.ms / 1000).toFixed(1)} s`);
});

async function crashTrial(): Promise<void> {
  const dir = tempDir('verdict-crash-');
  copyFileSync(prepared, join(dir, 'study.db'));
  const host = await startServeProcess({ dataDir: dir });
  const exited = new Promise<void>((resolve) => (host.child.exitCode !== null ? resolve() : host.child.once('exit', () => resolve())));
  const api = await host.api();
  await api.call('session.signIn', { readerId, passphrase: PASS });

  const acked: Acked[] = [];
  let dead = false;
  let inFlight = 0;
  void exited.then(() => (dead = true));
  let firstAck: () => void = () => {};
  const started = new Promise<void>((resolve) => (firstAck = resolve));
  const worker = async () => {
    while (!dead) {
      const item = pick(items);
      const value = item.value();
      inFlight++;
      const reply = await Promise.race([
        api.call('reading.answer', { studyId, trialId: item.trialId, questionId: item.questionId, value: value as never, displayState: { opacity: 0.5 }, timings: { timeToFirstInputMs: 10, timeOnTrialMs: 20 } }).then(
          (r) => r,
          () => null,
        ),
        exited.then(() => null),
      ]);
      if (!reply) return;
      inFlight--;
      acked.push({ answerId: reply.answerId, trialId: item.trialId, questionId: item.questionId, version: reply.version, valueJson: JSON.stringify(value) });
      firstAck();
    }
  };
  const workers = Array.from({ length: WORKERS }, worker);
  await started;
  // A different moment each trial: 20–600 ms into the stream of answers.
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 580));
  host.child.kill('SIGKILL');
  await exited;
  await Promise.all(workers);
  api.close();
  totals.inFlightAtKill += inFlight;

  const db = new Sqlite(join(dir, 'study.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(verifyEventLog(db)).toMatchObject({ ok: true, firstBreak: null });
    const get = db.prepare('SELECT trial_id, question_id, version, value_json FROM answer WHERE id = ?');
    let found = 0;
    for (const a of acked) {
      expect(get.get(a.answerId), `answer ${a.answerId}`).toEqual({ trial_id: a.trialId, question_id: a.questionId, version: a.version, value_json: a.valueJson });
      found++;
    }
    const inDb = (db.prepare('SELECT count(*) AS n FROM answer').get() as { n: number }).n;
    expect(inDb).toBeGreaterThanOrEqual(acked.length);
    expect(inDb - acked.length).toBeLessThanOrEqual(inFlight);
    totals.committedUnacked += inDb - acked.length;
    totals.acked += acked.length;
    totals.found += found;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('answers survive SIGKILL of the serving process', () => {
  it(`keeps every acknowledged answer, over ${TRIALS} kills at random moments`, async () => {
    const t0 = performance.now();
    for (let i = 0; i < TRIALS; i++) {
      await crashTrial();
      totals.trials++;
    }
    totals.ms = performance.now() - t0;
    expect(totals.trials).toBe(TRIALS);
    expect(totals.acked).toBeGreaterThan(TRIALS);
    expect(totals.found).toBe(totals.acked);
  }, 1_200_000);
});
