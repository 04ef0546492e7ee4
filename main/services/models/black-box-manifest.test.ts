// The manifest's pack kinds: a ViT pack (`vit`) or a black-box classifier (`blackBox`), exactly
// one, each with its own graphs; refusals name the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedGraphShapes, graphRoles, packKind, packMethods, packProvides, parseManifest } from './manifest';
import { dimsOf } from './model-runtime';
import { repoRoot } from '../../../tests/support/data';
import { loadPack } from './load-pack';
import { ISIC_PACK, manifestRefusal as refusal, packRefusal, packVariant, type ManifestJson } from './test-packs';

const TEST_CNN = join(repoRoot, 'models/test-cnn/pack');

const vitJson = (): ManifestJson => JSON.parse(readFileSync(join(ISIC_PACK, 'manifest.json'), 'utf8')) as ManifestJson;
const hash = 'a'.repeat(64);

/** The ISIC test pack's manifest turned into a black-box classifier's (same input and outputs). */
function blackBoxJson(): ManifestJson {
  const m = vitJson();
  delete m.vit;
  delete m.methods;
  m.blackBox = { input: 'input', output: 'logits', outputKind: 'logits' };
  m.files = { model: { path: 'model.onnx', sha256: hash } };
  m.graphs = { model: { inputs: { input: [-1, 3, 64, 64] }, outputs: { logits: [-1, 7] } } };
  return m;
}

describe('black-box pack kind', () => {
  it('parses a black-box manifest: one graph under its own tensor names, the black-box methods only', () => {
    const m = parseManifest(JSON.stringify(blackBoxJson()));
    expect(packKind(m)).toBe('black-box');
    expect(graphRoles(m)).toEqual(['model']);
    expect(expectedGraphShapes(m)).toEqual({ model: { inputs: { input: [-1, 3, 64, 64] }, outputs: { logits: [-1, 7] } } });
    expect(packProvides(m)).toEqual(['black-box']);
    expect(packMethods(m)).toContain('lima');
    expect(packMethods(m)).not.toContain('attention');
    expect(packMethods(m)).not.toContain('cdam');
    expect(dimsOf(m)).toMatchObject({ channels: 3, height: 64, width: 64, outputs: 7, patches: 0, heads: 0, dim: 0 });
  });

  it('leaves a ViT manifest as it was', () => {
    const m = parseManifest(JSON.stringify(vitJson()));
    expect(packKind(m)).toBe('vit');
    expect(packProvides(m)).toEqual(['backbone', 'tail', 'black-box']);
    expect(graphRoles(m)).toEqual(['backbone', 'tail']);
  });

  it.each<[string, (m: ManifestJson) => void, string]>([
    ['neither kind', (m) => delete m.blackBox, 'pack/manifest.json: vit: required: a pack is a ViT ("vit") or a black-box classifier'],
    ['both kinds', (m) => (m.vit = vitJson().vit), 'blackBox: a pack is one kind: "vit" or "blackBox", not both'],
    ['no graph file', (m) => (m.files = { card: { path: 'card.md', sha256: hash } }), 'files.model: required for a black-box pack'],
    ['no graph shapes', (m) => (m.graphs = {}), 'graphs.model: required for a black-box pack'],
    [
      'a tail graph',
      (m) => (m.files.tail = { path: 'tail.onnx', sha256: hash }),
      'files.tail: a black-box pack ("blackBox") has one graph, files.model, and no tail',
    ],
    ['a backbone graph', (m) => (m.graphs.backbone = vitJson().graphs.backbone), 'graphs.backbone: a black-box pack'],
    ['an empty input name', (m) => (m.blackBox.input = ''), 'blackBox.input:'],
    ['an unknown output kind', (m) => (m.blackBox.outputKind = 'scores'), 'blackBox.outputKind:'],
    ['the same name twice', (m) => (m.blackBox.output = 'input'), 'blackBox.output: "input" is also the input\'s name'],
    ['an input the graphs lack', (m) => (m.blackBox.input = 'pixel_values'), 'graphs.model.inputs: missing tensor "pixel_values"'],
    ['an output of rank 3', (m) => (m.graphs.model.outputs.logits = [-1, 7, 1]), 'graphs.model.outputs.logits: expected 2 dimensions'],
    [
      'a fixed batch',
      (m) => (m.graphs.model.inputs.input = [1, 3, 64, 64]),
      'graphs.model.inputs.input[0]: the batch dimension must be free',
    ],
    ['a method it cannot offer', (m) => (m.methods = ['lima', 'cdam']), 'files.tail: required: the pack offers "cdam"'],
    ['the attention map', (m) => (m.methods = ['attention']), 'vit: required: "attention" reads a ViT backbone\'s attention'],
    [
      'probabilities with a regression head',
      (m) => {
        m.blackBox.outputKind = 'probabilities';
        m.outputs.push({ head: 'size', kind: 'regression', units: [{ name: 'mm' }] });
      },
      'outputs[1].kind: "regression" cannot be read from an output of probabilities',
    ],
    [
      'attribute axes',
      (m) => (m.attributes = { reference: 'x', axes: [{ name: 'a', label: 'A', head: 'diagnosis' }] }),
      'attributes: needs a ViT',
    ],
  ])('refuses %s, naming the field', (_, edit, message) => {
    const m = blackBoxJson();
    edit(m);
    const e = refusal(m);
    expect(e.code).toBe('model.invalid-manifest');
    expect(e.message).toContain(message);
  });

  it('still refuses a ViT manifest without its backbone', () => {
    const m = vitJson();
    delete m.files.backbone;
    expect(refusal(m).message).toContain('files.backbone: required for a ViT pack');
    const g = vitJson();
    g.graphs.model = g.graphs.backbone;
    expect(refusal(g).message).toContain('graphs.model: only a black-box pack');
  });

  it('loads the test CNN pack, checking graphs.model against the ONNX graph under its own names', async () => {
    const pack = await loadPack(TEST_CNN);
    expect(pack.manifest.blackBox).toEqual({ input: 'input', output: 'logits', outputKind: 'logits' });
    expect(pack.files.map((f) => f.role).sort()).toEqual(['card', 'model']);
  });

  it.each<[string, (m: ManifestJson) => void, string]>([
    [
      'an input name the graph does not have',
      (m) => {
        m.blackBox.input = 'pixel_values';
        m.graphs.model.inputs = { pixel_values: [-1, 3, 64, 64] };
      },
      'model.onnx: the manifest says input "pixel_values" [-1, 3, 64, 64] but the graph\'s inputs are "input"',
    ],
    [
      'an output of another class count',
      (m) => (m.graphs.model.outputs.logits = [-1, 6]),
      'model.onnx: output "logits" has shape [batch, 7] but the manifest says [-1, 6]',
    ],
    [
      'one class fewer than the graph puts out',
      (m) => {
        m.outputs[0].units.pop();
        m.graphs.model.outputs.logits = [-1, -1];
      },
      'model.onnx: output "logits" is [batch, 7] but the manifest\'s input, blackBox and outputs imply [-1, 6]',
    ],
  ])('refuses a test CNN manifest with %s, naming the tensor', async (_, edit, message) => {
    const e = await packRefusal(packVariant(TEST_CNN, edit));
    expect(e.code).toBe('model.bad-shape');
    expect(e.message).toContain(message);
  });
});
