// Phase locking through dispatch (real database, demo cases, the ISIC test pack): with three
// phases a case's unaided answer locks once its AI trial is opened — the trial view says so, an
// edit and a late first answer are refused with answer.locked, and the worklist counts the locked
// trial as closed. With locking off an edit is taken, and each version records what had been
// seen. Old answer rows (no exposure recorded) still verify in the event log. The editor's truth
// counts match the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../app/api/endpoint';
import type { ProtocolInput } from '../../../app/protocol';
import { canonicalJson, sha256Of } from '../db/canonical-json';
import { answerContentSha256, type AnswerRowContent } from '../db/event-log';
import { median } from '../../../app/numeric';
import {
  call,
  demoVerdict,
  DIAGNOSIS_QUESTION,
  isicProtocol,
  refusal,
  signedIn,
  type TestVerdict,
} from '../../../tests/support/study-fixture';

let v: TestVerdict;
let admin: CallContext;
let locked: { caller: CallContext; studyId: number };
let unlocked: { caller: CallContext; studyId: number };

const protocol = (over: Partial<ProtocolInput>): ProtocolInput =>
  isicProtocol({
    cases: { labels: ['Derm-001', 'Derm-002'] },
    conditions: [{ id: 'attention', model: 'test-vit-isic', method: 'attention', target: 'attention' }],
    phases: ['unaided', 'ai', 'ai-explanation'],
    questions: [
      { ...DIAGNOSIS_QUESTION, truth: 'diagnosis' },
      { id: 'localisation', level: 'stimulus', type: 'likert', prompt: 'Localisation' },
    ],
    ...over,
  });

beforeAll(async () => {
  v = await demoVerdict();
  const s = await signedIn(v, ['Dr Locked', 'Dr Unlocked']);
  admin = s.admin;
  const studies: number[] = [];
  for (const [i, p] of [protocol({ id: 'lock-default' }), protocol({ id: 'lock-off', lockEarlierPhases: false })].entries()) {
    const saved = await call(v, admin, 'protocols.save', { protocol: p });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: p.id as string });
    await v.studies.prepared(study.id);
    await call(v, admin, 'studies.assign', { studyId: study.id, readerId: s.readers[i].id });
    studies.push(study.id);
  }
  locked = { caller: s.readers[0].caller, studyId: studies[0] };
  unlocked = { caller: s.readers[1].caller, studyId: studies[1] };
}, 120_000);
afterAll(() => v.close());

const timings = { timeToFirstInputMs: 200, timeOnTrialMs: 1500 };
const open = (r: typeof locked, position: number) => call(v, r.caller, 'reading.trial', { studyId: r.studyId, position });
const answer = (r: typeof locked, trialId: number, value: string) =>
  call(v, r.caller, 'reading.answer', { studyId: r.studyId, trialId, questionId: 'diagnosis', value, displayState: {}, timings });
const answerRefused = (r: typeof locked, trialId: number, value: string) =>
  refusal(v, r.caller, 'reading.answer', { studyId: r.studyId, trialId, questionId: 'diagnosis', value, displayState: {}, timings });

describe('phase locking', () => {
  it('is on by default with more than one phase: an unaided answer locks once the AI trial of its case is opened', async () => {
    // Per case: unaided, AI, the explanation, AI + explanation (positions 0–3, then 4–7).
    const unaided = await open(locked, 0);
    expect([unaided.trial.phase, unaided.locked]).toEqual(['unaided', false]);
    await answer(locked, unaided.trial.id, 'nv');
    await answer(locked, unaided.trial.id, 'mel'); // still unaided: an edit is fine
    const ai = await open(locked, 1);
    expect([ai.trial.phase, ai.trial.caseLabel, ai.locked]).toEqual(['ai', unaided.trial.caseLabel, false]);
    const back = await open(locked, 0);
    expect(back.locked).toBe(true);
    expect(back.answers).toEqual([expect.objectContaining({ value: 'mel', version: 2 })]);
    const e = await answerRefused(locked, unaided.trial.id, 'nv');
    expect(e.code).toBe('answer.locked');
    expect(e.message).toMatch(/Locked: you have seen the AI for this case/);
    // The AI trial itself stays open until the explanations are opened.
    await answer(locked, ai.trial.id, 'mel');
    await open(locked, 2);
    expect((await open(locked, 1)).locked).toBe(true);
    expect((await answerRefused(locked, ai.trial.id, 'nv')).code).toBe('answer.locked');
    const rows = v.study.db
      .prepare('SELECT version, value_json, ai_seen, explanation_seen FROM answer WHERE trial_id = ? ORDER BY version')
      .all(unaided.trial.id);
    expect(rows).toEqual([
      { version: 1, value_json: '"nv"', ai_seen: 0, explanation_seen: 0 },
      { version: 2, value_json: '"mel"', ai_seen: 0, explanation_seen: 0 },
    ]);
  });

  it('refuses a first answer to an earlier phase given after the AI was seen, and counts that trial as closed', async () => {
    const unaided = await open(locked, 4);
    expect(unaided.trial.phase).toBe('unaided');
    await open(locked, 5); // the AI trial, with the unaided question left unanswered
    expect((await answerRefused(locked, unaided.trial.id, 'nv')).code).toBe('answer.locked');
    const w = await call(v, locked.caller, 'reading.worklist', { studyId: locked.studyId });
    expect(w.trials[4].done).toBe(true);
    expect(w.trials[5].done).toBe(false);
    expect(w.resumeAt).toBe(2);
  });

  it('with locking off takes the edit and records, per version, whether the AI and the explanation had been seen', async () => {
    const unaided = await open(unlocked, 0);
    await answer(unlocked, unaided.trial.id, 'nv');
    await open(unlocked, 1);
    expect((await open(unlocked, 0)).locked).toBe(false);
    await answer(unlocked, unaided.trial.id, 'mel');
    await open(unlocked, 2);
    await answer(unlocked, unaided.trial.id, 'nv');
    const rows = v.study.db
      .prepare('SELECT version, ai_seen, explanation_seen FROM answer WHERE trial_id = ? ORDER BY version')
      .all(unaided.trial.id);
    expect(rows).toEqual([
      { version: 1, ai_seen: 0, explanation_seen: 0 },
      { version: 2, ai_seen: 1, explanation_seen: 0 },
      { version: 3, ai_seen: 1, explanation_seen: 1 },
    ]);
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({ ok: true, firstBreak: null });
    // The exposure flags are vouched for by the answer's event: changing one behind it is found.
    const db = v.study.db;
    db.exec('DROP TRIGGER answer_no_update');
    try {
      db.prepare('UPDATE answer SET ai_seen = 0 WHERE trial_id = ? AND version = 2').run(unaided.trial.id);
      expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({
        ok: false,
        firstBreak: { reason: expect.stringMatching(/differs from what its event recorded/) },
      });
      db.prepare('UPDATE answer SET ai_seen = 1 WHERE trial_id = ? AND version = 2').run(unaided.trial.id);
    } finally {
      db.exec(
        "CREATE TRIGGER answer_no_update BEFORE UPDATE ON answer BEGIN SELECT RAISE(ABORT, 'answers are append-only: an edit is a new version'); END;",
      );
    }
    expect(await call(v, admin, 'studies.integrity', {})).toMatchObject({ ok: true });
  });
});

describe('answer content hash', () => {
  const row: AnswerRowContent = {
    trial_id: 1,
    reader_id: 2,
    question_id: 'q',
    question_version: 1,
    version: 1,
    supersedes: null,
    value_json: '"nv"',
    scores_json: null,
    display_state_json: '{}',
    time_to_first_input_ms: 10,
    time_on_trial_ms: 20,
    created_at: '2025-01-01T00:00:00.000Z',
  };
  it('hashes a row from before migration 0004 as it always did, so its event still verifies', () => {
    const legacy = sha256Of(canonicalJson([1, 2, 'q', 1, 1, null, '"nv"', null, '{}', 10, 20, '2025-01-01T00:00:00.000Z']));
    expect(answerContentSha256(row)).toBe(legacy);
    expect(answerContentSha256({ ...row, ai_seen: null, explanation_seen: null })).toBe(legacy);
    expect(answerContentSha256({ ...row, ai_seen: 0, explanation_seen: 0 })).not.toBe(legacy);
    expect(answerContentSha256({ ...row, ai_seen: 1, explanation_seen: 0 })).not.toBe(
      answerContentSha256({ ...row, ai_seen: 0, explanation_seen: 0 }),
    );
  });
});

describe('truth counts for the editor', () => {
  it('counts the ISIC cases with a diagnosis and with a malignancy truth', async () => {
    const labels = ['Derm-001', 'Derm-002', 'Derm-007'];
    const r = await call(v, admin, 'protocols.truthCounts', { modality: 'dermoscopy', cases: { labels } });
    const withDiagnosis = (
      v.study.db
        .prepare(
          `SELECT count(*) AS n FROM study_case c JOIN dermo_truth d ON d.case_id = c.id WHERE c.label IN (${labels.map(() => '?').join(',')})`,
        )
        .get(...labels) as { n: number }
    ).n;
    expect(withDiagnosis).toBeGreaterThan(0);
    expect(r).toMatchObject({ cases: 3, counts: { diagnosis: withDiagnosis, malignancy: withDiagnosis, 'characteristic:spiculation': 0 } });
  });

  it('counts a CT case by its nodule’s LIDC ratings, binarised ≥4 / ≤2', async () => {
    const r = await call(v, admin, 'protocols.truthCounts', { modality: 'CT', cases: { labels: ['CT-001'] } });
    expect(r.cases).toBe(1);
    expect(r.counts.diagnosis).toBe(0);
    // The nodule the protocol reads: the case's largest (protocol-resolve), its readers' marks.
    const nodule = v.study.db
      .prepare(
        "SELECT n.id, n.median_malignancy FROM nodule n JOIN study_case c ON c.id = n.case_id WHERE c.label = 'CT-001' ORDER BY coalesce(n.diameter_mm, -1) DESC, n.reader_count DESC, n.id LIMIT 1",
      )
      .get() as { id: number; median_malignancy: number | null };
    const known = (m: number | null) => (m !== null && (m >= 4 || m <= 2) ? 1 : 0);
    expect(r.counts.malignancy).toBe(known(nodule.median_malignancy));
    for (const c of ['spiculation', 'lobulation', 'texture', 'margin', 'sphericity', 'subtlety']) {
      const ratings = (
        v.study.db
          .prepare(`SELECT ${c} AS x FROM lidc_mark WHERE nodule_id = ? AND kind = 'nodule' AND ${c} IS NOT NULL`)
          .all(nodule.id) as { x: number }[]
      ).map((m) => m.x);
      expect(r.counts[`characteristic:${c}`], c).toBe(known(median(ratings)));
    }
  });

  it('names the field in words when the cases are not valid yet', async () => {
    const e = await refusal(v, admin, 'protocols.truthCounts', { modality: 'dermoscopy', cases: { labels: [] } });
    expect(e.message).toBe('protocol: cases.labels: Cases: add at least one case');
  });
});
