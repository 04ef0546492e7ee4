// CT trials say what to rate: the protocol names the nodule read by case label and nodule number
// (resolved to this database's row), the reader's case carries the marker's box and slices (no
// outline), stimuli say what they explain unless the protocol hides targets, and the last
// phase's case trial brings back the explanations the reader saw for that case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { ProtocolInput } from '../../../app/protocol';
import type { TrialView } from '../../../app/study';
import { caseNodules, defaultNodule } from '../cases/case-nodules';
import { call, ctProtocol, demoVerdict, refusal, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let admin: CallContext;
let reader: { id: number; caller: CallContext };

const unitProtocol = (over: Partial<ProtocolInput> = {}): ProtocolInput =>
  ctProtocol({
    id: 'ct-unit',
    title: 'CT unit',
    conditions: [
      { id: 'cdam-malignant', model: 'test-vit-lidc', method: 'cdam', target: 'malignant' },
      { id: 'cdam-spiculation', model: 'test-vit-lidc', method: 'cdam', target: 'spiculation' },
      { id: 'attention', model: 'test-vit-lidc', method: 'attention', target: 'attention' },
    ],
    phases: ['ai-explanation'],
    ...over,
  });

async function study(protocol: ProtocolInput, name: string): Promise<number> {
  const saved = await call(v, admin, 'protocols.save', { protocol });
  const s = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name });
  await call(v, admin, 'studies.assign', { studyId: s.id, readerId: reader.id });
  await prepared(s.id);
  return s.id;
}
/** A study's maps are computed in the background once it is created; readers wait for them. */
async function prepared(studyId: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const s = (await call(v, admin, 'studies.list', {})).find((x) => x.id === studyId) as
      { preparation?: { state: string; error: string | null } } | undefined;
    const state = s?.preparation?.state;
    if (state === undefined || state === 'ready') return;
    if (state === 'incomplete') throw new Error(`study ${studyId} not prepared: ${s?.preparation?.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`study ${studyId} still preparing`);
}
const open = (studyId: number, position: number): Promise<TrialView> => call(v, reader.caller, 'reading.trial', { studyId, position });
const ctCaseId = () => (v.study.db.prepare("SELECT id FROM study_case WHERE label = 'CT-001'").get() as { id: number }).id;

beforeAll(async () => {
  v = await demoVerdict();
  const s = await signedIn(v, ['Dr Chest']);
  admin = s.admin;
  reader = s.readers[0];
}, 240_000);
afterAll(() => v?.close());

describe('the nodule a CT case reads', () => {
  it('defaults to the largest nodule at least 3 readers marked, else the most-agreed', () => {
    const n = (readerCount: number, diameterMm: number | null, id: number) => ({ id, readerCount, diameterMm });
    expect(defaultNodule([n(1, 30, 1), n(3, 8, 2), n(4, 6, 3)])?.id).toBe(2);
    expect(defaultNodule([n(4, 6, 3), n(3, 8, 2)])?.id).toBe(2);
    expect(defaultNodule([n(1, 30, 1), n(2, 5, 2)])?.id).toBe(2);
    expect(defaultNodule([n(2, 5, 1), n(2, 9, 2)])?.id).toBe(2);
    expect(defaultNodule([])).toBeUndefined();
  });

  it('numbers a case’s nodules in import order and resolves a protocol’s pick to this database’s row', async () => {
    const nodules = caseNodules(v.study.db, ctCaseId());
    expect(nodules.length).toBeGreaterThan(0);
    expect(nodules.map((x) => x.number)).toEqual(nodules.map((_, i) => i + 1));
    const labels = (
      v.study.db.prepare('SELECT label FROM nodule WHERE case_id = ? ORDER BY id').all(ctCaseId()) as { label: string }[]
    ).map((r) => r.label);
    expect(labels).toEqual(nodules.map((x) => `Nodule ${x.number}`));
    const pick = nodules[nodules.length - 1];
    const id = await study(unitProtocol({ id: 'ct-pick', cases: { labels: ['CT-001'], nodules: { 'CT-001': pick.number } } }), 'Picked');
    expect(v.study.db.prepare('SELECT nodule_id FROM study_entry WHERE study_id = ?').get(id)).toEqual({ nodule_id: pick.id });
    const t = await open(id, 0);
    expect(t.case.nodule?.id).toBe(pick.id);
  });

  it('refuses a nodule number the case lacks, or a pick for a case the protocol does not read, naming the field', async () => {
    const n = caseNodules(v.study.db, ctCaseId()).length;
    const tooFar = await refusal(v, admin, 'protocols.validate', {
      protocol: unitProtocol({ cases: { labels: ['CT-001'], nodules: { 'CT-001': n + 1 } } }),
    });
    expect(tooFar.message).toContain(`has no nodule ${n + 1}`);
    expect(tooFar.detail?.field).toBe('cases.nodules.CT-001');
    const elsewhere = await refusal(v, admin, 'protocols.validate', {
      protocol: unitProtocol({ cases: { labels: ['CT-001'], nodules: { 'CT-099': 1 } } }),
    });
    expect(elsewhere.detail?.field).toBe('cases.nodules.CT-099');
  });
});

describe('a CT trial says where and what', () => {
  let studyId: number;
  let trials: TrialView[];
  beforeAll(async () => {
    studyId = await study(unitProtocol({ id: 'ct-shown' }), 'Shown');
    const w = await call(v, reader.caller, 'reading.worklist', { studyId });
    trials = [];
    for (const t of w.trials) trials.push(await open(studyId, t.position));
  }, 240_000);

  it('carries the marker’s box and slices around the nodule, and no outline', () => {
    const n = trials[0].case.nodule!;
    const e = n.extent!;
    expect(e.x0).toBeLessThan(n.centroid.x);
    expect(e.x1).toBeGreaterThan(n.centroid.x);
    expect(e.y0).toBeLessThan(n.centroid.y);
    expect(e.y1).toBeGreaterThan(n.centroid.y);
    expect(e.firstSlice).toBeLessThanOrEqual(n.largestSliceIndex);
    expect(e.lastSlice).toBeGreaterThanOrEqual(n.largestSliceIndex);
    // A few millimetres to a few centimetres: a box, not a whole slice.
    expect(e.x1 - e.x0).toBeGreaterThan(2);
    expect(e.x1 - e.x0).toBeLessThan(200);
    expect(JSON.stringify(trials[0].case)).not.toMatch(/points|contour|malignan|readerCount/i);
  });

  it('captions each stimulus with its target in the reader’s words, never the method or model', () => {
    const stimuli = trials.filter((t) => t.trial.kind === 'stimulus').map((t) => t.stimuli[0]);
    expect(stimuli.map((s) => s.explains).sort()).toEqual([
      'Evidence for: malignant',
      'Evidence for: spiculation',
      "Evidence for: the model's prediction",
    ]);
    for (const s of stimuli) expect(s.explains).not.toMatch(/cdam|attention|test-vit|vit/i);
  });

  it('shows the last phase’s verdict with the explanations seen for the case, labelled and captioned as they were', () => {
    const singles = trials.filter((t) => t.trial.kind === 'stimulus');
    const verdict = trials.find((t) => t.trial.kind === 'case' && t.trial.phase === 'ai-explanation')!;
    expect(verdict.seen?.map((s) => [s.label, s.explains])).toEqual(singles.map((t) => [t.stimuli[0].label, t.stimuli[0].explains]));
    expect(Buffer.from(verdict.seen![0].values).equals(Buffer.from(singles[0].stimuli[0].values))).toBe(true);
    expect(singles.every((t) => t.seen === undefined)).toBe(true);
  });
});

describe('hidden targets', () => {
  it('leaves every stimulus uncaptioned alike', async () => {
    const studyId = await study(unitProtocol({ id: 'ct-hidden', stimulusTargets: 'hidden' }), 'Hidden');
    const t = await open(studyId, 0);
    expect(t.trial.kind).toBe('stimulus');
    expect(t.stimuli[0].explains).toBeUndefined();
  });

  it('an unaided case trial has nothing seen', async () => {
    const studyId = await study(unitProtocol({ id: 'ct-phases', phases: ['unaided', 'ai-explanation'] }), 'Phases');
    const t = await open(studyId, 0);
    expect(t.trial.phase).toBe('unaided');
    expect(t.seen).toBeUndefined();
  });
});
