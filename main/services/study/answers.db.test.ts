// Answers through dispatch: checked against their question, committed with their event, edits
// appended as versions (the database refuses UPDATE and DELETE), the worklist resumes at the
// first required question unanswered, evidence marks are scored at once, keys are remappable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYMAP_BEFORE_ANSWERS_6_TO_9 } from '../../../tests/support/old-keymap';
import type { CallContext } from '../../../app/api/endpoint';
import { DEFAULT_KEYMAP, type TrialView } from '../../../app/study';
import { call, ctProtocol, demoVerdict, isicProtocol, refusal, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let admin: CallContext;
let reader: CallContext;
let readerRowId: number;
let isicStudy: number;
let ctStudy: number;

const ctTest = ctProtocol({
  phases: ['unaided', 'ai', 'ai-explanation'],
  questions: [
    { id: 'malignancy', level: 'case', type: 'likert', prompt: 'Malignancy' },
    { id: 'where', level: 'case', type: 'roi', shape: 'click', phases: ['unaided'], prompt: 'Click the nodule' },
    { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' },
    { id: 'evidence', level: 'stimulus', type: 'roi', shape: 'box', required: false, prompt: 'Evidence' },
  ],
  repeats: { count: 1 },
  sanityChecks: { count: 1, model: 'lidc-vit-randomized' },
});

beforeAll(async () => {
  v = await demoVerdict();
  let readers;
  ({ admin, readers } = await signedIn(v, ['Dr Answer']));
  reader = readers[0].caller;
  readerRowId = readers[0].id;
  // ISIC without phase locking: these tests edit an unaided answer after opening later trials (phase-lock.db.test.ts covers the lock).
  for (const [protocol, name] of [
    [isicProtocol({ lockEarlierPhases: false }), 'ISIC'],
    [ctTest, 'CT'],
  ] as const) {
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const s = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name });
    await v.studies.prepared(s.id);
    await call(v, admin, 'studies.assign', { studyId: s.id, readerId: readers[0].id });
    if (name === 'ISIC') isicStudy = s.id;
    else ctStudy = s.id;
  }
}, 120_000);
afterAll(() => v.close());

const timings = { timeToFirstInputMs: 350, timeOnTrialMs: 2500 };
const answer = (studyId: number, trialId: number, questionId: string, value: unknown, displayState = {}) =>
  call(v, reader, 'reading.answer', { studyId, trialId, questionId, value: value as never, displayState, timings });
const open = (studyId: number, position: number) => call(v, reader, 'reading.trial', { studyId, position });
async function findTrial(studyId: number, test: (t: TrialView) => boolean): Promise<TrialView> {
  const w = await call(v, reader, 'reading.worklist', { studyId });
  for (const t of w.trials) {
    const view = await open(studyId, t.position);
    if (test(view)) return view;
  }
  throw new Error('no such trial');
}

describe('answers', () => {
  it('resumes at the first trial with a required question unanswered', async () => {
    let w = await call(v, reader, 'reading.worklist', { studyId: isicStudy });
    expect(w).toMatchObject({ done: 0, total: 30, resumeAt: 0, timeSpentMs: 0 });
    const t0 = await open(isicStudy, 0);
    expect(t0.trial).toMatchObject({ position: 0, phase: 'unaided', kind: 'case', done: false });
    await answer(isicStudy, t0.trial.id, 'diagnosis', 'nv');
    w = await call(v, reader, 'reading.worklist', { studyId: isicStudy });
    expect(w).toMatchObject({ done: 1, resumeAt: 1, timeSpentMs: 2500 });
    // An optional question left open does not hold the reader back; a required one does.
    const t1 = await open(isicStudy, 1);
    expect(t1.questions.map((q) => [q.id, q.required])).toEqual([
      ['localisation', true],
      ['evidence', false],
    ]);
    await answer(isicStudy, t1.trial.id, 'evidence', { shape: 'box', x0: 10, y0: 10, x1: 50, y1: 50 });
    expect((await call(v, reader, 'reading.worklist', { studyId: isicStudy })).resumeAt).toBe(1);
    await answer(isicStudy, t1.trial.id, 'localisation', 4);
    expect((await call(v, reader, 'reading.worklist', { studyId: isicStudy })).resumeAt).toBe(2);
    expect(await call(v, reader, 'reading.studies', {})).toEqual([
      { id: isicStudy, title: 'ISIC', done: 2, total: 30 },
      { id: ctStudy, title: 'CT', done: 0, total: expect.any(Number) },
    ]);
  });

  it('appends an edit as a new version and never changes the first', async () => {
    const t = await open(isicStudy, 0);
    const second = await answer(isicStudy, t.trial.id, 'diagnosis', 'mel', { opacity: 0.6, colormap: 'coolwarm', overlayVisibleMs: 1200 });
    expect(second.version).toBe(2);
    const rows = v.study.db
      .prepare("SELECT * FROM answer WHERE trial_id = ? AND question_id = 'diagnosis' ORDER BY version")
      .all(t.trial.id) as {
      id: number;
      version: number;
      supersedes: number | null;
      value_json: string;
      display_state_json: string;
      time_to_first_input_ms: number;
      time_on_trial_ms: number;
    }[];
    expect(rows.map((r) => [r.version, r.value_json])).toEqual([
      [1, '"nv"'],
      [2, '"mel"'],
    ]);
    expect(rows[1].supersedes).toBe(rows[0].id);
    expect(JSON.parse(rows[1].display_state_json)).toEqual({ opacity: 0.6, colormap: 'coolwarm', overlayVisibleMs: 1200 });
    expect([rows[1].time_to_first_input_ms, rows[1].time_on_trial_ms]).toEqual([350, 2500]);
    expect((await open(isicStudy, 0)).answers).toEqual([expect.objectContaining({ questionId: 'diagnosis', value: 'mel', version: 2 })]);
    // Each version has its event, hash-chained.
    const events = v.study.db.prepare("SELECT payload_json FROM event WHERE kind = 'answer'").all() as { payload_json: string }[];
    expect(events.map((e) => JSON.parse(e.payload_json).answerId)).toEqual(expect.arrayContaining(rows.map((r) => r.id)));
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({ ok: true, firstBreak: null });
  });

  it('lists the latest version of each answer, unblinded, to the coordinator only', async () => {
    const listing = await call(v, admin, 'studies.answers', { studyId: isicStudy });
    const diagnosis = listing.filter((a) => a.questionId === 'diagnosis' && a.position === 0);
    expect(diagnosis).toEqual([
      expect.objectContaining({ reader: 'Dr Answer', value: 'mel', version: 2, case: expect.stringMatching(/^Derm-/) }),
    ]);
    const evidence = listing.find((a) => a.questionId === 'evidence')!;
    expect(evidence.condition).toEqual(expect.any(String));
    expect(evidence.scores?.heatmap).toBeDefined();
    expect(await refusal(v, reader, 'studies.answers', { studyId: isicStudy })).toMatchObject({ code: 'api.unauthorised' });
  });

  it('refuses UPDATE and DELETE of answers and events in the database itself', () => {
    const db = v.study.db;
    expect(() => db.prepare('UPDATE answer SET value_json = \'"bcc"\'').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM answer').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE event SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM event').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM trial').run()).toThrow(/fixed/);
  });

  it('checks each value against its question', async () => {
    const t0 = await open(isicStudy, 0);
    const t1 = await open(isicStudy, 1);
    const bad = (trialId: number, questionId: string, value: unknown) =>
      refusal(v, reader, 'reading.answer', { studyId: isicStudy, trialId, questionId, value, displayState: {}, timings });
    expect(await bad(t0.trial.id, 'diagnosis', 'bcc')).toMatchObject({
      code: 'answer.invalid',
      message: 'diagnosis: expected one of "mel", "nv"',
    });
    expect(await bad(t1.trial.id, 'localisation', 6)).toMatchObject({
      code: 'answer.invalid',
      message: 'localisation: expected a whole number from 1 to 5',
    });
    expect(await bad(t1.trial.id, 'localisation', 2.5)).toMatchObject({ code: 'answer.invalid' });
    expect(await bad(t1.trial.id, 'evidence', { shape: 'click', x: 3, y: 4 })).toMatchObject({
      code: 'answer.invalid',
      message: 'evidence: expected a box mark',
    });
    expect(await bad(t1.trial.id, 'evidence', { shape: 'box', x0: 10, y0: 10, x1: 500, y1: 50 })).toMatchObject({
      code: 'answer.invalid',
      message: 'evidence: the mark lies outside the 224×224 image',
    });
    expect(await bad(t0.trial.id, 'localisation', 3)).toMatchObject({
      code: 'answer.invalid',
      message: 'localisation: this question is not asked on this trial.',
    });
    expect(await bad(t0.trial.id, 'diagnosis', { shape: 'nope' })).toMatchObject({ code: 'api.invalid-args' });
    // A stimulus is answered only once it has been shown (so the answer is kept with it).
    const unopened = (await call(v, reader, 'reading.worklist', { studyId: isicStudy })).trials.find(
      (t) => t.kind === 'stimulus' && t.position > 10,
    )!;
    expect(await bad(unopened.id, 'localisation', 3)).toMatchObject({ code: 'study.not-shown' });
  });
});

describe('evidence marks are scored at once', () => {
  it("ISIC: a box on the map's strongest patch hits it; the truth is the lesion segmentation", async () => {
    const view = await findTrial(isicStudy, (t) => t.case.label === 'Derm-001' && t.trial.kind === 'stimulus');
    const s = view.stimuli[0];
    const values = new Float32Array(s.values);
    const max = Math.max(...values);
    const top = [...values].filter((x) => x >= 0.5 * max).length;
    const peak = values.indexOf(max);
    const pw = s.placement.width / s.grid.cols;
    const ph = s.placement.height / s.grid.rows;
    const [i, j] = [Math.floor(peak / s.grid.cols), peak % s.grid.cols];
    const box = { shape: 'box', x0: j * pw, y0: i * ph, x1: (j + 1) * pw, y1: (i + 1) * ph };
    const r = await answer(isicStudy, view.trial.id, 'evidence', box);
    // The box is one of `top` equal patches of the region (equal up to pixel rounding: the image is not a multiple of 8).
    expect(r.scores!.heatmap).toEqual({ pointingHit: true, iou: expect.closeTo(1 / top, 2) });
    expect(r.scores!.truth).toMatchObject({
      against: 'ISIC lesion segmentation',
      pointingHit: expect.any(Boolean),
      iou: expect.any(Number),
    });
    const stored = v.study.db.prepare('SELECT scores_json FROM answer WHERE id = ?').get(r.answerId) as { scores_json: string };
    expect(JSON.parse(stored.scores_json)).toEqual(r.scores);
    // A case without a segmentation has no truth to score against.
    const other = await findTrial(isicStudy, (t) => t.case.label === 'Derm-002' && t.trial.kind === 'stimulus');
    expect(
      (await answer(isicStudy, other.trial.id, 'evidence', { shape: 'box', x0: 10, y0: 10, x1: 50, y1: 50 })).scores!.truth,
    ).toBeNull();
  });

  it("LIDC: a click on the nodule centre hits the readers' contours; a click far away does not", async () => {
    const view = await findTrial(ctStudy, (t) => t.trial.phase === 'unaided');
    const n = view.case.nodule!;
    const hit = await call(v, reader, 'reading.answer', {
      studyId: ctStudy,
      trialId: view.trial.id,
      questionId: 'where',
      value: { shape: 'click', x: n.centroid.x, y: n.centroid.y, sliceIndex: n.largestSliceIndex },
      displayState: { sliceIndex: n.largestSliceIndex },
      timings,
    });
    expect(hit.scores).toEqual({
      heatmap: null,
      truth: { pointingHit: true, iou: null, against: `LIDC contours of 4 reader(s), slice ${n.largestSliceIndex}` },
    });
    const miss = await call(v, reader, 'reading.answer', {
      studyId: ctStudy,
      trialId: view.trial.id,
      questionId: 'where',
      value: { shape: 'click', x: 20, y: 20, sliceIndex: n.largestSliceIndex },
      displayState: {},
      timings,
    });
    expect(miss.scores!.truth!.pointingHit).toBe(false);
    expect(miss.version).toBe(2);
  });

  it('LIDC: a box over the nodule scores against the contours and the map on its slice', async () => {
    const view = await findTrial(ctStudy, (t) => t.trial.kind === 'stimulus');
    expect(view.prediction!.map((o) => o.name)).toContain('malignant');
    const p = view.stimuli[0].placement;
    expect(p.kind).toBe('ct-slice');
    const n = view.case.nodule!;
    const box = { shape: 'box', x0: n.centroid.x - 12, y0: n.centroid.y - 12, x1: n.centroid.x + 12, y1: n.centroid.y + 12 };
    const r = await answer(ctStudy, view.trial.id, 'evidence', box);
    expect(r.scores!.truth).toMatchObject({ pointingHit: true });
    expect(r.scores!.truth!.iou).toBeGreaterThan(0.2);
    expect(r.scores!.heatmap).toMatchObject({ iou: expect.any(Number) });
    // On another slice than the map's, the map is not there to point at.
    const off = await answer(ctStudy, view.trial.id, 'evidence', { ...box, sliceIndex: p.kind === 'ct-slice' ? p.sliceIndex + 2 : 0 });
    expect(off.scores!.heatmap).toEqual({ pointingHit: false, iou: 0 });
  });
});

describe('repeats and sanity checks', () => {
  it("shows a sanity check under its condition's label, from the randomized pack; a repeat as its original", async () => {
    const w = await call(v, reader, 'reading.worklist', { studyId: ctStudy });
    const rows = v.study.db
      .prepare(
        'SELECT t.id, t.position, t.condition_id, t.sanity, t.repeat_of FROM trial t JOIN assignment a ON a.id = t.assignment_id WHERE a.study_id = ? ORDER BY t.position',
      )
      .all(ctStudy) as { id: number; position: number; condition_id: string | null; sanity: number; repeat_of: number | null }[];
    expect(rows.length).toBe(w.total);
    const sanity = rows.find((t) => t.sanity === 1)!;
    const repeat = rows.find((t) => t.repeat_of !== null)!;
    const original = rows.find((t) => t.id === repeat.repeat_of)!;
    expect(repeat.position).toBe(rows.length - 1);
    const labels = JSON.parse(
      (v.study.db.prepare('SELECT labels_json FROM assignment WHERE study_id = ?').get(ctStudy) as { labels_json: string }).labels_json,
    );
    const views = await Promise.all([sanity, repeat, original].map((t) => open(ctStudy, t.position)));
    expect(views[0].stimuli[0].label).toBe(labels[sanity.condition_id!]);
    expect(views[1].stimuli[0].label).toBe(views[2].stimuli[0].label);
    expect(new Float32Array(views[1].stimuli[0].values)).toEqual(new Float32Array(views[2].stimuli[0].values));
    const shown = v.study.db
      .prepare('SELECT s.model_sha256, m.pack_id FROM stimulus s JOIN model m ON m.id = s.model_id WHERE s.trial_id = ?')
      .get(sanity.id) as { model_sha256: string; pack_id: string };
    expect(shown.pack_id).toBe('lidc-vit-randomized');
    // Nothing in the reader's view tells the catch trial apart.
    expect(Object.keys(views[0]).sort()).toEqual(Object.keys(views[2]).sort());
    expect(JSON.stringify(views[0])).not.toMatch(/sanity|random|repeat/i);
  });
});

describe('key map', () => {
  it('starts from the default, takes changes, refuses a key serving two actions', async () => {
    expect(await call(v, reader, 'reading.keymap', {})).toEqual(DEFAULT_KEYMAP);
    expect(await call(v, reader, 'reading.setKeymap', { keymap: { next: 'Enter', 'overlay-toggle': 'o' } })).toEqual({
      ...DEFAULT_KEYMAP,
      next: 'Enter',
      'overlay-toggle': 'o',
    });
    expect((await call(v, reader, 'reading.keymap', {})).next).toBe('Enter');
    expect(await refusal(v, reader, 'reading.setKeymap', { keymap: { previous: 'Enter' } })).toMatchObject({
      code: 'keymap.invalid',
      message: '"Enter" would serve both next and previous.',
    });
    expect(await refusal(v, reader, 'reading.setKeymap', { keymap: { fly: 'f' } })).toMatchObject({ code: 'keymap.invalid' });
  });

  it('loads a map stored before answers 6–9 existed, leaving a new action unbound where the reader took its key', async () => {
    const old = KEYMAP_BEFORE_ANSWERS_6_TO_9;
    v.study.db.prepare('UPDATE reader_keymap SET keymap_json = ? WHERE reader_id = ?').run(JSON.stringify(old), readerRowId);
    const map = await call(v, reader, 'reading.keymap', {});
    expect(map).toMatchObject({ next: '6', 'answer-6': '', 'answer-7': '7', 'answer-9': '9' });
    // The loaded map can be saved again: an unbound action serves no key twice.
    expect((await call(v, reader, 'reading.setKeymap', { keymap: { 'answer-6': 'y' } }))['answer-6']).toBe('y');
  });
});
