// The Models view's endpoints through the real dispatch on the demo study: staff only (a reader's
// or an anonymous connection is refused before any handler runs, and hears no model name); a pack
// added through the API is the study's own copy; retiring a model a study uses keeps the study's
// model and refuses it for new protocols.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallContext } from '../../app/api/endpoint';
import type { ModelEntry } from '../../app/models';
import { call, demoVerdict, isicProtocol, refusal, signedIn, type TestVerdict } from '../../tests/support/study-fixture';
import { ISIC_PACK, packVariant } from '../services/models/test-packs';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../tests/support/data';

/** The test CNN's graph (models/test-cnn) and its seven ISIC classes, in output order. */
const CNN_ONNX = join(repoRoot, 'models/test-cnn/pack/model.onnx');
const CNN_LABELS = 'MEL\tMelanoma\nNV\nBCC\nAKIEC\nBKL\nDF\nVASC\n';
const onnxTemps = () => readdirSync(tmpdir()).filter((f) => f.startsWith('verdict-onnx-pack-'));

let v: TestVerdict;
let admin: CallContext;
let reader: CallContext;

beforeAll(async () => {
  v = await demoVerdict();
  const s = await signedIn(v, ['Dr Reader']);
  admin = s.admin;
  reader = s.readers[0].caller;
}, 180_000);
afterAll(() => v.close());

describe('models endpoints', () => {
  it('are refused to a reader and to a connection nobody signed in on, naming no model', async () => {
    const names = (await v.models.catalogue()).flatMap((m) => [m.name, m.packId]);
    expect(names.length).toBeGreaterThan(4);
    for (const caller of [reader, v.newCaller()]) {
      for (const [name, args] of [
        ['models.catalogue', {}],
        ['models.retire', { modelId: 1 }],
        ['models.restore', { modelId: 1 }],
        ['models.add', { path: ISIC_PACK }],
        ['models.list', {}],
        ['models.addOnnx', { onnx: CNN_ONNX, modality: 'dermoscopy', input: 64, normalise: 'imagenet', labels: CNN_LABELS }],
      ] as const) {
        const e = await refusal(v, caller, name, args);
        expect(e.code).toBe('api.unauthorised');
        expect(e.message).toBe(`${name} is for the study coordinator (an admin).`);
        for (const n of names) expect(JSON.stringify(e)).not.toContain(n);
      }
    }
    expect((v.study.db.prepare('SELECT count(*) AS n FROM model WHERE retired_at IS NOT NULL').get() as { n: number }).n).toBe(0);
  });

  it('lists every model with card, methods and provider; adds a copy; refuses a broken pack naming its fields', async () => {
    const catalogue = await call(v, admin, 'models.catalogue', {});
    const isic = catalogue.find((m) => m.packId === 'isic-vit')!;
    expect(isic).toMatchObject({ bundled: true, retiredAt: null, addedFrom: null, modality: 'dermoscopy', purpose: 'demo' });
    expect(isic.cardText).toMatch(/^# /);
    expect(isic.methods).toEqual(expect.arrayContaining(['cdam', 'smooth-cdam', 'lima']));

    const pack = packVariant(ISIC_PACK, (m) => ((m.id = 'api-isic'), (m.name = 'API ISIC ViT')));
    const added = await call(v, admin, 'models.add', { path: pack });
    const entry = (await call(v, admin, 'models.catalogue', {})).find((m) => m.id === added.id) as ModelEntry;
    expect(entry).toMatchObject({ packId: 'api-isic', addedFrom: pack, bundled: false });
    expect(entry.path.startsWith(v.dbPath.replace(/study\.db$/, 'model-packs/'))).toBe(true);

    const broken = packVariant(ISIC_PACK, (m) => ((m.purpose = 'fun'), (m.vit.heads = 0)));
    const e = await refusal(v, admin, 'models.add', { path: broken });
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message.split('\n')).toEqual([
      expect.stringMatching(/^pack\/manifest\.json: purpose: /),
      expect.stringMatching(/^pack\/manifest\.json: vit\.heads: /),
    ]);
    expect(e.detail).toMatchObject({ fields: 'purpose, vit.heads' });
  });

  it('retires a model a study uses: the study keeps it, new protocols and the explain list do not offer it', async () => {
    const saved = await call(v, admin, 'protocols.save', { protocol: isicProtocol() });
    const study = await call(v, admin, 'studies.create', { protocolRowId: saved.rowId, name: 'Before retirement' });
    const used = (await call(v, admin, 'models.catalogue', {})).find((m) => m.packId === 'test-vit-isic')!;
    expect(used.studies).toBe(1);

    const retired = await call(v, admin, 'models.retire', { modelId: used.id });
    expect(retired.id).toBe(used.id);
    const after = (await call(v, admin, 'models.catalogue', {})).find((m) => m.id === used.id)!;
    expect(after.retiredAt).not.toBeNull();
    expect(after.studies).toBe(1);
    expect((await call(v, admin, 'models.list', {})).map((m) => m.id)).not.toContain(used.id);
    expect((await call(v, admin, 'studies.list', {})).map((s) => s.id)).toContain(study.id);
    const row = v.study.db.prepare('SELECT resolved_json FROM study WHERE id = ?').get(study.id) as { resolved_json: string };
    expect(JSON.parse(row.resolved_json).models['test-vit-isic']).toEqual({ modelId: used.id, sha256: used.sha256 });

    const e = await refusal(v, admin, 'protocols.validate', { protocol: isicProtocol({ id: 'isic-after', version: 1 }) });
    expect(e.code).toBe('protocol.unknown-model');
    expect(e.message).toContain('model pack "test-vit-isic" is retired');

    // Restored: offered again, and a new protocol may name it.
    expect((await call(v, admin, 'models.restore', { modelId: used.id })).id).toBe(used.id);
    expect((await call(v, admin, 'models.list', {})).map((m) => m.id)).toContain(used.id);
    expect((await call(v, admin, 'models.catalogue', {})).find((m) => m.id === used.id)!.retiredAt).toBeNull();
    expect(
      (await call(v, admin, 'protocols.validate', { protocol: isicProtocol({ id: 'isic-restored', version: 1 }) })).cases,
    ).toBeGreaterThan(0);
  });

  it('packs an ONNX classifier from the form and adds it like a folder; a wrong class list is refused naming what is wrong', async () => {
    const before = onnxTemps();
    const added = await call(v, admin, 'models.addOnnx', {
      onnx: CNN_ONNX,
      modality: 'dermoscopy',
      input: 64,
      normalise: 'imagenet',
      labels: CNN_LABELS,
      id: 'form-cnn',
      name: 'Form CNN',
      intendedUse: 'Testing the pack form.',
    });
    const entry = (await call(v, admin, 'models.catalogue', {})).find((m) => m.id === added.id)!;
    expect(entry).toMatchObject({ packId: 'form-cnn', name: 'Form CNN', modality: 'dermoscopy', bundled: false });
    expect(entry.card.intendedUse).toBe('Testing the pack form.');
    expect(entry.methods).toEqual(expect.arrayContaining(['lima', 'rise', 'occlusion']));
    expect(entry.methods).not.toContain('cdam');
    expect(entry.targets.find((t) => t.name === 'MEL')).toMatchObject({ label: 'Melanoma' });
    // Registered from the study's copy; the temporary pack folder is gone.
    expect(entry.path.startsWith(join(v.dbPath, '..', 'model-packs'))).toBe(true);
    expect(existsSync(join(entry.path, 'model.onnx'))).toBe(true);
    expect(existsSync(entry.addedFrom!)).toBe(false);
    expect(onnxTemps()).toEqual(before);

    const six = await refusal(v, admin, 'models.addOnnx', {
      onnx: CNN_ONNX,
      modality: 'dermoscopy',
      input: 64,
      normalise: 'none',
      labels: 'MEL\nNV\nBCC\nAKIEC\nBKL\nDF\n',
    });
    expect(six.code).toBe('model.bad-shape');
    expect(six.message).toMatch(/^model\.onnx: .*7.*6|^model\.onnx: .*6.*7/);
    const twice = await refusal(v, admin, 'models.addOnnx', {
      onnx: CNN_ONNX,
      modality: 'dermoscopy',
      input: 64,
      normalise: 'imagenet',
      labels: 'MEL\nMEL\n',
    });
    expect(twice.message).toBe('labels.txt: line 2: class "MEL" is listed twice');
    expect(onnxTemps()).toEqual(before);
  });
});
