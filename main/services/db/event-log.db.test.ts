// Tamper tests: an event row changed behind the triggers' back (triggers dropped, or the file's
// bytes edited) is found by studies.integrity and at start-up, named by its id; an answer row
// changed is found against the event that recorded it. The app still opens.
import { copyFileSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../../tests/support/data';
import { readHead } from './event-head';
import { afterAll, describe, expect, it } from 'vitest';
import { createVerdict } from '../../verdict';
import type { Log } from '../../log';
import { testVerdict } from '../../../tests/support/verdict';
import { call, demoVerdict, isicProtocol, PASS, refusal, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';
import { eventHash, GENESIS_HASH, verifyEventLog } from './event-log';

const opened: { close: () => void }[] = [];
afterAll(() => opened.forEach((v) => v.close()));

async function withReaders(names: string[]): Promise<TestVerdict> {
  const v = testVerdict();
  opened.push(v);
  const admin = v.newCaller();
  const a = await call(v, admin, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
  await call(v, admin, 'session.signIn', { readerId: a.id, passphrase: PASS });
  for (const name of names) await call(v, admin, 'readers.create', { name, role: 'reader', passphrase: PASS });
  return v;
}

function reopen(dbPath: string): { errors: string[]; v: ReturnType<typeof createVerdict> } {
  const errors: string[] = [];
  const log: Log = { info: () => {}, error: (m) => errors.push(m) };
  const v = createVerdict({ dbPath, host: 'cli', log });
  opened.push(v);
  return { errors, v };
}

describe('the event log', () => {
  it('chains every row to the one before it', async () => {
    const v = await withReaders(['Dr A', 'Dr B']);
    const rows = v.study.db.prepare('SELECT id, kind, prev_hash, hash FROM event ORDER BY id').all() as {
      id: number;
      kind: string;
      prev_hash: string;
      hash: string;
    }[];
    expect(rows.map((r) => r.kind)).toEqual(['reader.created', 'reader.signed-in', 'reader.created', 'reader.created']);
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(verifyEventLog(v.study.db)).toEqual({ ok: true, checked: 4, firstBreak: null });
  });

  it('finds a payload changed with the triggers dropped', async () => {
    const v = await withReaders(['Dr A', 'Dr B']);
    const db = v.study.db;
    db.exec('DROP TRIGGER event_no_update');
    db.prepare(`UPDATE event SET payload_json = replace(payload_json, '"reader"', '"admin"') WHERE id = 3`).run();
    expect(v.studies.integrity()).toMatchObject({
      ok: false,
      checked: 2,
      firstBreak: { eventId: 3, reason: expect.stringMatching(/event 3 \(reader\.created\) does not match its hash/) },
    });
    // Rewriting the row's own hash too moves the break to the next row: the chain still tells.
    const fixed = db.prepare('SELECT * FROM event WHERE id = 3').get() as {
      at: string;
      kind: string;
      payload_json: string;
      prev_hash: string;
    };
    db.prepare('UPDATE event SET hash = ? WHERE id = 3').run(
      eventHash(fixed.prev_hash, fixed.at, fixed.kind, JSON.parse(fixed.payload_json)),
    );
    expect(verifyEventLog(db).firstBreak).toMatchObject({
      eventId: 4,
      reason: expect.stringMatching(/does not follow the event before it/),
    });
  });

  it("finds a payload edited in the file's bytes, at start-up, and still opens", async () => {
    const v = await withReaders(['Dr Tamperproof', 'Dr Other']);
    const id = (v.study.db.prepare(`SELECT id FROM event WHERE payload_json LIKE '%Dr Tamperproof%'`).get() as { id: number }).id;
    v.close();
    const bytes = readFileSync(v.dbPath);
    const needle = Buffer.from('"name":"Dr Tamperproof"');
    const at = bytes.indexOf(needle);
    expect(at).toBeGreaterThan(0);
    expect(bytes.indexOf(needle, at + 1)).toBe(-1);
    Buffer.from('"name":"Dr Tamperpr00f"').copy(bytes, at);
    writeFileSync(v.dbPath, bytes);

    const { errors, v: again } = reopen(v.dbPath);
    expect(again.integrity).toMatchObject({ ok: false, firstBreak: { eventId: id } });
    expect(errors).toEqual([expect.stringContaining(`the event log is broken at event ${id}`)]);
    expect(again.study.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await call(again as TestVerdict, again.newCaller(), 'session.readers', {})).toHaveLength(3);
  });

  it('finds an answer changed behind its event, and a missing trigger', async () => {
    const v = await demoVerdict();
    opened.push(v);
    const { admin, readers } = await signedIn(v, ['Dr Answer']);
    const saved = await call(v, admin, 'protocols.save', { protocol: isicProtocol() });
    const { id: studyId } = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Tamper' });
    await v.studies.prepared(studyId);
    await call(v, admin, 'studies.assign', { studyId, readerId: readers[0].id });
    const t = await call(v, readers[0].caller, 'reading.trial', { studyId, position: 0 });
    const a = await call(v, readers[0].caller, 'reading.answer', {
      studyId,
      trialId: t.trial.id,
      questionId: 'diagnosis',
      value: 'nv',
      displayState: {},
      timings: { timeToFirstInputMs: 1, timeOnTrialMs: 2 },
    });
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({ ok: true });
    v.study.db.exec('DROP TRIGGER answer_no_update');
    v.study.db.prepare(`UPDATE answer SET value_json = '"mel"' WHERE id = ?`).run(a.answerId);
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({
      ok: false,
      firstBreak: { eventId: 0, reason: `answer ${a.answerId} differs from what its event recorded` },
    });
    v.study.db.prepare(`UPDATE answer SET value_json = '"nv"' WHERE id = ?`).run(a.answerId);
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({
      ok: false,
      firstBreak: { reason: 'the append-only triggers answer_no_update are missing' },
    });
  });

  it('keeps its head outside the database and reports the tail lost with a deleted WAL', async () => {
    const v = await withReaders(['Dr A']);
    v.study.db.pragma('wal_checkpoint(TRUNCATE)');
    const admin = v.newCaller();
    await call(v, admin, 'session.signIn', { readerId: 1, passphrase: PASS });
    // Acknowledged after the checkpoint: these live only in the WAL.
    for (const name of ['Dr B', 'Dr C', 'Dr D']) await call(v, admin, 'readers.create', { name, role: 'reader', passphrase: PASS });
    const last = v.study.db.prepare('SELECT id, hash FROM event ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
    expect(readHead(v.dbPath)).toEqual({ seq: last.id, hash: last.hash });
    // What a crash leaves when the WAL was deleted first: the database file and the head, no WAL.
    const dir = tempDir('verdict-wal-lost-');
    const copy = join(dir, 'study.db');
    copyFileSync(v.dbPath, copy);
    copyFileSync(`${v.dbPath}-head`, `${copy}-head`);
    const { errors, v: reopened } = reopen(copy);
    const after = Object.assign(reopened, { dbPath: copy });
    expect(after.integrity.ok).toBe(false);
    expect(after.integrity.firstBreak!.reason).toMatch(
      new RegExp(
        `the log ends at event ${last.id - 4} \\(\\d+ events\\), but event ${last.id} had been committed \\(study.db-head\\): 4 events at the end are missing`,
      ),
    );
    expect(errors.join('\n')).toContain('events at the end are missing');
    const c = after.newCaller();
    await call(after, c, 'session.signIn', { readerId: 1, passphrase: PASS });
    expect((await call(after, c, 'studies.integrity', {})).ok).toBe(false);
    // New events reuse the lost numbers; the head stays as evidence and the check still says so.
    for (const name of ['Dr E', 'Dr F', 'Dr G', 'Dr H']) await call(after, c, 'readers.create', { name, role: 'reader', passphrase: PASS });
    await Promise.resolve();
    expect(readHead(copy)).toEqual({ seq: last.id, hash: last.hash });
    expect(verifyEventLog(after.study.db).firstBreak!.reason).toContain(`event ${last.id} is not the event committed as number ${last.id}`);
  });

  it('refuses to write once its WAL is deleted or replaced, after copying what it held into the database file', async () => {
    for (const how of ['deleted', 'replaced'] as const) {
      const v = await withReaders(['Dr A']);
      const admin = v.newCaller();
      await call(v, admin, 'session.signIn', { readerId: 1, passphrase: PASS });
      await call(v, admin, 'readers.create', { name: 'Dr Acknowledged', role: 'reader', passphrase: PASS });
      const wal = `${v.dbPath}-wal`;
      if (how === 'deleted') unlinkSync(wal);
      else {
        writeFileSync(`${wal}.other`, '');
        renameSync(`${wal}.other`, wal);
      }
      const refused = await refusal(v, admin, 'readers.create', { name: 'Dr Late', role: 'reader', passphrase: PASS });
      expect(refused.code, how).toBe('db.wal-lost');
      expect(refused.message, how).toContain(`(study.db-wal) was ${how} while Verdict was running`);
      expect(refused.message, how).toContain('Restart Verdict');
      // The rescue ran once the refused transaction had rolled back: the database file alone
      // (as a crash would leave it) holds every acknowledged event.
      await new Promise((r) => setTimeout(r, 10));
      const dir = tempDir('verdict-wal-rescued-');
      copyFileSync(v.dbPath, join(dir, 'study.db'));
      copyFileSync(`${v.dbPath}-head`, join(dir, 'study.db-head'));
      const { v: after } = reopen(join(dir, 'study.db'));
      expect(after.integrity, how).toMatchObject({ ok: true, firstBreak: null });
      expect(
        after.readers.list().map((r) => r.name),
        how,
      ).toContain('Dr Acknowledged');
      expect(
        after.readers.list().map((r) => r.name),
        how,
      ).not.toContain('Dr Late');
    }
  });
});
