// The self-explaining ISIC models through the API on the demo study: the attribute report agrees
// with the model's axis outputs and maps, the prototype score sheet adds up to the model's own
// class score (Σ weight × activation, no bias), exemplars are the pack's PNGs, readers are kept
// out, and in a study the reader's stimulus carries the axis value or the exemplars — never the
// method's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../../../app/api/endpoint';
import { call, demoVerdict, DERM_LABELS, refusal, signedIn, type TestVerdict } from '../../../../tests/support/study-fixture';

let v: TestVerdict;
let admin: CallContext;
let reader: { id: number; caller: CallContext };
let explicd: number;
let protofm: number;
let plain: number;
let caseId: number;

beforeAll(async () => {
  v = await demoVerdict();
  ({
    admin,
    readers: [reader],
  } = await signedIn(v, ['Dr Derm']));
  const models = await call(v, admin, 'models.list', {});
  explicd = models.find((m) => m.packId === 'isic-explicd')!.id;
  protofm = models.find((m) => m.packId === 'isic-protofm')!.id;
  plain = models.find((m) => m.packId === 'isic-vit')!.id;
  caseId = (await call(v, admin, 'cases.list', {})).find((c) => c.label === DERM_LABELS[0])!.id;
}, 120_000);
afterAll(() => v.close());

describe('attribute report', () => {
  it('names each axis’s most probable value, and the axis map is the tokens’ attention (≥ 0, summing to 1)', async () => {
    const r = await call(v, admin, 'explain.attributes', { modelId: explicd, caseId });
    expect(r.axes.map((a) => a.axis)).toEqual(['color', 'shape', 'border', 'dermoscopic-patterns', 'texture', 'symmetry', 'elevation']);
    expect(r.diagnosis.map((d) => d.name)).toEqual(['MEL', 'NV', 'BCC', 'AKIEC', 'BKL', 'DF', 'VASC']);
    const summary = (await call(v, admin, 'models.list', {})).find((m) => m.id === explicd)!;
    for (const a of r.axes) {
      expect(a.values.map((x) => x.name)).toEqual(summary.attributes!.find((x) => x.name === a.axis)!.values.map((x) => x.name));
      expect(a.values.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 5);
      expect(a.probability).toBe(Math.max(...a.values.map((x) => x.probability)));
    }
    const map = await call(v, admin, 'explain.map', { modelId: explicd, caseId, method: 'attribute-map', target: 'border' });
    const values = new Float32Array(map.values);
    expect(values).toHaveLength(64);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(values.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 4);
    expect(map).toMatchObject({ method: 'attribute-map', target: 'border', signed: false, grid: { rows: 8, cols: 8 } });
  });

  it('refuses an axis the model does not have, a model without axes, and CDAM on a pack without a tail', async () => {
    const axis = await refusal(v, admin, 'explain.map', { modelId: explicd, caseId, method: 'attribute-map', target: 'asymmetry' });
    expect(axis.message).toContain('"asymmetry" is not a diagnostic axis');
    const none = await refusal(v, admin, 'explain.attributes', { modelId: plain, caseId });
    expect(none.message).toContain('has no diagnostic attributes');
    const cdam = await refusal(v, admin, 'explain.map', { modelId: explicd, caseId, method: 'cdam', target: 'MEL' });
    expect(cdam.code).toBe('explain.unsupported-method');
  });
});

describe('prototype score sheet', () => {
  it('adds up to the model’s class score, largest contribution first, exemplars as the pack’s PNGs', async () => {
    const all = await call(v, admin, 'explain.prototypes', { modelId: protofm, caseId, count: 70 });
    const predicted = all.diagnosis.reduce((a, b) => (b.value > a.value ? b : a));
    expect(all.class).toBe(predicted.name);
    expect(all.rows).toHaveLength(70);
    // The model's own arithmetic: the class score is Σ_p W[class, p] · a_p.
    expect(all.rows.reduce((s, r) => s + r.contribution, 0)).toBeCloseTo(all.score, 4);
    for (let i = 1; i < all.rows.length; i++) expect(all.rows[i - 1].contribution).toBeGreaterThanOrEqual(all.rows[i].contribution);
    for (const r of all.rows) expect(r.contribution).toBeCloseTo(r.weight * r.activation, 6);
    const png = new Uint8Array(all.rows[0].exemplars[0].png);
    expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const top = await call(v, admin, 'explain.prototypes', { modelId: protofm, caseId });
    expect(top.rows.map((r) => r.name)).toEqual(all.rows.slice(0, 5).map((r) => r.name));
    // Another class on request, with that class's weights.
    const other = all.diagnosis.find((d) => d.name !== all.class)!.name;
    const sheet = await call(v, admin, 'explain.prototypes', { modelId: protofm, caseId, class: other, count: 70 });
    expect(sheet.class).toBe(other);
    expect(sheet.rows.reduce((s, r) => s + r.contribution, 0)).toBeCloseTo(sheet.score, 4);
    // The prototype map's maximum is the activation the sheet reports.
    const map = await call(v, admin, 'explain.map', { modelId: protofm, caseId, method: 'prototype-map', target: all.rows[0].name });
    expect(Math.max(...new Float32Array(map.values))).toBeCloseTo(all.rows[0].activation, 5);
  });

  it('refuses a class the model does not have, and readers', async () => {
    const bad = await refusal(v, admin, 'explain.prototypes', { modelId: protofm, caseId, class: 'SCC' });
    expect(bad.message).toContain('"SCC" is not a class');
    const denied = await refusal(v, reader.caller, 'explain.prototypes', { modelId: protofm, caseId });
    expect(denied.code).toBe('api.unauthorised');
  });
});

describe('faithfulness of self-explanations', () => {
  it('measures an attribute map and a prototype map like any map, judged on the predicted class', async () => {
    const sheet = await call(v, admin, 'explain.prototypes', { modelId: protofm, caseId, count: 1 });
    for (const [modelId, method, target] of [
      [explicd, 'attribute-map', 'color'],
      [protofm, 'prototype-map', sheet.rows[0].name],
    ] as const) {
      const ms = await call(v, admin, 'explain.metrics', {
        modelId,
        caseId,
        method,
        target,
        metrics: ['compactness', 'lima-insertion', 'class-discrimination'],
      });
      const by = Object.fromEntries(ms.map((m) => [m.metric, m]));
      expect(by.compactness.value).toBeGreaterThanOrEqual(0);
      expect(by.compactness.value).toBeLessThanOrEqual(1);
      expect(by['lima-insertion'].value).toBeGreaterThan(0);
      expect(by['lima-insertion'].forwardPasses).toBeGreaterThan(0);
      // An axis or a prototype is not a class: there is no wrong class to swap in.
      expect(by['class-discrimination'].value).toBeNull();
    }
  });
});

describe('in a reader study', () => {
  it('an attribute stimulus shows the axis and its value, a prototype stimulus the exemplars', async () => {
    const sheet = await call(v, admin, 'explain.prototypes', { modelId: protofm, caseId, count: 1 });
    const protocol = {
      format: 'verdict-protocol/1' as const,
      id: 'self-explaining',
      version: 1,
      title: 'Attributes and prototypes',
      modality: 'dermoscopy' as const,
      cases: { labels: [DERM_LABELS[0]] },
      conditions: [
        { id: 'border', model: 'isic-explicd', method: 'attribute-map' as const, target: 'border' },
        { id: 'prototype', model: 'isic-protofm', method: 'prototype-map' as const, target: sheet.rows[0].name },
      ],
      phases: ['ai-explanation' as const],
      questions: [{ id: 'plausible', level: 'stimulus' as const, type: 'likert' as const, prompt: 'Plausible?' }],
      order: { seed: 1 },
    };
    const saved = await call(v, admin, 'protocols.save', { protocol });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Self-explaining' });
    await v.studies.prepared(study.id);
    await call(v, admin, 'studies.assign', { studyId: study.id, readerId: reader.id });
    const kinds: string[] = [];
    for (const position of [0, 1]) {
      const view = await call(v, reader.caller, 'reading.trial', { studyId: study.id, position });
      const [s] = view.stimuli;
      expect(s.detail).toBeDefined();
      if (s.detail!.kind === 'attribute') {
        const report = await call(v, admin, 'explain.attributes', { modelId: explicd, caseId });
        const border = report.axes.find((a) => a.axis === 'border')!;
        expect(s.detail).toEqual({ kind: 'attribute', axis: 'Border', value: border.value.label, probability: border.probability });
      } else {
        expect(s.detail!.kind).toBe('prototype');
        if (s.detail!.kind === 'prototype')
          expect(s.detail!.exemplars.map((e) => e.similarity)).toEqual(sheet.rows[0].exemplars.map((e) => e.similarity));
      }
      kinds.push(s.detail!.kind);
      expect(JSON.stringify(view)).not.toMatch(/isic-explicd|isic-protofm|attribute-map|prototype-map/);
      await call(v, reader.caller, 'reading.answer', {
        studyId: study.id,
        trialId: view.trial.id,
        questionId: 'plausible',
        value: 4,
        displayState: {},
        timings: { timeToFirstInputMs: 100, timeOnTrialMs: 900 },
      });
    }
    expect(kinds.sort()).toEqual(['attribute', 'prototype']);
  });
});
