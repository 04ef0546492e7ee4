// The Models view's ONNX form with its CAM fields (onnx-pack-add.ts): the demo CNN's graph and
// head (models/isic-cnn/pack) added with them offers CAM and Grad-CAM; a feature-map output the
// graph lacks, a head file that is missing or does not fit, or one field without the other, is
// refused naming the form's field.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../app/api/dispatch';
import { VerdictError } from '../../../app/errors';
import { repoRoot, tempDir } from '../../../tests/support/data';
import { testVerdict } from '../../../tests/support/verdict';
import { addOnnxClassifier, type OnnxPackForm } from './onnx-pack-add';

const PACK = join(repoRoot, 'models/isic-cnn/pack');
const form: OnnxPackForm = {
  onnx: join(PACK, 'model.onnx'),
  modality: 'dermoscopy',
  input: 128,
  normalise: 'imagenet',
  labels: 'MEL\nNV\nBCC\nAKIEC\nBKL\nDF\nVASC\n',
  id: 'form-cnn',
  name: 'Form CNN',
};
const v = testVerdict();
afterAll(() => v.close());

const refusal = (f: OnnxPackForm) =>
  addOnnxClassifier(v.models, f).then(
    () => {
      throw new Error('accepted');
    },
    (e: unknown) => e as VerdictError,
  );

describe('the ONNX form with CAM fields', () => {
  it('adds a CNN whose head is declared: it offers CAM and Grad-CAM beside the black-box methods', async () => {
    const added = await addOnnxClassifier(v.models, { ...form, cam: { features: 'features', head: join(PACK, 'cam-head.json') } });
    expect(added.methods).toEqual(expect.arrayContaining(['cam', 'grad-cam', 'lima', 'rise', 'occlusion']));
    const plain = await addOnnxClassifier(v.models, { ...form, id: 'form-cnn-plain' });
    expect(plain.methods).not.toContain('cam');
    expect(plain.methods).not.toContain('grad-cam');
  });

  it('names the field of a wrong feature-map output or head file', async () => {
    const head = join(PACK, 'cam-head.json');
    const noOutput = await refusal({ ...form, id: 'bad-1', cam: { features: 'pool', head } });
    expect(noOutput.code).toBe('model.bad-shape');
    expect(noOutput.message).toMatch(/^CAM feature-map output: model\.onnx: the graph has no output "pool"/);
    expect(noOutput.detail?.field).toBe('CAM feature-map output');

    const missing = await refusal({ ...form, id: 'bad-2', cam: { features: 'features', head: '/nowhere/head.json' } });
    expect(missing.message).toMatch(/^CAM head file: \/nowhere\/head\.json: no such CAM head file/);

    const short = join(tempDir(), 'head.json');
    writeFileSync(short, JSON.stringify({ weight: [[1, 2]], bias: [0] }));
    const wrong = await refusal({ ...form, id: 'bad-3', cam: { features: 'features', head: short } });
    expect(wrong.code).toBe('model.invalid-manifest');
    expect(wrong.message).toMatch(/^CAM head file: .*cam-head\.json: weight: expected 7 rows/);
    expect((await v.models.catalogue()).map((m) => m.packId)).not.toEqual(expect.arrayContaining(['bad-1', 'bad-2', 'bad-3']));
  });

  it('refuses at the API a CAM declaration without its head', async () => {
    const r = await dispatch(v.handlers, v.newCaller(), 'models.addOnnx', { ...form, cam: { features: 'features' } });
    expect(r.ok).toBe(false);
  });
});
