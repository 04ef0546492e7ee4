// blackBox.cam in the manifest (models/README.md): a black-box pack that declares its last
// convolutional feature map and its global-average-pool + linear head provides CAM and Grad-CAM;
// refusals name the field. Grad-CAM's scaling on a hand-worked grid. The maps on the real pack:
// cam-pack.test.ts.
import { describe, expect, it } from 'vitest';
import { packMethods, packProvides, parseManifest } from '../models/manifest';
import { manifestRefusal as refusal, type ManifestJson } from '../models/test-packs';
import { gradCamAtInput } from './cam';

/** A black-box manifest that declares CAM (the demo CNN's shapes; hashes are not read by parseManifest). */
function camManifest(): ManifestJson {
  const hash = 'a'.repeat(64);
  return {
    format: 'verdict-model-pack/1',
    id: 'cam-test',
    version: '1',
    name: 'CAM test',
    modality: 'dermoscopy',
    input: { kind: 'rgb-image', channels: 3, height: 128, width: 128, normalise: { mean: [0.5], std: [0.5] } },
    blackBox: { input: 'image', output: 'logits', outputKind: 'logits', cam: { features: 'features' } },
    outputs: [{ head: 'diagnosis', kind: 'class-logits', units: [{ name: 'a' }, { name: 'b' }] }],
    files: { model: { path: 'model.onnx', sha256: hash }, camHead: { path: 'cam-head.json', sha256: hash } },
    graphs: { model: { inputs: { image: [-1, 3, 128, 128] }, outputs: { logits: [-1, 2], features: [-1, 192, 8, 8] } } },
    card: { intendedUse: 'tests', training: 'none' },
  };
}

describe('blackBox.cam in the manifest', () => {
  it('provides CAM and Grad-CAM beside the black-box methods', () => {
    const m = parseManifest(JSON.stringify(camManifest()));
    expect(packProvides(m)).toEqual(['black-box', 'cam']);
    expect(packMethods(m)).toEqual(expect.arrayContaining(['lima', 'cam', 'grad-cam']));
    expect(packMethods(m)).not.toContain('cdam');
    const plain = camManifest();
    delete plain.blackBox.cam;
    delete plain.files.camHead;
    expect(packMethods(parseManifest(JSON.stringify(plain)))).not.toContain('cam');
  });

  it('Grad-CAM is ReLU(CAM) scaled: the two coincide up to scale for a pooled linear head', () => {
    const grid = Float32Array.of(-2, 0, 1, 3);
    const g = gradCamAtInput(grid, 2, 2, 2, 2);
    // ReLU → [0, 0, 1, 3], /4 then min-max twice: [0, 0, 1/3, 1] (up to the 1e-7 guards).
    expect(Array.from(g).map((v) => Number(v.toFixed(5)))).toEqual([0, 0, 0.33333, 1]);
  });

  it.each<[string, (m: ManifestJson) => void, string]>([
    ['probabilities', (m) => (m.blackBox.outputKind = 'probabilities'), 'blackBox.cam: CAM reads a linear head'],
    ['features named as the output', (m) => (m.blackBox.cam.features = m.blackBox.output), 'blackBox.cam.features: "logits" is also'],
    ['no head file', (m) => delete m.files.camHead, 'files.camHead: required with blackBox.cam'],
    ['a feature map the graphs lack', (m) => (m.blackBox.cam.features = 'conv5'), 'graphs.model.outputs: missing tensor "conv5"'],
    ['free channels', (m) => (m.graphs.model.outputs.features = [-1, -1, 8, 8]), 'graphs.model.outputs.features: expected [-1, C, h, w]'],
    ['a head without blackBox.cam', (m) => delete m.blackBox.cam, 'files.camHead: only a pack that declares blackBox.cam'],
    [
      'CAM listed without blackBox.cam',
      (m) => {
        delete m.blackBox.cam;
        delete m.files.camHead;
        m.methods = ['lima', 'grad-cam'];
      },
      'blackBox.cam: required: "grad-cam" reads the last convolutional feature map',
    ],
  ])('refuses %s in the manifest, naming the field', (_, edit, message) => {
    const m = camManifest();
    edit(m);
    const e = refusal(m);
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toContain(message);
  });
});
