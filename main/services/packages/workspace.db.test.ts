// A reader's workspace made from a study package: the reader signs in with the passphrase set when
// it was opened and reads through the real API exactly what they would read at the coordinator's
// workstation — every trial's view (case, stimuli and their values, labels, captions, AI outputs,
// the explanations seen, lock and progress) and the same pixels — and their answers commit there.
// Reopening the package changes nothing; a workspace takes no other package; a tampered package is
// refused naming the part, leaving no workspace behind.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { AnswerValue, BlindedStimulus, TrialView } from '../../../app/study';
import { createVerdict } from '../../verdict';
import { silentLog } from '../../log';
import { call, ISIC_QUESTIONS, refusal, type TestVerdict } from '../../../tests/support/study-fixture';
import { tempDir } from '../../../tests/support/data';
import { ISIC_PACKAGED, packagedStudies, type PackagedStudies, type PackagedStudy } from '../../../tests/support/packaged-studies';
import { readPackage } from './package-archive';
import { openStudyPackage, workspaceDbPath, type OpenedWorkspace } from './workspace';

const PASS = 'remote reader passphrase';
let s: PackagedStudies;
let dataDir: string;
type Workspace = { opened: OpenedWorkspace; w: TestVerdict; caller: CallContext };
const workspaces: Workspace[] = [];

async function workspace(p: PackagedStudy): Promise<Workspace> {
  const opened = await openStudyPackage({ file: p.made.file, dataDir, passphrase: PASS, now: () => new Date() });
  const w = Object.assign(createVerdict({ dbPath: opened.dbPath, host: 'cli', log: silentLog }), { dbPath: opened.dbPath });
  const caller = w.newCaller();
  await call(w, caller, 'session.signIn', { readerId: s.reader.id, passphrase: PASS });
  const ws = { opened, w, caller };
  workspaces.push(ws);
  return ws;
}

beforeAll(async () => {
  s = await packagedStudies();
  dataDir = tempDir('verdict-reader-');
}, 300_000);
afterAll(() => {
  for (const ws of workspaces) ws.w.close();
  s.v.close();
});

const bytesOf = (st: BlindedStimulus) => ({ ...st, values: Buffer.from(st.values).toString('base64') });
/** The view with map values as bytes, and answers without their row id and time (each database numbers its own). */
const comparable = (t: TrialView) => ({
  ...t,
  stimuli: t.stimuli.map(bytesOf),
  ...(t.seen ? { seen: t.seen.map(bytesOf) } : {}),
  answers: t.answers.map(({ id: _, createdAt: __, ...a }) => a),
});

function answerFor(q: TrialView['questions'][number]): AnswerValue | undefined {
  if (q.type === 'single-choice') return q.options[q.options.length - 1].value;
  if (q.type === 'likert') return 4;
  if (q.type === 'forced-choice') return 'B';
  return undefined;
}

describe('a reader workspace', () => {
  for (const which of ['isic', 'ct'] as const) {
    it(`${which}: shows every trial exactly as the coordinator's workstation does, and keeps the answers`, async () => {
      const p = s[which];
      const { opened, w, caller } = await workspace(p);
      expect(opened).toMatchObject({ studyId: p.studyId, readerName: 'Dr Remote', coordinatorFingerprint: p.made.fingerprint });
      const here = { v: s.v, caller: s.reader.caller };
      const there = { v: w, caller };
      const open = (at: typeof here, position: number) => call(at.v, at.caller, 'reading.trial', { studyId: p.studyId, position });
      const worklist = (at: typeof here) => call(at.v, at.caller, 'reading.worklist', { studyId: p.studyId });
      expect(await worklist(there)).toEqual(await worklist(here));
      const { total } = await worklist(here);
      let answered = 0;
      for (let position = 0; position < total; position++) {
        const remote = await open(there, position);
        expect(comparable(remote)).toEqual(comparable(await open(here, position)));
        if (remote.locked) continue;
        for (const q of remote.questions) {
          const value = answerFor(q);
          if (value === undefined) continue;
          const args = { studyId: p.studyId, trialId: remote.trial.id, questionId: q.id, value, displayState: { opacity: 0.5 } };
          const timings = { timeToFirstInputMs: 400, timeOnTrialMs: 3000 + position };
          const a = await call(w, caller, 'reading.answer', { ...args, timings });
          const b = await call(s.v, s.reader.caller, 'reading.answer', { ...args, timings });
          expect({ ...a, answerId: 0 }).toEqual({ ...b, answerId: 0 });
          answered++;
        }
      }
      expect(answered).toBeGreaterThan(total / 2);
      // Read again: answers, progress and locks agree too.
      for (let position = 0; position < total; position++)
        expect(comparable(await open(there, position))).toEqual(comparable(await open(here, position)));
      expect(await worklist(there)).toEqual(await worklist(here));
      expect(w.study.db.prepare('SELECT count(*) FROM answer').pluck().get()).toBe(answered);
      expect(await call(w, caller, 'studies.integrity', {})).toMatchObject({ ok: true });
      // Each opened stimulus trial's event names the maps the coordinator's own rows record.
      const shown = w.study.db.prepare("SELECT payload_json FROM event WHERE kind = 'stimulus.shown'").pluck().all() as string[];
      expect(shown.length).toBeGreaterThan(0);
      for (const e of shown.map((x) => JSON.parse(x) as { trialId: number; stimuli: { mapSha256: string }[] })) {
        const here = s.v.study.db.prepare('SELECT map_sha256 FROM stimulus WHERE trial_id = ? ORDER BY slot').pluck().all(e.trialId);
        expect(e.stimuli.map((x) => x.mapSha256)).toEqual(here);
      }
      // Nothing a packaged trial shows needs a model or an explanation row.
      expect(
        w.study.db
          .prepare('SELECT (SELECT count(*) FROM model) + (SELECT count(*) FROM explanation) + (SELECT count(*) FROM stimulus)')
          .pluck()
          .get(),
      ).toBe(0);
    });
  }

  it("a self-explaining model's detail travels too: an attribute's reading, a prototype's exemplar patches", async () => {
    const models = await call(s.v, s.admin, 'models.list', {});
    const protofm = models.find((m) => m.packId === 'isic-protofm')!.id;
    const caseId = (await call(s.v, s.admin, 'cases.list', {})).find((c) => c.label === 'Derm-001')!.id;
    const sheet = await call(s.v, s.admin, 'explain.prototypes', { modelId: protofm, caseId, count: 1 });
    const protocol = {
      ...ISIC_PACKAGED,
      id: 'self-explaining',
      cases: { labels: ['Derm-001'] },
      conditions: [
        { id: 'explicd-border', model: 'isic-explicd', method: 'attribute-map' as const, target: 'border' },
        { id: 'protofm-unit', model: 'isic-protofm', method: 'prototype-map' as const, target: sheet.rows[0].name },
      ],
      phases: ['ai-explanation' as const],
      comparisons: [],
      questions: ISIC_QUESTIONS,
      repeats: { count: 0 },
    };
    const saved = await call(s.v, s.admin, 'protocols.save', { protocol });
    const studyId = (await call(s.v, s.admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Self-explaining' })).id;
    await s.v.studies.prepared(studyId);
    await call(s.v, s.admin, 'studies.assign', { studyId, readerId: s.reader.id });
    const made = await s.makePackage(studyId, 'self-explaining.verdict');
    // Blind as the others (study-package.db.test.ts): exemplar patches and readings name no pack, method or condition.
    const names = [
      ...protocol.conditions.flatMap((c) => [c.id, c.model, c.method]),
      ...models.filter((m) => m.packId.startsWith('isic-')).map((m) => m.name),
    ];
    expect(names.filter((n) => readFileSync(made.file).includes(n))).toEqual([]);
    const { caller, w } = await workspace({ studyId, made });
    const kinds: string[] = [];
    for (const position of [0, 1]) {
      const there = await call(w, caller, 'reading.trial', { studyId, position });
      const here = await call(s.v, s.reader.caller, 'reading.trial', { studyId, position });
      const detail = there.stimuli[0].detail!;
      kinds.push(detail.kind);
      const exemplars = (t: TrialView) =>
        t.stimuli[0].detail?.kind === 'prototype' ? t.stimuli[0].detail.exemplars.map((e) => Buffer.from(e.png).toString('base64')) : [];
      expect(exemplars(there)).toEqual(exemplars(here));
      expect(comparable(there)).toEqual(comparable(here));
    }
    expect(kinds.sort()).toEqual(['attribute', 'prototype']);
  });

  it('serves the same pixels: a dermoscopic image as RGBA, a CT slice as HU', async () => {
    const [isic, ct] = workspaces;
    const first = await call(isic.w, isic.caller, 'reading.trial', { studyId: s.isic.studyId, position: 0 });
    const imageId = first.case.images[0].id;
    const rgba = (v: TestVerdict, c: CallContext) => call(v, c, 'imaging.dermoImage', { imageId });
    expect(Buffer.from((await rgba(isic.w, isic.caller)).rgba).equals(Buffer.from((await rgba(s.v, s.reader.caller)).rgba))).toBe(true);
    const c = (await call(ct.w, ct.caller, 'reading.trial', { studyId: s.ct.studyId, position: 0 })).case;
    const slice = { seriesId: c.series[0].id, index: c.nodule!.largestSliceIndex };
    const here = await call(s.v, s.reader.caller, 'imaging.slice', slice);
    const there = await call(ct.w, ct.caller, 'imaging.slice', slice);
    expect(there.position).toBe(here.position);
    expect(Buffer.from(there.hu).equals(Buffer.from(here.hu))).toBe(true);
  });

  it('signs in only with the passphrase set at opening', async () => {
    const [isic] = workspaces;
    expect(
      await refusal(isic.w, isic.w.newCaller(), 'session.signIn', { readerId: s.reader.id, passphrase: 'correct horse battery' }),
    ).toMatchObject({
      code: 'auth.failed',
    });
  });

  it('reopening the same package changes nothing', async () => {
    const [isic] = workspaces;
    const events = isic.w.study.db.prepare('SELECT count(*) FROM event').pluck().get();
    const again = await openStudyPackage({ file: s.isic.made.file, dataDir, passphrase: 'another passphrase', now: () => new Date() });
    expect(again).toEqual(isic.opened);
    expect(isic.w.study.db.prepare('SELECT count(*) FROM event').pluck().get()).toBe(events);
    expect(isic.w.study.db.prepare("SELECT count(*) FROM event WHERE kind = 'package.opened'").pluck().get()).toBe(1);
  });

  it('a workspace takes no package of another study, nor another package of its own', async () => {
    const other = tempDir('verdict-reader-');
    const isicUuid = readPackage(s.isic.made.file, 'study').manifest.study.uuid;
    const ctUuid = readPackage(s.ct.made.file, 'study').manifest.study.uuid;
    await openStudyPackage({ file: s.isic.made.file, dataDir: other, passphrase: PASS, now: () => new Date() });
    // The ISIC workspace where the CT study's would go.
    cpSync(dirname(workspaceDbPath(other, isicUuid)), dirname(workspaceDbPath(other, ctUuid)), { recursive: true });
    await expect(openStudyPackage({ file: s.ct.made.file, dataDir: other, passphrase: PASS, now: () => new Date() })).rejects.toMatchObject(
      {
        code: 'package.wrong-study',
        message: expect.stringContaining('another study'),
      },
    );
    const second = await s.makePackage(s.isic.studyId, 'isic-again.verdict');
    await expect(openStudyPackage({ file: second.file, dataDir: other, passphrase: PASS, now: () => new Date() })).rejects.toMatchObject({
      code: 'package.wrong-study',
      message: expect.stringContaining('already holds another package'),
    });
    // A folder in the way that is no workspace is left as it is.
    const blocked = dirname(workspaceDbPath(tempDir('verdict-reader-'), ctUuid));
    mkdirSync(blocked, { recursive: true });
    writeFileSync(join(blocked, 'notes.txt'), 'mine');
    await expect(
      openStudyPackage({ file: s.ct.made.file, dataDir: dirname(dirname(blocked)), passphrase: PASS, now: () => new Date() }),
    ).rejects.toMatchObject({ code: 'package.wrong-database' });
    expect(readdirSync(blocked)).toEqual(['notes.txt']);
  });

  it("opens the workspace with the host's build of SQLite (Electron's), not Node's", async () => {
    // A binding that cannot load shows it is the one used (Electron's own cannot load under Node).
    const fresh = tempDir('verdict-reader-');
    const nativeBinding = join(fresh, 'electron-abi.node');
    writeFileSync(nativeBinding, 'not a shared object');
    await expect(
      openStudyPackage({ file: s.isic.made.file, dataDir: fresh, passphrase: PASS, now: () => new Date(), nativeBinding }),
    ).rejects.toThrow(/electron-abi\.node|invalid ELF|not a shared object|file too short/i);
  });

  it.each([
    ['an image', 'images/'],
    ["a trial's map values", 'trials/'],
  ])('a package with one byte of %s flipped is refused, naming the part, and leaves no workspace', async (_what, prefix) => {
    const pkg = readPackage(s.isic.made.file, 'study');
    const [part, data] = [...pkg.parts].find(
      ([name, bytes]) => name.startsWith(prefix) && name.endsWith(prefix === 'trials/' ? '.bin' : '') && bytes.length > 0,
    )!;
    const bytes = readFileSync(s.isic.made.file);
    const at = bytes.indexOf(data) + Math.floor(data.length / 2);
    bytes[at] ^= 0x01;
    const tampered = join(s.outDir, 'tampered.verdict');
    writeFileSync(tampered, bytes);
    const fresh = tempDir('verdict-reader-');
    await expect(openStudyPackage({ file: tampered, dataDir: fresh, passphrase: PASS, now: () => new Date() })).rejects.toMatchObject({
      code: 'package.tampered',
      message: expect.stringContaining(part),
    });
    mkdirSync(join(fresh, 'workspaces'), { recursive: true });
    expect(readdirSync(join(fresh, 'workspaces'))).toEqual([]);
    expect(existsSync(workspaceDbPath(fresh, pkg.manifest.study.uuid))).toBe(false);
  });
});
