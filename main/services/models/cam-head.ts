// A black-box pack's CAM declaration (manifest `blackBox.cam`, models/README.md): the graph puts
// out its last convolutional feature map (`blackBox.cam.features`, [B, C, h, w]) and its head is
// global average pooling + one linear layer whose weights are `files.camHead`, a JSON file
// {"weight": W [K][C], "bias": b [K]}. The declaration is checked twice: the file's shape against
// the manifest (K outputs, C channels), and at load the graph itself — on probe inputs,
// mean_ij(features) · Wᵀ + b must equal the graph's logits — so a head that is not what the graph
// computes is refused, naming the field, before any map is drawn from it.
import { basename } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { VerdictError } from '../../../app/errors';
import { headLogits, type CamHead, type FeatureGrid } from '../explain/cam';
import { seededNormals } from '../explain/seeded-normal';
import { fieldPath, outputCount, type Manifest } from './manifest';
import { readVerified, resolvePackPath } from './pack-files';

export type { CamHead, FeatureGrid } from '../explain/cam';

const headFile = z.object({
  weight: z.array(z.array(z.number()).min(1)).min(1),
  bias: z.array(z.number()).min(1),
});

const invalid = (file: string, field: string, message: string) =>
  new VerdictError('model.invalid-manifest', `${file}: ${field}: ${message}`, { file, field });

/** C, h, w of the feature map, from the manifest's graphs.model (checked there to be fixed). */
export function featureGrid(m: Manifest): FeatureGrid | null {
  const cam = m.blackBox?.cam;
  const shape = cam && m.graphs.model?.outputs[cam.features];
  if (!shape) return null;
  return { channels: shape[1], rows: shape[2], cols: shape[3] };
}

/** Parses files.camHead's bytes: W [K][C] with K the manifest's outputs and C the feature map's channels, b [K]; all finite. */
export function parseCamHead(bytes: Uint8Array, m: Manifest, label: string): CamHead {
  const path = m.files.camHead?.path ?? 'camHead';
  const file = `${label.replace(/manifest\.json$/, '')}${path}`;
  const grid = featureGrid(m);
  if (!grid) throw new VerdictError('internal', 'parseCamHead: the pack declares no CAM');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw invalid(file, '(file)', `not valid JSON (${(e as Error).message})`);
  }
  const parsed = headFile.safeParse(json);
  if (!parsed.success) throw invalid(file, fieldPath(parsed.error.issues[0].path), parsed.error.issues[0].message);
  const { weight, bias } = parsed.data;
  const k = outputCount(m);
  if (weight.length !== k) throw invalid(file, 'weight', `expected ${k} rows (one per output unit), got ${weight.length}`);
  if (bias.length !== k) throw invalid(file, 'bias', `expected ${k} values (one per output unit), got ${bias.length}`);
  const c = grid.channels;
  const w = new Float32Array(k * c);
  weight.forEach((row, i) => {
    if (row.length !== c)
      throw invalid(file, `weight[${i}]`, `expected ${c} values (the channels of "${m.blackBox!.cam!.features}"), got ${row.length}`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw invalid(file, `weight[${i}][${j}]`, 'expected a finite number');
      w[i * c + j] = v;
    });
  });
  bias.forEach((v, i) => {
    if (!Number.isFinite(v)) throw invalid(file, `bias[${i}]`, 'expected a finite number');
  });
  return { outputs: k, channels: c, weight: w, bias: Float32Array.from(bias) };
}

/** Reads files.camHead of the pack in `dir` (its SHA-256 checked) and parses it; null for a pack without CAM. */
export async function readCamHead(dir: string, m: Manifest): Promise<{ head: CamHead; grid: FeatureGrid } | null> {
  const grid = featureGrid(m);
  const ref = m.files.camHead;
  if (!grid || !ref) return null;
  const label = `${basename(dir)}/manifest.json`;
  const bytes = await readVerified(await resolvePackPath(dir, 'camHead', ref.path, label), { role: 'camHead', ...ref }, label);
  return { head: parseCamHead(bytes, m, label), grid };
}

/** Probe inputs: a zero image and two seeded standard-normal ones (the normalised input's scale). */
function probes(m: Manifest): { data: Float32Array; batch: number } {
  const n = m.input.channels * m.input.height * m.input.width;
  const data = new Float32Array(3 * n);
  data.set(seededNormals(20261207, 2 * n), n);
  return { data, batch: 3 };
}

/** Relative tolerance of the check: a float32 graph against the head's float64 sum. */
export const CAM_HEAD_TOLERANCE = 1e-4;

/**
 * Runs the probes through the graph (an opened session) and refuses the pack unless the declared
 * head reproduces its logits: |mean(features)·Wᵀ + b − logits| ≤ 1e-4 · max(1, max |logits|).
 */
export async function checkCamHead(session: InferenceSession, m: Manifest, head: CamHead, label: string): Promise<void> {
  const bb = m.blackBox!;
  const grid = featureGrid(m)!;
  const { data, batch } = probes(m);
  const feeds = { [bb.input]: new ort.Tensor('float32', data, [batch, m.input.channels, m.input.height, m.input.width]) };
  const r = await session.run(feeds);
  const logits = r[bb.output]?.data as Float32Array;
  const features = r[bb.cam!.features]?.data as Float32Array;
  if (!logits || !features || features.length !== batch * grid.channels * grid.rows * grid.cols)
    throw invalid(
      label,
      'blackBox.cam.features',
      `the graph's "${bb.cam!.features}" is not a [B, ${grid.channels}, ${grid.rows}, ${grid.cols}] map`,
    );
  const fromHead = headLogits(features, batch, grid, head);
  let scale = 1;
  for (const v of logits) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = 0;
  for (let i = 0; i < logits.length; i++) {
    const d = Math.abs(fromHead[i] - logits[i]);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  if (!(worst <= CAM_HEAD_TOLERANCE * scale)) {
    const b = Math.floor(at / head.outputs);
    const k = at % head.outputs;
    throw invalid(
      label,
      'blackBox.cam',
      `the declared head (files.camHead "${m.files.camHead!.path}") does not reproduce the graph's "${bb.output}": on probe input ${b}, ` +
        `output ${k} is ${logits[at].toPrecision(6)} from the graph but ${fromHead[at].toPrecision(6)} from the mean of ` +
        `"${bb.cam!.features}" times the head's weights plus its bias; CAM needs a global-average-pool + linear head`,
    );
  }
}
