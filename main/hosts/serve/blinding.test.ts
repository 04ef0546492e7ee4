// Blinding on the wire: every message a reader's socket receives — events, responses, binary
// frames — through whole blinded studies (CT on the LIDC demo case with the lidc-vit packs;
// ISIC with isic-vit, the attribute-token isic-explicd and the prototype isic-protofm packs;
// single stimuli, comparisons, sanity checks, repeats and the AI phases' predictions), captured
// from the real loopback host in-process and searched for a forbidden list built from the
// database: method ids and labels, pack ids and model names, condition ids, source references
// and file names, Study/Series/SOP instance UIDs, blinded target names. The coordinator's socket,
// which does see those, proves the capture works. A reader's calls outside their own studies
// are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basename } from 'node:path';
import WebSocket from 'ws';
import type { ProtocolInput, Question } from '../../../app/protocol';
import type { StudySummary, TrialView } from '../../../app/study';
import { decodeFrame, encodeFrame } from '../../../app/wire';
import { silentLog } from '../../log';
import { METHODS } from '../../services/explain/methods';
import { targetsOf } from '../../services/models/manifest';
import { modelRow, registered } from '../../services/models/model-rows';
import { demoVerdict, ISIC_QUESTIONS, PASS, type TestVerdict } from '../../../tests/support/study-fixture';
import { tempDir } from '../../../tests/support/data';
import { startServeHost, type ServeHost } from './server';

const API_KEY = 'blinding-test-key-'.padEnd(40, 'x');

type Reply = { id: number; ok: boolean; data?: unknown; error?: { code: string; message: string } };

/** A raw WebSocket client that keeps every frame it receives, byte for byte. */
class Socket {
  readonly frames: Buffer[] = [];
  readonly #ws: WebSocket;
  readonly #waiting = new Map<number, (r: Reply) => void>();
  #next = 1;
  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      this.frames.push(Buffer.from(data));
      const m = decodeFrame(data) as Partial<Reply> & { event?: string };
      if (typeof m.id === 'number') this.#waiting.get(m.id)?.(m as Reply);
    });
  }
  static open(host: ServeHost): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { headers: { authorization: `Bearer ${API_KEY}` } });
      ws.on('open', () => resolve(new Socket(ws)));
      ws.on('error', reject);
    });
  }
  async reply(name: string, args: unknown = {}): Promise<Reply> {
    const id = this.#next++;
    const r = new Promise<Reply>((resolve) => this.#waiting.set(id, resolve));
    this.#ws.send(encodeFrame({ id, name, args }));
    return r;
  }
  async call<T>(name: string, args: unknown = {}): Promise<T> {
    const r = await this.reply(name, args);
    if (!r.ok) throw new Error(`${name}: ${r.error!.code}: ${r.error!.message}`);
    return r.data as T;
  }
  events(): { event: string; payload: unknown }[] {
    return this.frames
      .map((f) => decodeFrame(f) as { event?: string; payload: unknown })
      .filter((m): m is { event: string; payload: unknown } => typeof m.event === 'string');
  }
  /** Every frame's JSON text (buffers stand as placeholders) and its raw bytes. */
  text(): string {
    return this.frames.map((f) => f.subarray(4, 4 + f.readUInt32LE(0)).toString('utf8')).join('\n');
  }
  close(): void {
    this.#ws.close();
  }
}

const Q: ProtocolInput['questions'] = [
  ...ISIC_QUESTIONS,
  { id: 'better', level: 'stimulus', type: 'forced-choice', required: false, prompt: 'Which explanation is more useful?' },
];

const isic: ProtocolInput = {
  format: 'verdict-protocol/1',
  id: 'blind-isic',
  version: 1,
  title: 'Blinded ISIC',
  modality: 'dermoscopy',
  cases: { labels: ['Derm-001', 'Derm-002', 'Derm-016'] },
  stimulusTargets: 'hidden',
  conditions: [
    { id: 'vit-cdam-mel', model: 'isic-vit', method: 'cdam', target: 'MEL' },
    { id: 'vit-smooth-mel', model: 'isic-vit', method: 'smooth-cdam', target: 'MEL', params: { samples: 4 } },
    { id: 'vit-attention', model: 'isic-vit', method: 'attention', target: 'attention' },
    { id: 'explicd-border', model: 'isic-explicd', method: 'attribute-map', target: 'border' },
    { id: 'protofm-mel-1', model: 'isic-protofm', method: 'prototype-map', target: 'MEL-1' },
  ],
  comparisons: [{ between: ['vit-cdam-mel', 'vit-attention'] }],
  phases: ['unaided', 'ai', 'ai-explanation'],
  questions: Q,
  repeats: { count: 2 },
  sanityChecks: { count: 2, model: 'isic-vit-randomized' },
  order: { seed: 1313 },
};

const ct: ProtocolInput = {
  format: 'verdict-protocol/1',
  id: 'blind-ct',
  version: 1,
  title: 'Blinded CT',
  modality: 'CT',
  cases: { labels: ['CT-001'] },
  stimulusTargets: 'hidden',
  conditions: [
    { id: 'lidc-cdam-malignant', model: 'lidc-vit', method: 'cdam', target: 'malignant' },
    { id: 'lidc-cdam-spiculation', model: 'lidc-vit', method: 'cdam', target: 'spiculation' },
    { id: 'lidc-attention', model: 'lidc-vit', method: 'attention', target: 'attention' },
  ],
  comparisons: [{ between: ['lidc-cdam-malignant', 'lidc-attention'] }],
  phases: ['unaided', 'ai', 'ai-explanation'],
  questions: [{ id: 'malignancy', level: 'case', type: 'likert', prompt: 'Malignancy' }, ...Q.slice(1)],
  repeats: { count: 1 },
  sanityChecks: { count: 1, model: 'lidc-vit-randomized' },
  order: { seed: 1314 },
};

/** A valid answer of each type (the study is read through, every question answered). */
function anyAnswer(q: Question): unknown {
  switch (q.type) {
    case 'likert':
      return q.min;
    case 'single-choice':
      return q.options[0].value;
    case 'multiple-choice':
      return [q.options[0].value];
    case 'yes-no':
      return true;
    case 'number':
      return q.min;
    case 'free-text':
      return 'seen';
    case 'forced-choice':
      return 'A';
    case 'roi':
      return q.shape === 'click'
        ? { shape: 'click', x: 20, y: 20 }
        : q.shape === 'box'
          ? { shape: 'box', x0: 10, y0: 10, x1: 60, y1: 60 }
          : { shape: 'freehand', points: [10, 10, 60, 10, 60, 60] };
  }
}

let v: TestVerdict;
let host: ServeHost;
let coordinator: Socket;
let readers: Socket[];
let studies: StudySummary[];
const views: TrialView[] = [];

/** Strings no reader may receive, from the database and the registries, each with where it came from. */
function forbiddenList(): { text: string; from: string }[] {
  const db = v.study.db;
  const out: { text: string; from: string }[] = [];
  const add = (text: string | null | undefined, from: string) => {
    if (text && text.length >= 4) out.push({ text, from });
  };
  for (const m of METHODS) (add(m.id, 'method id'), add(m.label, 'method label'));
  const models = db.prepare('SELECT id FROM model').all() as { id: number }[];
  const shown = new Set<string>();
  for (const { id } of models) {
    const m = registered(modelRow(db, id)).manifest;
    add(m.id, 'pack id');
    add(m.name, 'model name');
    // What a reader legitimately sees of a model: its output names and labels (the AI phases'
    // prediction) and its attribute axes (an attribute map's reading, by design).
    for (const t of targetsOf(m)) (shown.add(t.name.toLowerCase()), shown.add(t.label.toLowerCase()));
    for (const a of m.attributes?.axes ?? []) (shown.add(a.name.toLowerCase()), shown.add(a.label.toLowerCase()));
  }
  for (const p of [isic, ct]) {
    add(p.title, 'protocol title');
    for (const c of p.conditions) {
      add(c.id, 'condition id');
      if (!shown.has(c.target.toLowerCase())) add(c.target, 'blinded target');
    }
  }
  for (const r of db.prepare('SELECT source_ref, subject_key, lesion_key FROM study_case').all() as Record<string, string | null>[]) {
    add(r.source_ref, 'source reference');
    add(r.subject_key, 'subject key');
    add(r.lesion_key, 'lesion key');
  }
  for (const r of db.prepare('SELECT series_uid, study_uid FROM series').all() as Record<string, string | null>[])
    (add(r.series_uid, 'SeriesInstanceUID'), add(r.study_uid, 'StudyInstanceUID'));
  for (const r of db.prepare('SELECT path, sop_uid FROM image').all() as Record<string, string | null>[]) {
    add(r.sop_uid, 'SOPInstanceUID');
    add(basename(r.path!), 'file name');
  }
  for (const r of db.prepare('SELECT xml_path, radiologist_id FROM lidc_reading').all() as Record<string, string | null>[])
    (add(basename(r.xml_path!), 'file name'), add(r.radiologist_id, 'radiologist id'));
  for (const r of db.prepare('SELECT labels_path FROM dermo_truth').all() as Record<string, string | null>[])
    add(basename(r.labels_path!), 'file name');
  const unique = new Map(out.map((f) => [f.text, f]));
  return [...unique.values()];
}

/** The forbidden strings a socket received: in its JSON text (any case) or anywhere in its raw bytes. */
function leaks(s: Socket, forbidden: { text: string; from: string }[]): string[] {
  const text = s.text().toLowerCase();
  const bytes = Buffer.concat(s.frames);
  return forbidden
    .filter((f) => text.includes(f.text.toLowerCase()) || bytes.includes(Buffer.from(f.text)))
    .map((f) => `${f.from}: ${f.text}`);
}

beforeAll(async () => {
  v = await demoVerdict();
  host = await startServeHost({
    handlers: () => v.handlers,
    newCaller: () => v.newCaller(),
    events: v.events,
    staticDir: tempDir('blind-static-'),
    log: silentLog,
    apiKey: API_KEY,
  });
  coordinator = await Socket.open(host);
  const admin = await coordinator.call<{ id: number }>('readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
  await coordinator.call('session.signIn', { readerId: admin.id, passphrase: PASS });
  const ids: number[] = [];
  for (const name of ['Dr Blind', 'Dr Other'])
    ids.push(
      (
        await coordinator.call<{ id: number }>('readers.create', {
          name,
          role: 'reader',
          specialty: 'radiology',
          yearsExperience: 5,
          passphrase: PASS,
        })
      ).id,
    );
  // The readers are connected and signed in before any study exists: they are there to hear the preparation.
  readers = [];
  for (const id of ids) {
    const s = await Socket.open(host);
    await s.call('session.signIn', { readerId: id, passphrase: PASS });
    readers.push(s);
  }
  studies = [];
  for (const [p, name] of [
    [isic, 'Study one'],
    [ct, 'Study two'],
  ] as const) {
    const saved = await coordinator.call<{ rowId: number }>('protocols.save', { protocol: p });
    studies.push(await coordinator.call<StudySummary>('studies.create', { protocolRowId: saved.rowId, name }));
  }
  // Dr Blind reads both studies; Dr Other only the ISIC one, and is assigned while it is still being prepared.
  await coordinator.call('studies.assign', { studyId: studies[0].id, readerId: ids[1] });
  for (const s of studies) await coordinator.call('studies.assign', { studyId: s.id, readerId: ids[0] });
  for (const s of studies) {
    let state = s.preparation.state;
    while (state === 'preparing') {
      await new Promise((r) => setTimeout(r, 500));
      state = (await coordinator.call<StudySummary[]>('studies.list')).find((x) => x.id === s.id)!.preparation.state;
    }
    if (state !== 'ready') throw new Error(`study ${s.name} was not prepared: ${state}`);
  }
  // Dr Blind reads everything: every trial, its images, every question answered.
  const reader = readers[0];
  for (const s of studies) {
    const w = await reader.call<{ trials: { position: number }[] }>('reading.worklist', { studyId: s.id });
    for (const t of w.trials) {
      const view = await reader.call<TrialView>('reading.trial', { studyId: s.id, position: t.position });
      views.push(view);
      for (const series of view.case.series) {
        const at = view.case.nodule?.largestSliceIndex ?? 0;
        for (const index of [0, at, series.sliceCount - 1]) await reader.call('imaging.slice', { seriesId: series.id, index });
      }
      for (const image of view.case.images) await reader.call('imaging.dermoImage', { imageId: image.id });
      for (const q of view.questions) {
        await reader.call('reading.answer', {
          studyId: s.id,
          trialId: view.trial.id,
          questionId: q.id,
          value: anyAnswer(q),
          displayState: { opacity: 0.6 },
          timings: { timeToFirstInputMs: 10, timeOnTrialMs: 20 },
        });
      }
    }
    await reader.call('reading.worklist', { studyId: s.id });
  }
  await reader.call('reading.studies');
  await reader.call('reading.keymap');
  await reader.call('session.current');
  await reader.call('app.info');
  // The coordinator's own view, which may name everything.
  await coordinator.call('cases.get', { caseId: views.find((x) => x.case.modality === 'CT')!.case.caseId });
  await coordinator.call('studies.answers', { studyId: studies[0].id });
  await coordinator.call('models.list');
  await coordinator.call('imaging.slice', { seriesId: views.find((x) => x.case.modality === 'CT')!.case.series[0].id, index: 0 });
}, 900_000);

afterAll(async () => {
  for (const s of [coordinator, ...(readers ?? [])]) s?.close();
  await host?.close();
  v?.close();
});

describe("blinding on a reader's socket", () => {
  it('read whole studies of every stimulus kind, CT and ISIC', () => {
    const kinds = new Set(views.map((x) => `${x.case.modality}:${x.trial.kind}:${x.trial.phase}`));
    for (const k of [
      'CT:case:unaided',
      'CT:case:ai',
      'CT:stimulus:ai-explanation',
      'CT:comparison:ai-explanation',
      'dermoscopy:case:ai',
      'dermoscopy:stimulus:ai-explanation',
      'dermoscopy:comparison:ai-explanation',
    ])
      expect(kinds).toContain(k);
    const db = v.study.db;
    const shown = db
      .prepare('SELECT DISTINCT s.method, t.sanity, t.repeat_of IS NOT NULL AS repeat FROM stimulus s JOIN trial t ON t.id = s.trial_id')
      .all() as { method: string; sanity: number; repeat: number }[];
    expect(new Set(shown.map((r) => r.method))).toEqual(new Set(['cdam', 'smooth-cdam', 'attention', 'attribute-map', 'prototype-map']));
    expect(shown.some((r) => r.sanity === 1)).toBe(true);
    expect(shown.some((r) => r.repeat === 1)).toBe(true);
    expect(views.some((x) => x.prediction !== null && x.prediction.length > 0)).toBe(true);
    expect(views.some((x) => x.stimuli.some((s) => s.detail?.kind === 'attribute'))).toBe(true);
    expect(views.some((x) => x.stimuli.some((s) => s.detail?.kind === 'prototype'))).toBe(true);
  });

  it('draws every stimulus on one colour scale that main chose (no `signed` flag, nothing per method)', () => {
    const stimuli = views.flatMap((x) => x.stimuli);
    expect(stimuli.length).toBeGreaterThan(10);
    for (const s of stimuli) {
      expect(s).not.toHaveProperty('signed');
      expect(s.display).toEqual({ colormap: 'diverging', lo: -1, hi: 1, ends: ['◀ negative', 'positive ▶'] });
      expect(Math.max(Math.abs(s.range.min), Math.abs(s.range.max))).toBeCloseTo(1, 5);
    }
  });

  it('receives none of the forbidden strings, in events, responses or binary frames', () => {
    const forbidden = forbiddenList();
    // The list is not trivial: it holds the methods, packs, UIDs and source references of these studies.
    expect(forbidden.length).toBeGreaterThan(100);
    for (const must of ['cdam', 'Smooth CDAM', 'attention', 'lidc-vit', 'isic-protofm', 'LIDC-IDRI-0001', 'MEL-1', 'vit-smooth-mel'])
      expect(forbidden.map((f) => f.text)).toContain(must);
    expect(forbidden.filter((f) => f.from === 'SOPInstanceUID').length).toBeGreaterThan(10); // the demo CT's slices
    // The coordinator's socket, which created the studies and opened the CT case, does receive them: the capture works.
    const seen = leaks(coordinator, forbidden);
    const kinds = new Set(seen.map((l) => l.slice(0, l.indexOf(':'))));
    expect([...kinds]).toEqual(
      expect.arrayContaining([
        'method label',
        'method id',
        'SeriesInstanceUID',
        'source reference',
        'pack id',
        'model name',
        'condition id',
        'blinded target',
      ]),
    );
    expect(coordinator.events().some((e) => e.event === 'explain.progress')).toBe(true);
    expect(coordinator.events().some((e) => e.event === 'study.preparation')).toBe(true);
    for (const r of readers) {
      expect(r.frames.length).toBeGreaterThan(0);
      expect(leaks(r, forbidden)).toEqual([]);
      // No event at all reached a reader: the preparation's progress went to its coordinator only.
      expect(r.events()).toEqual([]);
    }
    expect(readers[0].frames.reduce((n, f) => n + f.length, 0)).toBeGreaterThan(1_000_000);
  });
});

describe("a reader's reach", () => {
  it("refuses another study's case, series, image, trial and map", async () => {
    const other = readers[1];
    const [isicStudy, ctStudy] = studies;
    const ctView = views.find((x) => x.case.modality === 'CT')!;
    const seriesId = ctView.case.series[0].id;
    expect((await other.reply('imaging.slice', { seriesId, index: 0 })).error).toMatchObject({ code: 'not-found' });
    expect((await other.reply('reading.trial', { studyId: ctStudy.id, position: 0 })).error).toMatchObject({ code: 'not-found' });
    expect((await other.reply('reading.worklist', { studyId: ctStudy.id })).error).toMatchObject({ code: 'not-found' });
    expect((await other.reply('cases.get', { caseId: ctView.case.caseId })).error).toMatchObject({ code: 'api.unauthorised' });
    expect(
      (await other.reply('explain.map', { modelId: 1, caseId: ctView.case.caseId, method: 'cdam', target: 'malignant' })).error,
    ).toMatchObject({ code: 'api.unauthorised' });
    // An ISIC image outside both studies is as unknown to a reader as one that does not exist.
    const outside = v.study.db
      .prepare(
        `SELECT i.id FROM image i JOIN study_case c ON c.id = i.case_id WHERE c.modality = 'dermoscopy'
      AND c.id NOT IN (SELECT case_id FROM study_entry)`,
      )
      .get() as { id: number };
    expect((await other.reply('imaging.dermoImage', { imageId: outside.id })).error).toEqual({
      code: 'not-found',
      message: `No image with id ${outside.id}.`,
    });
    expect((await other.reply('imaging.dermoImage', { imageId: 999_999 })).error).toEqual({
      code: 'not-found',
      message: 'No image with id 999999.',
    });
    // Their own study's image is served; the coordinator reaches everything.
    const own = views.find((x) => x.case.modality === 'dermoscopy')!.case.images[0].id;
    expect((await other.reply('imaging.dermoImage', { imageId: own })).ok).toBe(true);
    expect((await coordinator.reply('imaging.dermoImage', { imageId: outside.id })).ok).toBe(true);
    expect((await coordinator.reply('imaging.slice', { seriesId, index: 0 })).ok).toBe(true);
    expect(isicStudy.id).not.toBe(ctStudy.id);
  });
});
