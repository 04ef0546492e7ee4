// Counterbalancing and blinding through dispatch: two readers of one study (6 ISIC cases × 3
// conditions) get different seeded orders and labels; across readers × cases each condition
// holds each position equally often; each stored list regenerates from its seed; and what a
// reader receives never names a method, model, target or condition, nor shows another reader's
// answers or the truth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { TrialView } from '../../../app/study';
import { call, demoVerdict, isicProtocol, refusal, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let admin: CallContext;
let readers: { id: number; caller: CallContext }[];
let studyId: number;

beforeAll(async () => {
  v = await demoVerdict();
  ({ admin, readers } = await signedIn(v, ['Dr One', 'Dr Two', 'Dr Outside']));
  const saved = await call(v, admin, 'protocols.save', { protocol: isicProtocol() });
  studyId = (await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Derm reading 1' })).id;
  await v.studies.prepared(studyId);
  await call(v, admin, 'studies.assign', { studyId, readerId: readers[0].id });
  await call(v, admin, 'studies.assign', { studyId, readerId: readers[1].id });
}, 120_000);
afterAll(() => v.close());

const trialsOf = (readerId: number) =>
  v.study.db
    .prepare(
      `SELECT t.* FROM trial t JOIN assignment a ON a.id = t.assignment_id WHERE a.study_id = ? AND a.reader_id = ? ORDER BY t.position`,
    )
    .all(studyId, readerId) as { id: number; case_id: number; kind: string; condition_id: string | null; position: number }[];

describe('counterbalancing', () => {
  it('gives each reader a different order of cases and conditions', () => {
    const [a, b] = [trialsOf(readers[0].id), trialsOf(readers[1].id)];
    expect(a.length).toBe(30);
    expect(b.length).toBe(30);
    expect(a.map((t) => t.case_id)).not.toEqual(b.map((t) => t.case_id));
    expect(a.map((t) => [t.case_id, t.condition_id])).not.toEqual(b.map((t) => [t.case_id, t.condition_id]));
  });

  it('puts each condition in each position equally often across readers × cases', () => {
    const counts = new Map<string, number>();
    for (const r of readers.slice(0, 2)) {
      const byCase = new Map<number, string[]>();
      for (const t of trialsOf(r.id).filter((x) => x.kind === 'stimulus'))
        byCase.set(t.case_id, [...(byCase.get(t.case_id) ?? []), t.condition_id!]);
      for (const conditions of byCase.values())
        conditions.forEach((c, pos) => counts.set(`${c}@${pos}`, (counts.get(`${c}@${pos}`) ?? 0) + 1));
    }
    expect([...counts.keys()].sort()).toEqual([
      'attention@0',
      'attention@1',
      'attention@2',
      'cdam-mel@0',
      'cdam-mel@1',
      'cdam-mel@2',
      'smooth-mel@0',
      'smooth-mel@1',
      'smooth-mel@2',
    ]);
    expect([...counts.values()]).toEqual(Array(9).fill(4));
  });

  it('regenerates each stored list from its stored seed', () => {
    for (const r of readers.slice(0, 2)) {
      const { stored, regenerated, same } = v.studies.reproduce(studyId, r.id);
      expect(same).toBe(true);
      expect(regenerated).toEqual(stored);
    }
    const seeds = (
      v.study.db.prepare('SELECT seed FROM assignment WHERE study_id = ? ORDER BY reader_index').all(studyId) as { seed: number }[]
    ).map((s) => s.seed);
    expect(new Set(seeds).size).toBe(2);
  });

  it('blinds method labels per reader', () => {
    const labels = (
      v.study.db.prepare('SELECT labels_json FROM assignment WHERE study_id = ? ORDER BY reader_index').all(studyId) as {
        labels_json: string;
      }[]
    ).map((r) => JSON.parse(r.labels_json));
    expect(Object.values(labels[0]).sort()).toEqual(['A', 'B', 'C']);
    expect(labels[0]).not.toEqual(labels[1]);
  });

  it('assigning again changes nothing', async () => {
    const before = trialsOf(readers[0].id);
    await call(v, admin, 'studies.assign', { studyId, readerId: readers[0].id });
    expect(trialsOf(readers[0].id)).toEqual(before);
  });
});

describe('what a reader sees', () => {
  it("never names a method, model, target or condition; no truth; no other reader's answers", async () => {
    const [one, two] = readers;
    const first = await call(v, one.caller, 'reading.trial', { studyId, position: 0 });
    const q = first.questions[0];
    const mine = await call(v, one.caller, 'reading.answer', {
      studyId,
      trialId: first.trial.id,
      questionId: q.id,
      value: 'nv',
      displayState: {},
      timings: { timeToFirstInputMs: 100, timeOnTrialMs: 900 },
    });

    const forbidden = [
      'cdam',
      'CDAM',
      'smooth',
      'Smooth',
      'attention',
      'Attention',
      'test-vit',
      'Test ViT',
      'isic-vit',
      '"diagnosis":',
      'diagnosisName',
      'truth',
      'ISIC_',
      'HAM_',
      'segmentation',
      'pigment_network',
    ];
    const labels = JSON.parse(
      (
        v.study.db.prepare('SELECT labels_json FROM assignment WHERE study_id = ? AND reader_id = ?').get(studyId, two.id) as {
          labels_json: string;
        }
      ).labels_json,
    ) as Record<string, string>;
    const total = (await call(v, two.caller, 'reading.worklist', { studyId })).total;
    for (let position = 0; position < total; position++) {
      const view: TrialView = await call(v, two.caller, 'reading.trial', { studyId, position });
      const json = JSON.stringify(view);
      for (const word of forbidden) expect(json, `trial ${position}: "${word}"`).not.toContain(word);
      // Target names appear only as the model's own output names, in the AI phases' prediction.
      expect(JSON.stringify({ ...view, prediction: null })).not.toContain('MEL');
      expect(view.answers.every((a) => a.id !== mine.answerId)).toBe(true);
      expect(view.case.images.every((i) => i.masks.length === 0)).toBe(true);
      const trial = v.study.db.prepare('SELECT * FROM trial WHERE id = ?').get(view.trial.id) as {
        kind: string;
        condition_id: string | null;
      };
      if (trial.kind === 'stimulus') expect(view.stimuli.map((s) => s.label)).toEqual([labels[trial.condition_id!]]);
      else expect(view.stimuli).toEqual([]);
      expect(view.prediction === null).toBe(view.trial.phase === 'unaided');
    }
    // Reader two cannot reach reader one's trials, nor a reader without the study any of it.
    expect(
      (
        await refusal(v, two.caller, 'reading.answer', {
          studyId,
          trialId: first.trial.id,
          questionId: q.id,
          value: 'nv',
          displayState: {},
          timings: { timeToFirstInputMs: null, timeOnTrialMs: 1 },
        })
      ).code,
    ).toBe('not-found');
    expect((await refusal(v, readers[2].caller, 'reading.worklist', { studyId })).code).toBe('not-found');
    expect((await refusal(v, readers[2].caller, 'reading.trial', { studyId, position: 0 })).code).toBe('not-found');
    expect(await call(v, readers[2].caller, 'reading.studies', {})).toEqual([]);
  }, 120_000);

  it('records with each shown stimulus the explanation row, the model hash and the provider', () => {
    const rows = v.study.db
      .prepare(
        `SELECT s.*, m.sha256 AS pack_sha, e.provider AS computed_on FROM stimulus s JOIN model m ON m.id = s.model_id JOIN explanation e ON e.id = s.explanation_id`,
      )
      .all() as { model_sha256: string; pack_sha: string; provider: string; computed_on: string; map_sha256: string }[];
    expect(rows.length).toBe(18);
    for (const r of rows) {
      expect(r.model_sha256).toBe(r.pack_sha);
      expect(r.provider).toBe(r.computed_on);
      expect(r.provider).toMatch(/^(cpu|cuda|dml|coreml)$/);
      expect(r.map_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // Each first showing is in the event log too, with the map's hash.
    const shown = v.study.db.prepare("SELECT payload_json FROM event WHERE kind = 'stimulus.shown'").all() as { payload_json: string }[];
    expect(shown.length).toBe(18);
    const mapHashes = new Set(rows.map((r) => r.map_sha256));
    for (const e of shown) for (const s of JSON.parse(e.payload_json).stimuli) expect(mapHashes.has(s.mapSha256)).toBe(true);
  });
});
