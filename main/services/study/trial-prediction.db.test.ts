// The AI output a trial shows is the output of the model whose explanation it shows: in a study
// comparing a ViT's CDAM with a CNN's occlusion map, a CNN trial must not show the ViT's
// probabilities beside the CNN's map (the first condition's model used to be shown everywhere).
import { beforeAll, describe, expect, it } from 'vitest';
import { call, demoVerdict, isicProtocol, ISIC_QUESTIONS, signedIn, type TestVerdict } from '../../../tests/support/study-fixture';

let v: TestVerdict;
let studyId: number;
let reader: Awaited<ReturnType<typeof signedIn>>['readers'][number];

beforeAll(async () => {
  v = await demoVerdict();
  const { admin, readers } = await signedIn(v, ['Dr One']);
  reader = readers[0];
  const protocol = isicProtocol({
    id: 'two-models',
    cases: { labels: ['Derm-001', 'Derm-002'] },
    conditions: [
      { id: 'vit', model: 'test-vit-isic', method: 'cdam', target: 'MEL' },
      { id: 'vit-attention', model: 'test-vit-isic', method: 'attention', target: 'attention' },
      { id: 'cnn', model: 'test-cnn-isic', method: 'occlusion', target: 'MEL', params: { window: 8, stride: 8 } },
    ],
    phases: ['unaided', 'ai', 'ai-explanation'],
    comparisons: [{ between: ['vit', 'cnn'] }, { between: ['vit', 'vit-attention'] }],
    questions: [
      ...ISIC_QUESTIONS!,
      { id: 'better', level: 'stimulus', type: 'forced-choice', required: false, prompt: 'Which explanation is more useful?' },
    ],
  });
  const saved = await call(v, admin, 'protocols.save', { protocol });
  studyId = (await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Two models' })).id;
  await v.studies.prepared(studyId);
  await call(v, admin, 'studies.assign', { studyId, readerId: reader.id });
}, 240_000);

describe('the AI output beside a trial', () => {
  it("is the output of the shown explanation's model; none beside a comparison of two models' maps", async () => {
    const pack = new Map(
      (v.study.db.prepare('SELECT id, pack_id FROM model').all() as { id: number; pack_id: string }[]).map((m) => [m.id, m.pack_id]),
    );
    const conditionModel: Record<string, string> = { vit: 'test-vit-isic', 'vit-attention': 'test-vit-isic', cnn: 'test-cnn-isic' };
    const { total } = await call(v, reader.caller, 'reading.trial', { studyId, position: 0 });
    const seen = { stimulus: new Set<string>(), comparison: new Set<string>(), case: 0 };
    for (let position = 0; position < total; position++) {
      const view = await call(v, reader.caller, 'reading.trial', { studyId, position });
      const trial = v.study.db.prepare('SELECT * FROM trial WHERE id = ?').get(view.trial.id) as {
        id: number;
        kind: string;
        phase: string;
        condition_id: string | null;
        condition_b_id: string | null;
      };
      const recorded = v.study.db.prepare('SELECT model_id, outputs_json FROM trial_prediction WHERE trial_id = ?').get(trial.id) as
        { model_id: number; outputs_json: string } | undefined;
      const twoModels = trial.kind === 'comparison' && conditionModel[trial.condition_id!] !== conditionModel[trial.condition_b_id!];
      if (trial.phase === 'unaided' || twoModels) {
        expect(view.prediction, `trial ${position}`).toBeNull();
        expect(recorded).toBeUndefined();
        if (twoModels) seen.comparison.add('two models');
        continue;
      }
      const expected = trial.kind === 'case' ? 'test-vit-isic' : conditionModel[trial.condition_id!];
      expect(pack.get(recorded!.model_id), `trial ${position} (${trial.kind} ${trial.condition_id})`).toBe(expected);
      expect(view.prediction).toEqual(JSON.parse(recorded!.outputs_json));
      if (trial.kind === 'stimulus') seen.stimulus.add(expected);
      else if (trial.kind === 'comparison') seen.comparison.add('one model');
      else seen.case++;
    }
    // Every kind of trial was met: stimuli of both models, both kinds of comparison, case trials.
    expect([...seen.stimulus].sort()).toEqual(['test-cnn-isic', 'test-vit-isic']);
    expect([...seen.comparison].sort()).toEqual(['one model', 'two models']);
    expect(seen.case).toBeGreaterThan(0);
  }, 240_000);

  it('differs between the two models on one case (so the test above can tell them apart)', () => {
    const rows = v.study.db
      .prepare(
        `SELECT m.pack_id, p.outputs_json FROM trial_prediction p JOIN trial t ON t.id = p.trial_id JOIN model m ON m.id = p.model_id
         WHERE t.kind = 'stimulus' AND t.case_index = 0`,
      )
      .all() as { pack_id: string; outputs_json: string }[];
    const byPack = new Map(rows.map((r) => [r.pack_id, r.outputs_json]));
    expect(byPack.size).toBe(2);
    expect(byPack.get('test-vit-isic')).not.toBe(byPack.get('test-cnn-isic'));
  });
});
