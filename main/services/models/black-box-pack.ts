// Writes a black-box model pack (models/README.md, "Black-box packs") from any ONNX image
// classifier: the graph's input must be one NCHW float32 tensor with a free batch dimension, and
// its output a float32 [B, K] with K the number of labels. The tensor names and shapes come from
// ONNX Runtime itself (and one probe run on a batch of two blank images), never from the user; a
// graph that does not fit is refused naming the tensor and what is wrong. The pack folder gets a
// copy of the graph (model.onnx), card.md and manifest.json with every file's SHA-256, and is then
// loaded as the app would load it (load-pack.ts), so a written pack is a valid one.
// `verdict model pack` (main/cli/model-pack-command.ts) and the Models view call this.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { VerdictError } from '../../../app/errors';
import { declareCam, type CamOptions } from './cam-pack';
import { inspectGraph } from './execution-providers';
import { loadPack } from './load-pack';
import { MANIFEST_FORMAT, parseManifest, type Manifest } from './manifest';
import { sha256Hex } from './pack-files';

export type BlackBoxNormalise = 'imagenet' | 'none' | { mean: number[]; std: number[] };

export type BlackBoxPackOptions = {
  /** The ONNX graph. */
  onnx: string;
  /** The pack folder to write (created; it must not exist or be empty). */
  out: string;
  modality: 'CT' | 'dermoscopy';
  /** The model input's side in pixels (H = W). */
  input: number;
  normalise: BlackBoxNormalise;
  /** labels.txt: one class per line, in the order of the output's columns; `name<TAB>label` gives a display label. */
  labels: string;
  id?: string;
  name?: string;
  outputKind?: 'logits' | 'probabilities';
  /** Default 'demo'; 'test' for packs only software tests use. */
  purpose?: 'demo' | 'sanity-check' | 'test';
  /** CT only: the crop's side in CT pixels (default: `input`) and the HU window (default: the bundled LIDC pack's, centre −300, width 1400). */
  ct?: { cropPixels?: number; window?: { center: number; width: number } };
  card?: { intendedUse?: string; training?: string; metrics?: Record<string, number | string>; notes?: string[] };
  /** CAM / Grad-CAM: the graph's feature-map output and its global-average-pool + linear head (cam-pack.ts declareCam). */
  cam?: CamOptions;
};

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const CT_WINDOW = { center: -300, width: 1400 };

type Metadata = ort.InferenceSession['inputMetadata'][number];

const badGraph = (file: string, tensor: string, message: string) =>
  new VerdictError('model.bad-shape', `${file}: ${message}`, { graph: file, tensor });

const fmt = (shape: readonly (number | string)[]) => `[${shape.map((d) => (typeof d === 'string' ? d || '?' : d)).join(', ')}]`;
const isFree = (d: number | string) => typeof d === 'string' || d < 0;

/** labels.txt → output units, refusing an empty file and a name given twice (naming the line). */
export function readLabels(text: string, file: string): { name: string; label?: string }[] {
  const units: { name: string; label?: string }[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const [name, ...rest] = line.split('\t');
    const n = name.trim();
    const label = rest.join('\t').trim();
    const bad = (message: string) => new VerdictError('api.invalid-args', `${file}: line ${i + 1}: ${message}`, { file, line: i + 1 });
    if (!n) throw bad('the class name before the tab is empty');
    if (n.length > 200) throw bad('the class name is longer than 200 characters');
    if (seen.has(n)) throw bad(`class "${n}" is listed twice`);
    seen.add(n);
    units.push(label ? { name: n, label } : { name: n });
  });
  if (!units.length) throw new VerdictError('api.invalid-args', `${file}: no class names (one per line)`, { file });
  return units;
}

/** The graph's one NCHW float32 input with a free batch: its name, channels, and which spatial dims it fixes. */
function checkInput(file: string, inputs: readonly Metadata[], size: number): { name: string; channels: number; shape: number[] } {
  if (inputs.length !== 1)
    throw badGraph(
      file,
      inputs[1]?.name ?? '(none)',
      `expected one image input, the graph has ${inputs.length}: ${inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}`,
    );
  const t = inputs[0];
  if (!t.isTensor) throw badGraph(file, t.name, `input "${t.name}" is not a tensor`);
  if (t.type !== 'float32') throw badGraph(file, t.name, `input "${t.name}" is ${t.type}; an image input must be float32`);
  const s = t.shape;
  if (s.length !== 4) throw badGraph(file, t.name, `input "${t.name}" has shape ${fmt(s)}; expected NCHW, 4 dimensions`);
  if (!isFree(s[0]))
    throw badGraph(file, t.name, `input "${t.name}" fixes the batch dimension at ${s[0]}; export it with a free (dynamic) batch axis`);
  if (isFree(s[1]))
    throw badGraph(file, t.name, `input "${t.name}" leaves its channels free ${fmt(s)}; expected NCHW with the channels fixed`);
  for (const i of [2, 3])
    if (!isFree(s[i]) && s[i] !== size)
      throw badGraph(
        file,
        t.name,
        `input "${t.name}" is ${fmt(s)}, but the pack's input is ${size}×${size} (NCHW: dimension ${i} is ${s[i]})`,
      );
  return { name: t.name, channels: s[1] as number, shape: s.map((d, i) => (i === 0 || isFree(d) ? -1 : (d as number))) };
}

/** The output with K columns: the only output, or the only [B, K] one among several. */
function checkOutput(file: string, outputs: readonly Metadata[], k: number): { name: string; shape: number[] } {
  const fits = (t: Metadata) =>
    t.isTensor && t.type === 'float32' && t.shape.length === 2 && isFree(t.shape[0]) && (isFree(t.shape[1]) || t.shape[1] === k);
  const t = outputs.length === 1 ? outputs[0] : outputs.filter(fits).length === 1 ? outputs.filter(fits)[0] : null;
  if (!t)
    throw badGraph(
      file,
      outputs.map((o) => o.name).join(', '),
      `expected one float32 [batch, ${k}] output (one column per label); the graph's outputs are ${outputs
        .map((o) => `"${o.name}" ${o.isTensor ? `${o.type} ${fmt(o.shape)}` : '(not a tensor)'}`)
        .join(', ')}`,
    );
  if (!t.isTensor) throw badGraph(file, t.name, `output "${t.name}" is not a tensor`);
  if (t.type !== 'float32') throw badGraph(file, t.name, `output "${t.name}" is ${t.type}; expected float32`);
  const s = t.shape;
  if (s.length !== 2) throw badGraph(file, t.name, `output "${t.name}" has shape ${fmt(s)}; expected [batch, ${k}] (one column per label)`);
  if (!isFree(s[0])) throw badGraph(file, t.name, `output "${t.name}" fixes the batch dimension at ${s[0]}; it must be free`);
  if (!isFree(s[1]) && s[1] !== k)
    throw badGraph(file, t.name, `output "${t.name}" has ${s[1]} columns ${fmt(s)}, but the labels file lists ${k} classes`);
  return { name: t.name, shape: [-1, k] };
}

/** Runs the graph once on two blank images: the output must really be float32 [2, K] and finite. */
async function probe(file: string, session: ort.InferenceSession, input: string, output: string, c: number, size: number, k: number) {
  let r: ort.InferenceSession.ReturnType;
  try {
    r = await session.run({ [input]: new ort.Tensor('float32', new Float32Array(2 * c * size * size), [2, c, size, size]) });
  } catch (e) {
    const reason = String((e as Error).message ?? e).split('\n')[0];
    throw badGraph(file, input, `ONNX Runtime cannot run it on a [2, ${c}, ${size}, ${size}] input: ${reason}`);
  }
  const t = r[output];
  if (!t || t.type !== 'float32' || t.dims.length !== 2 || t.dims[0] !== 2 || t.dims[1] !== k)
    throw badGraph(
      file,
      output,
      `output "${output}" is ${t ? `${t.type} ${fmt(t.dims)}` : 'missing'} for a batch of 2; expected float32 [2, ${k}] (one column per label)`,
    );
  if (!(t.data as Float32Array).every(Number.isFinite)) throw badGraph(file, output, `output "${output}" is not finite on a blank image`);
}

const packId = (onnx: string) =>
  basename(onnx)
    .replace(/\.onnx$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'black-box-model';

function normalisation(n: BlackBoxNormalise, channels: number) {
  if (n === 'imagenet') return IMAGENET;
  if (n === 'none') return { mean: Array(channels).fill(0), std: Array(channels).fill(1) };
  return { mean: [...n.mean], std: [...n.std] };
}

export async function writeBlackBoxPack(opts: BlackBoxPackOptions): Promise<{ dir: string; manifest: Manifest }> {
  const file = basename(opts.onnx);
  if (!Number.isInteger(opts.input) || opts.input < 1 || opts.input > 4096)
    throw new VerdictError(
      'api.invalid-args',
      `input: the model input's side must be a whole number of pixels from 1 to 4096 (got ${opts.input}).`,
      {
        field: 'input',
      },
    );
  const bytes = await readFile(opts.onnx).catch(() => {
    throw new VerdictError('file.not-found', `${opts.onnx}: no such ONNX file.`, { path: opts.onnx });
  });
  const labelText = await readFile(opts.labels, 'utf8').catch(() => {
    throw new VerdictError('file.not-found', `${opts.labels}: no such labels file.`, { path: opts.labels });
  });
  const units = readLabels(labelText, basename(opts.labels));
  const size = opts.input;
  const session = await inspectGraph(bytes, file);
  let input, output;
  try {
    input = checkInput(file, session.inputMetadata, size);
    output = checkOutput(file, session.outputMetadata, units.length);
    await probe(file, session, input.name, output.name, input.channels, size, units.length);
  } finally {
    await session.release();
  }
  const dir = resolve(opts.out);
  const existing = await readdir(dir).catch(() => null);
  if (existing?.length)
    throw new VerdictError('api.invalid-args', `${dir} is not empty; a pack is written into a new or empty folder.`, { path: dir });
  await mkdir(dir, { recursive: true });
  const written = ['model.onnx', 'card.md', 'manifest.json'];
  try {
    await copyFile(opts.onnx, join(dir, 'model.onnx'));
    const id = opts.id ?? packId(opts.onnx);
    const name = opts.name ?? id;
    const card = {
      intendedUse: opts.card?.intendedUse ?? 'Not stated by whoever packed it.',
      training: opts.card?.training ?? 'Not stated by whoever packed it.',
      metrics: opts.card?.metrics ?? {},
      notes: opts.card?.notes ?? [
        `A black-box classifier packed from ${file} with \`verdict model pack\`; Verdict knows only its inputs and outputs.`,
      ],
    };
    const cardText = cardMarkdown(name, modalityText(opts.modality), card, !!opts.cam);
    await writeFile(join(dir, 'card.md'), cardText);
    const ct = opts.modality === 'CT';
    const manifest = {
      format: MANIFEST_FORMAT,
      id,
      version: '1',
      name,
      modality: opts.modality,
      purpose: opts.purpose ?? 'demo',
      input: {
        kind: ct ? 'ct-crop' : 'rgb-image',
        channels: input.channels,
        height: size,
        width: size,
        ...(ct ? { ct: { cropPixels: opts.ct?.cropPixels ?? size, window: opts.ct?.window ?? CT_WINDOW } } : {}),
        normalise: normalisation(opts.normalise, input.channels),
      },
      blackBox: { input: input.name, output: output.name, outputKind: opts.outputKind ?? 'logits' },
      outputs: [{ head: 'diagnosis', kind: 'class-logits', units }],
      files: {
        model: { path: 'model.onnx', sha256: sha256Hex(bytes) },
        card: { path: 'card.md', sha256: sha256Hex(cardText) },
      },
      graphs: { model: { inputs: { [input.name]: input.shape }, outputs: { [output.name]: output.shape } } },
      card,
      export: { tool: 'verdict model pack', source: file },
    };
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    parseManifest(text, `${basename(dir)}/manifest.json`);
    await writeFile(join(dir, 'manifest.json'), text);
    if (opts.cam) written.push('cam-head.json', 'fixtures.json');
    const loaded = opts.cam ? await declareCam(dir, opts.cam) : await loadPack(dir);
    return { dir: loaded.dir, manifest: loaded.manifest };
  } catch (e) {
    // A folder this call made goes; one that was there (empty) keeps, without what was written.
    if (existing === null) await rm(dir, { recursive: true, force: true });
    else await Promise.all(written.map((f) => rm(join(dir, f), { force: true })));
    throw e;
  }
}

const modalityText = (m: 'CT' | 'dermoscopy') => (m === 'CT' ? 'CT (a crop around a nodule)' : 'dermoscopy (an RGB image)');

function cardMarkdown(
  name: string,
  modality: string,
  card: { intendedUse: string; training: string; metrics: Record<string, number | string>; notes: string[] },
  cam = false,
): string {
  const metrics = Object.entries(card.metrics);
  return [
    `# ${name}`,
    '',
    `Modality: ${modality}. A black-box pack: Verdict runs the ONNX graph and explains it with black-box methods (LiMA, RISE, occlusion)${cam ? ', and with CAM and Grad-CAM from its last feature map and its global-average-pool + linear head' : ''}.`,
    '',
    `## Intended use`,
    card.intendedUse,
    '',
    `## Training`,
    card.training,
    '',
    `## Metrics`,
    ...(metrics.length ? metrics.map(([k, v]) => `- ${k}: ${v}`) : ['None given.']),
    '',
    ...(card.notes.length ? ['## Notes', ...card.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}
