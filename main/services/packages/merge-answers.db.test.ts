// Merging answer packages (real databases, demo cases, the ISIC test pack). Two readers give the
// same scripted answers twice: once all at one workstation (a single-machine copy), once with one
// reader at another site — reading in a stand-in workspace (a copy of the coordinator's database
// taken once the study was prepared and assigned, so it has the coordinator's ids) and sending two
// answer packages. The merged study's long CSV equals the single machine's byte for byte but for
// the site column, and so do its results. The same package twice changes nothing; a later one adds
// only what is new (an edit supersedes the merged version); tampered, re-signed, rewritten, stale
// and other studies' packages are refused with their reason.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolInput } from '../../../app/protocol';
import { demoDir } from '../../paths';
import { answerContentSha256, eventHash, GENESIS_HASH, verifyEventLog } from '../db/event-log';
import { tempDir } from '../../../tests/support/data';
import { call, signedIn } from '../../../tests/support/study-fixture';
import {
  clock,
  copySite,
  markIssued,
  markWorkspace,
  readTrials,
  signIn,
  siteVerdict,
  twoSiteProtocol,
  type SiteVerdict,
} from '../../../tests/support/two-sites';
import { createAnswerPackage, type LogRow, type PackagedAnswer } from './answer-package';
import { mergeAnswerPackage } from './merge-answers';
import { readPackage, writePackage, type PackageHead } from './package-archive';
import { signingKey } from './package-keys';

const protocol: ProtocolInput = twoSiteProtocol(4);

let coordinator: SiteVerdict; // the study's own database: Dr Here reads here, Dr Away's answers are merged in
let single: SiteVerdict; // both readers at one workstation
let away: SiteVerdict; // Dr Away's stand-in workspace
let studyId: number;
let awayId: number;
let hereId: number;
let total: number;
const packages: string[] = [];

const merge = (file: string, trust?: string) =>
  mergeAnswerPackage({
    db: coordinator.study.db,
    explain: coordinator.explain,
    imaging: coordinator.imaging,
    now: () => new Date(clock.at),
    file,
    trust,
  });
const writeAnswers = (name: string) =>
  createAnswerPackage({
    db: away.study.db,
    dataDir: away.dataDir,
    out: join(tempDir('verdict-answers-'), name),
    appVersion: '0.1.0',
    now: () => new Date(clock.at),
  });
const readerKey = () => signingKey(away.dataDir, 'reader');

/** Counts of every table a merge writes, and the log's head: equal before and after means nothing changed. */
function state(db = coordinator.study.db): Record<string, unknown> & { answer: number } {
  const n = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
  return {
    answer: n('answer'),
    ...Object.fromEntries(
      [
        'answer',
        'event',
        'remote_event',
        'merged_answer',
        'answer_import',
        'reader_key',
        'stimulus',
        'trial_prediction',
        'trial_visit',
      ].map((t) => [t, n(t)]),
    ),
    head: db.prepare('SELECT hash FROM event ORDER BY id DESC LIMIT 1').pluck().get(),
  };
}

/** The package rebuilt with `edit` applied to its head and parts, signed by `key` (the reader's own by default). */
function resigned(file: string, edit: (head: PackageHead, parts: Map<string, Buffer>) => void, key = readerKey()): string {
  const { manifest: m, parts } = readPackage(file, 'answers');
  const head: PackageHead = {
    kind: m.kind,
    study: { ...m.study },
    reader: { ...m.reader },
    appVersion: m.appVersion,
    createdAt: m.createdAt,
  };
  const copy = new Map(parts);
  edit(head, copy);
  const out = join(tempDir('verdict-resigned-'), 'answers.verdict');
  writePackage(
    out,
    head,
    [...copy].map(([path, data]) => ({ path, data })),
    key,
  );
  return out;
}

const json = <T>(parts: Map<string, Buffer>, part: string): T => JSON.parse(parts.get(part)!.toString('utf8')) as T;
const put = (parts: Map<string, Buffer>, part: string, value: unknown) => parts.set(part, Buffer.from(JSON.stringify(value)));

/** The long CSV without its reader_site column (the one thing a remote reader's rows add). */
function csvWithoutSite(v: SiteVerdict): { csv: string; sites: string[] } {
  const lines = v.exports.build(studyId, 'csv').content.split('\r\n');
  const at = lines[0].split(',').indexOf('reader_site');
  expect(at).toBeGreaterThan(0);
  const sites: string[] = [];
  // No cell before reader_site holds a comma or a quote (ids, names, numbers), so splitting there is safe.
  const csv = lines
    .map((l) => {
      const cells = l.split(',');
      sites.push(cells[at]);
      return [...cells.slice(0, at), ...cells.slice(at + 1)].join(',');
    })
    .join('\r\n');
  return { csv, sites: sites.slice(1).filter((_, i) => lines[i + 1] !== '') };
}

beforeAll(async () => {
  clock.at = Date.parse('2026-12-01T09:00:00.000Z');
  coordinator = await siteVerdict();
  const report = await coordinator.imports.run(demoDir());
  if (report.status !== 'done') throw new Error(`demo import ${report.status}`);
  const { admin, readers } = await signedIn(coordinator, ['Dr Away', 'Dr Here']);
  [awayId, hereId] = readers.map((r) => r.id);
  const saved = await call(coordinator, admin, 'protocols.save', { protocol });
  studyId = (await call(coordinator, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Two sites' })).id;
  await coordinator.studies.prepared(studyId);
  await call(coordinator, admin, 'studies.assign', { studyId, readerId: awayId });
  away = await copySite(coordinator);
  markWorkspace(away.study.db, studyId);
  await call(coordinator, admin, 'studies.assign', { studyId, readerId: hereId });
  single = await copySite(coordinator);
  markIssued(coordinator.study.db, studyId, awayId, 'Hospital B');
  total = (await call(coordinator, readers[1].caller, 'reading.worklist', { studyId })).total;

  // Dr Here reads everything at the coordinator's workstation (and on the single machine).
  for (const v of [coordinator, single]) await readTrials(v, await signIn(v, hereId), studyId, 0, total, 2);
  // Dr Away reads the first half, sends a package, then the rest with an edit of an answer already sent.
  const half = Math.floor(total / 2);
  for (const v of [away, single]) await readTrials(v, await signIn(v, awayId), studyId, 0, half, 1);
  clock.at += 60_000;
  packages.push(writeAnswers('first.verdict').file);
  for (const v of [away, single]) {
    const caller = await signIn(v, awayId);
    await readTrials(v, caller, studyId, half, total, 1);
    await readTrials(v, caller, studyId, 0, 1, 7); // a second thought on the first trial, after the first package
  }
  clock.at += 60_000;
  packages.push(writeAnswers('second.verdict').file);
}, 300_000);
afterAll(() => [coordinator, single, away].forEach((v) => v.close()));

describe('merging answer packages', () => {
  it("asks the coordinator to confirm a new reader key's fingerprint, then registers it", async () => {
    const before = state();
    const unconfirmed = await merge(packages[0]).catch((e) => e);
    expect(unconfirmed).toMatchObject({ code: 'package.untrusted-key', detail: { fingerprint: readerKey().fingerprint } });
    expect(unconfirmed.message).toContain('Dr Away has no key registered yet');
    expect(await merge(packages[0], 'ffff '.repeat(16).trim()).catch((e) => e.code)).toBe('package.untrusted-key');
    expect(state()).toEqual(before);

    const first = await merge(packages[0], readerKey().fingerprint);
    const sent = (readPackage(packages[0], 'answers').parts.get('answers.json')!.toString().match(/"id":/g) ?? []).length;
    expect(first).toEqual({
      readerName: 'Dr Away',
      site: 'Hospital B',
      added: sent,
      alreadyMerged: false,
      fingerprint: readerKey().fingerprint,
    });
    expect(first.added).toBeGreaterThan(0);
    expect(coordinator.study.db.prepare('SELECT fingerprint FROM reader_key WHERE reader_id = ?').pluck().get(awayId)).toBe(
      readerKey().fingerprint,
    );
    expect(verifyEventLog(coordinator.study.db)).toMatchObject({ ok: true });
  });

  it('changes nothing when the same package comes again', async () => {
    const before = state();
    expect(await merge(packages[0])).toMatchObject({ added: 0, alreadyMerged: true });
    expect(state()).toEqual(before);
  });

  it("refuses an answer to a stimulus the reader's workspace never showed", async () => {
    const before = state();
    const e = await merge(
      resigned(packages[1], (_, parts) => {
        const answers = json<PackagedAnswer[]>(parts, 'answers.json');
        const visitedBefore = new Set(
          json<{ trial_id: number }[]>(readPackage(packages[0], 'answers').parts, 'visits.json').map((v) => v.trial_id),
        );
        const stimulusTrials = new Set(
          coordinator.study.db.prepare("SELECT id FROM trial WHERE kind = 'stimulus'").pluck().all() as number[],
        );
        const target = answers.find((a) => !visitedBefore.has(a.trial_id) && stimulusTrials.has(a.trial_id))!;
        put(
          parts,
          'visits.json',
          json<{ trial_id: number }[]>(parts, 'visits.json').filter((v) => v.trial_id !== target.trial_id),
        );
      }),
    ).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.forged', detail: { part: 'answers.json' } });
    expect(e.message).toMatch(/whose stimuli the reader's workspace never showed/);
    expect(state()).toEqual(before);
  });

  it("refuses a package whose reader was shown maps other than this study's prepared maps", async () => {
    const before = state();
    const merged = json<LogRow[]>(readPackage(packages[0], 'answers').parts, 'log.json').length;
    const e = await merge(
      resigned(packages[1], (_, parts) => {
        // A later event rewritten and the chain after it recomputed: the log still extends the one merged.
        const log = json<LogRow[]>(parts, 'log.json');
        let prev = log[merged - 1].hash;
        let changed = false;
        for (const ev of log.slice(merged)) {
          const payload = JSON.parse(ev.payload_json);
          if (!changed && ev.kind === 'stimulus.shown') {
            payload.stimuli[0].mapSha256 = 'f'.repeat(64);
            changed = true;
          }
          ev.payload_json = JSON.stringify(payload);
          ev.prev_hash = prev;
          ev.hash = prev = eventHash(prev, ev.at, ev.kind, payload);
        }
        expect(changed).toBe(true);
        put(parts, 'log.json', log);
      }),
    ).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.forged', detail: { part: 'log.json' } });
    expect(e.message).toMatch(/showed the reader maps other than this study's prepared maps/);
    expect(state()).toEqual(before);
  });

  it('appends only what a later package adds: new answers, and an edit superseding the merged version', async () => {
    const before = state();
    const { parts } = readPackage(packages[1], 'answers');
    const all = json<PackagedAnswer[]>(parts, 'answers.json');
    const firstIds = new Set(json<PackagedAnswer[]>(readPackage(packages[0], 'answers').parts, 'answers.json').map((a) => a.id));
    // Imported twice at once (the same answers sent twice, say): the merges interleave while the marks' masks are read; one
    // merges, the other finds the reader's log moved on and is refused, changing nothing.
    const twin = resigned(packages[1], (h) => void (h.appVersion = '0.1.0+twin'));
    const [a, b] = await Promise.allSettled([merge(packages[1]), merge(twin)]);
    const [won, lost] = a.status === 'fulfilled' ? [a, b] : [b, a];
    expect(won.status).toBe('fulfilled');
    expect(lost).toMatchObject({ status: 'rejected', reason: { code: 'package.stale' } });
    if (won === b) packages[1] = twin;
    const r = (won as PromiseFulfilledResult<Awaited<ReturnType<typeof merge>>>).value;
    expect(r).toMatchObject({ added: all.length - firstIds.size, alreadyMerged: false });
    expect(state().answer).toBe(before.answer + r.added);
    // The edit: its remote version superseded a version sent in the first package; here it supersedes that one's merged row.
    const edit = all.find((a) => a.supersedes !== null && firstIds.has(a.supersedes) && !firstIds.has(a.id))!;
    expect(edit).toBeDefined();
    const db = coordinator.study.db;
    const local = (remote: number) =>
      db
        .prepare('SELECT answer_id FROM merged_answer WHERE study_id = ? AND reader_id = ? AND remote_answer_id = ?')
        .pluck()
        .get(studyId, awayId, remote);
    const row = db.prepare('SELECT * FROM answer WHERE id = ?').get(local(edit.id)) as PackagedAnswer;
    expect(row).toMatchObject({
      supersedes: local(edit.supersedes!),
      version: edit.version,
      value_json: edit.value_json,
      reader_id: awayId,
    });
    // The reader's whole log is kept, and the import says up to where.
    const log = json<LogRow[]>(parts, 'log.json');
    expect(db.prepare('SELECT max(seq) FROM remote_event WHERE reader_id = ?').pluck().get(awayId)).toBe(log[log.length - 1].id);
    expect(log[log.length - 1].kind).toBe('answers.exported');
    expect(verifyEventLog(db)).toMatchObject({ ok: true });
  });

  it("gives the single machine's long CSV, byte for byte but for the site, and its results", () => {
    const merged = csvWithoutSite(coordinator);
    const alone = csvWithoutSite(single);
    expect(merged.csv.length).toBeGreaterThan(1000);
    expect(merged.csv).toBe(alone.csv);
    const names = coordinator.exports
      .build(studyId, 'csv')
      .content.split('\r\n')
      .slice(1, -1)
      .map((l) => l.split(',')[7]);
    expect(merged.sites).toEqual(names.map((n) => (n === 'Dr Away' ? 'Hospital B' : '')));
    expect(merged.sites).toContain('Hospital B');
    // Evidence marks were scored here, from this study's truth and maps, as they were on the single machine.
    expect(merged.csv).toMatch(/\{""shape"":""box""/);
    const results = (v: SiteVerdict) => ({ ...v.results.of(studyId), computedAt: null });
    expect(results(coordinator)).toEqual(results(single));
    expect(results(coordinator).readers).toEqual(['Dr Away', 'Dr Here']);
  });

  it('refuses an older package once a newer one is merged: the one merged before, or one never merged', async () => {
    const before = state();
    expect(await merge(packages[0]).catch((e) => e)).toMatchObject({
      code: 'package.stale',
      message: expect.stringMatching(/older than the package from Dr Away merged on 2026-/),
    });
    const neverMerged = resigned(packages[0], (h) => void (h.appVersion = '0.1.0+resent'));
    expect(await merge(neverMerged).catch((e) => e)).toMatchObject({ code: 'package.stale' });
    expect(state()).toEqual(before);
  });

  it('refuses a flipped byte in an answer or in the log, naming the part', async () => {
    for (const [needle, part] of [
      ['"value_json":"', 'answers.json'],
      ['"payload_json":"', 'log.json'],
    ]) {
      const bytes = readFileSync(packages[1]);
      const at = bytes.indexOf(needle) + needle.length + 1;
      bytes[at] ^= 0x01;
      const file = join(tempDir('verdict-flipped-'), 'answers.verdict');
      writeFileSync(file, bytes);
      const e = await merge(file).catch((x) => x);
      expect(e).toMatchObject({ code: 'package.tampered', detail: { part } });
      expect(e.message).toContain(part);
    }
  });

  it('refuses a forged answer signed with another key, and one the registered key signed without its event', async () => {
    const forge = (parts: Map<string, Buffer>) => {
      const answers = json<PackagedAnswer[]>(parts, 'answers.json');
      const last = answers[answers.length - 1];
      last.value_json = last.value_json === '"mel"' ? '"nv"' : '"mel"';
      put(parts, 'answers.json', answers);
    };
    const other = signingKey(tempDir('verdict-other-key-'), 'reader');
    expect(await merge(resigned(packages[1], (_, p) => forge(p), other)).catch((e) => e)).toMatchObject({
      code: 'package.untrusted-key',
      message: expect.stringContaining('not the one registered for Dr Away'),
    });
    const e = await merge(resigned(packages[1], (_, p) => forge(p))).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.forged', detail: { part: 'answers.json' } });
    expect(e.message).toMatch(/answer \d+ differs from what its event \d+ in log.json recorded/);
  });

  it('refuses a part whose rows are not what a workspace writes, naming the part, the row and the column', async () => {
    const e = await merge(
      resigned(packages[1], (_, parts) => {
        const answers = json<Record<string, unknown>[]>(parts, 'answers.json');
        answers[2].created_at = 'yesterday';
        put(parts, 'answers.json', answers);
      }),
    ).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.invalid', detail: { part: 'answers.json' } });
    expect(e.message).toContain('answers.json: row 2: created_at is not a UTC time as Verdict writes it');
  });

  it('refuses a log whose events were reordered, even re-signed by the reader', async () => {
    const e = await merge(
      resigned(packages[1], (_, parts) => {
        const log = json<LogRow[]>(parts, 'log.json');
        const n = log.length;
        [log[n - 3], log[n - 2]] = [log[n - 2], log[n - 3]];
        put(parts, 'log.json', log);
      }),
    ).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.forged', detail: { part: 'log.json' } });
    expect(e.message).toMatch(/reordered/);
  });

  it('refuses a history rewritten with a consistent chain: the log no longer extends the one merged', async () => {
    // A merged answer changed, its event's hash and every hash after it recomputed: an intact chain, but not the one sent before.
    const e = await merge(
      resigned(packages[1], (_, parts) => {
        const answers = json<PackagedAnswer[]>(parts, 'answers.json');
        const log = json<LogRow[]>(parts, 'log.json');
        const target = answers[0];
        target.value_json = target.value_json === '"mel"' ? '"nv"' : '"mel"';
        let prev = GENESIS_HASH;
        for (const ev of log) {
          const payload = JSON.parse(ev.payload_json);
          if (ev.kind === 'answer' && payload.answerId === target.id) payload.contentSha256 = answerContentSha256(target);
          ev.payload_json = JSON.stringify(payload);
          ev.prev_hash = prev;
          ev.hash = prev = eventHash(prev, ev.at, ev.kind, payload);
        }
        put(parts, 'answers.json', answers);
        put(parts, 'log.json', log);
      }),
    ).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.forged', detail: { part: 'log.json' } });
    expect(e.message).toMatch(/differs from the one Dr Away sent before/);
  });

  it('refuses an answer version this database holds from elsewhere (the reader also read at this workstation)', async () => {
    // Dr Away changes an answer here, and the same answer in the workspace: both are its version n + 1.
    for (const v of [coordinator, away]) await readTrials(v, await signIn(v, awayId), studyId, 0, 1, 9);
    const third = writeAnswers('third.verdict').file;
    const before = state();
    const e = await merge(third).catch((x) => x);
    expect(e).toMatchObject({ code: 'package.invalid', detail: { part: 'answers.json' } });
    expect(e.message).toMatch(/clashes with an answer this database holds from elsewhere/);
    expect(state()).toEqual(before);
  });

  it('refuses a package from another study or another protocol version', async () => {
    const other = await merge(resigned(packages[1], (h) => void (h.study.uuid = '00000000-0000-4000-8000-000000000000'))).catch((e) => e);
    expect(other).toMatchObject({ code: 'package.wrong-study', message: expect.stringContaining('from another study') });
    const version = await merge(resigned(packages[1], (h) => void (h.study.protocolSha256 = 'f'.repeat(64)))).catch((e) => e);
    expect(version).toMatchObject({ code: 'package.wrong-study', message: expect.stringContaining('another version of the protocol') });
    const notIssued = await merge(resigned(packages[1], (h) => void (h.reader = { id: hereId, name: 'Dr Here', site: null }))).catch(
      (e) => e,
    );
    expect(notIssued).toMatchObject({ code: 'package.not-issued' });
  });
});
