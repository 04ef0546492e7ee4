// Each committed demo pack must still score what its card says: the pack is run through ONNX
// Runtime on its fixed held-out sample (listed in models/<model>/pack-evaluation.json, written
// by the training script) with the app's own preprocessing, and the metrics are recomputed here
// and compared with the recorded ones — so a pack cannot silently drift from its card.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../log';
import { decodeRgb } from '../imaging/isic';
import { normalise } from '../explain/input/normalise';
import { windowedCrop } from '../explain/input/ct-crop';
import { rgbImageInput } from '../explain/input/rgb-image';
import { loadPack } from './load-pack';
import { openRuntime } from './open-runtime';
import { balancedAccuracy, macroAuc, meanAbsoluteError, rocAuc } from './performance-metrics';
import { readNpyRows } from '../../../tests/support/npy';
import { repoRoot, sharedData } from '../../../tests/support/data';

type Evaluation = {
  rows?: number[];
  images?: string[];
  truth?: { malignant: number[]; regression: number[][] };
  metrics: Record<string, number>;
  tolerance: number;
};
const read = (model: string) => JSON.parse(readFileSync(join(repoRoot, 'models', model, 'pack-evaluation.json'), 'utf8')) as Evaluation;

async function run(model: string, inputs: Float32Array[]) {
  const pack = await loadPack(join(repoRoot, 'models', model, 'pack'));
  const runtime = await openRuntime(pack.dir, pack.manifest, ['cpu'], silentLog);
  try {
    const size = inputs[0].length;
    const batch = new Float32Array(inputs.length * size);
    inputs.forEach((x, i) => batch.set(x, i * size));
    const { outputs } = await runtime.backbone(batch, inputs.length);
    return { manifest: pack.manifest, outputs, k: runtime.dims.outputs };
  } finally {
    await runtime.release();
  }
}

const softmax2 = (a: number, b: number) => 1 / (1 + Math.exp(a - b));

describe('committed demo packs score what their cards say', () => {
  it('lidc-vit on its 200 held-out crops: malignancy AUC and accuracy, biomarker MAE', async () => {
    const ev = read('lidc-vit');
    const crops = readNpyRows(join(sharedData, 'lidc/nodule-crops/crops_hu_int16.npy'), ev.rows!);
    const { manifest } = await loadPack(join(repoRoot, 'models/lidc-vit/pack'));
    const size = manifest.input.height;
    const offset = (crops.shape[1] - size) >> 1; // the centre crop the training evaluated
    const inputs = ev.rows!.map((_, i) => {
      const hu = Int16Array.from(crops.data.subarray(i * 71 * 71, (i + 1) * 71 * 71) as Int16Array, (v) => (v < -1024 ? -1000 : v));
      return normalise(
        windowedCrop({ rows: 71, columns: 71, hu }, { x: offset, y: offset }, size, manifest.input.ct!.window),
        1,
        manifest.input.normalise,
      );
    });
    const { outputs, k } = await run('lidc-vit', inputs);
    const truth = ev.truth!;
    const labelled = truth.malignant
      .map((m, i) => [m, i])
      .filter(([m]) => m >= 0)
      .map(([, i]) => i);
    const pMalignant = labelled.map((i) => softmax2(outputs[i * k], outputs[i * k + 1]));
    const ours: Record<string, number> = {
      'malignancy AUC': rocAuc(
        pMalignant,
        labelled.map((i) => truth.malignant[i] === 1),
      ),
      'malignancy accuracy': labelled.filter((i, j) => pMalignant[j] >= 0.5 === (truth.malignant[i] === 1)).length / labelled.length,
    };
    const names = manifest.outputs[1].units.map((u) => u.name);
    names.forEach((name, j) => {
      ours[`${name} MAE`] = meanAbsoluteError(
        ev.rows!.map((_, i) => outputs[i * k + 2 + j]),
        truth.regression.map((r) => r[j]),
      );
    });
    for (const [name, recorded] of Object.entries(ev.metrics)) {
      expect(ours[name], name).toBeGreaterThan(recorded - ev.tolerance);
      expect(ours[name], name).toBeLessThan(recorded + ev.tolerance);
    }
    // The sample's malignancy labels are the readers' own ratings in ratings.csv (≥4 / ≤2 / 3 unused).
    const dir = join(sharedData, 'lidc/nodule-crops');
    const noduleOf = new Map(
      (parse(readFileSync(join(dir, 'crops_index.csv')), { columns: true }) as { row: string; noduleID: string }[]).map((r) => [
        Number(r.row),
        r.noduleID,
      ]),
    );
    const rating = new Map(
      (parse(readFileSync(join(dir, 'ratings.csv')), { columns: true }) as { noduleID: string; malignancy: string }[]).map((r) => [
        r.noduleID,
        Number(r.malignancy),
      ]),
    );
    const expected = ev.rows!.map((row) => {
      const m = rating.get(noduleOf.get(row)!)!;
      return m >= 4 ? 1 : m <= 2 ? 0 : -1;
    });
    expect(truth.malignant).toEqual(expected);
  });

  it('isic-vit on its 300 held-out images: balanced accuracy and macro AUC', async () => {
    const ev = read('isic-vit');
    const [header, ...rows] = readFileSync(join(sharedData, 'isic/labels.csv'), 'utf8').trim().split('\n');
    const dxAt = header.split(',').indexOf('dx');
    const dx = new Map(rows.map((r) => [r.split(',')[0], r.split(',')[dxAt].toUpperCase()]));
    const { manifest } = await loadPack(join(repoRoot, 'models/isic-vit/pack'));
    const classes = manifest.outputs[0].units.map((u) => u.name);
    const inputs: Float32Array[] = [];
    for (const id of ev.images!) {
      const img = await decodeRgb(join(sharedData, 'isic/ham10000-224', `${id}.jpg`));
      inputs.push(rgbImageInput(img, { height: manifest.input.height, width: manifest.input.width, normalise: manifest.input.normalise }));
    }
    const { outputs, k } = await run('isic-vit', inputs);
    const truth = ev.images!.map((id) => classes.indexOf(dx.get(id)!));
    expect(truth.every((t) => t >= 0)).toBe(true);
    const probs = new Float64Array(outputs.length);
    const pred: number[] = [];
    for (let i = 0; i < truth.length; i++) {
      const row = Array.from(outputs.subarray(i * k, (i + 1) * k));
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => (probs[i * k + c] = v / s));
      pred.push(row.indexOf(max));
    }
    const ours = { 'balanced accuracy': balancedAccuracy(pred, truth, k), 'macro AUC': macroAuc(probs, truth, k) };
    for (const [name, value] of Object.entries(ours)) {
      expect(value, name).toBeGreaterThan(ev.metrics[name] - ev.tolerance);
      expect(value, name).toBeLessThan(ev.metrics[name] + ev.tolerance);
    }
  });
});
