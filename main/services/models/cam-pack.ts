// Adds the CAM declaration (manifest blackBox.cam, models/README.md "CAM") to a black-box pack
// that writeBlackBoxPack (black-box-pack.ts) wrote: the graph's feature-map output (its name;
// ONNX Runtime gives its shape, which must be [batch, C, h, w] with C, h and w fixed), the
// linear head's weights (a JSON file {"weight": W [K][C], "bias": b [K]}, copied in as
// cam-head.json) and optionally the reference maps (copied in as fixtures.json, a test-only
// role). The manifest is rewritten with every hash; loading the pack then checks on probe
// inputs that the head reproduces the graph's logits (cam-head.ts), so a wrong head is refused
// and the declaration is not kept.
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { inspectGraph } from './execution-providers';
import { loadPack, type LoadedPack } from './load-pack';
import { parseManifest } from './manifest';
import { sha256Hex } from './pack-files';

export type CamOptions = {
  /** The graph's output holding the last convolutional feature map [B, C, h, w]. */
  features: string;
  /** The head file: {"weight": [[…C]…K], "bias": [...K]}. */
  head: string;
  /** Reference maps for the tests (models/isic-cnn/export.py writes them). */
  fixtures?: string;
};

const fmt = (shape: readonly (number | string)[]) => `[${shape.map((d) => (typeof d === 'string' ? d || '?' : d)).join(', ')}]`;

/** The feature map's shape as the graph declares it: [-1, C, h, w], every dimension but the batch fixed. */
async function featureShape(graph: Buffer, file: string, features: string): Promise<number[]> {
  const session = await inspectGraph(graph, file);
  try {
    const t = session.outputMetadata.find((o) => o.name === features);
    if (!t)
      throw new VerdictError(
        'model.bad-shape',
        `${file}: the graph has no output "${features}" (its outputs: ${session.outputMetadata.map((o) => `"${o.name}"`).join(', ')}); CAM reads the last convolutional feature map`,
        { graph: file, tensor: features },
      );
    const s = t.isTensor ? t.shape : [];
    const fixed = (d: number | string) => typeof d === 'number' && d > 0;
    if (!t.isTensor || t.type !== 'float32' || s.length !== 4 || fixed(s[0]) || !s.slice(1).every(fixed))
      throw new VerdictError(
        'model.bad-shape',
        `${file}: output "${features}" is ${t.isTensor ? `${t.type} ${fmt(s)}` : 'not a tensor'}; CAM needs a float32 [batch, C, h, w] map with C, h and w fixed`,
        { graph: file, tensor: features },
      );
    return [-1, ...(s.slice(1) as number[])];
  } finally {
    await session.release();
  }
}

/** Declares CAM in the black-box pack at `dir` and loads it (the head checked against the graph); on refusal the pack is left as it was. */
export async function declareCam(dir: string, opts: CamOptions): Promise<LoadedPack> {
  const manifestPath = join(dir, 'manifest.json');
  const before = await readFile(manifestPath, 'utf8');
  const m = parseManifest(before, `${basename(dir)}/manifest.json`);
  if (!m.blackBox || !m.files.model || !m.graphs.model)
    throw new VerdictError('api.invalid-args', `${dir}: CAM is declared on a black-box pack ("blackBox"), and this is not one.`, {
      path: dir,
    });
  const graph = await readFile(join(dir, m.files.model.path));
  const shape = await featureShape(graph, m.files.model.path, opts.features);
  const head = await readFile(opts.head).catch(() => {
    throw new VerdictError('file.not-found', `${opts.head}: no such CAM head file.`, { path: opts.head });
  });
  const fixturesPath = opts.fixtures;
  const fixtures = fixturesPath
    ? await readFile(fixturesPath).catch(() => {
        throw new VerdictError('file.not-found', `${fixturesPath}: no such fixtures file.`, { path: fixturesPath });
      })
    : null;
  const json = JSON.parse(before) as Record<string, Record<string, unknown>>;
  json.blackBox = { ...json.blackBox, cam: { features: opts.features } };
  json.files = {
    ...json.files,
    camHead: { path: 'cam-head.json', sha256: sha256Hex(head) },
    ...(fixtures ? { fixtures: { path: 'fixtures.json', sha256: sha256Hex(fixtures) } } : {}),
  };
  const g = json.graphs.model as { inputs: Record<string, number[]>; outputs: Record<string, number[]> };
  json.graphs = { ...json.graphs, model: { ...g, outputs: { ...g.outputs, [opts.features]: shape } } };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  parseManifest(text, `${basename(dir)}/manifest.json`);
  const written = ['cam-head.json', ...(fixtures ? ['fixtures.json'] : [])];
  try {
    await copyFile(opts.head, join(dir, 'cam-head.json'));
    if (fixturesPath) await copyFile(fixturesPath, join(dir, 'fixtures.json'));
    await writeFile(manifestPath, text);
    return await loadPack(dir);
  } catch (e) {
    await writeFile(manifestPath, before);
    await Promise.all(written.map((f) => rm(join(dir, f), { force: true })));
    throw e;
  }
}
