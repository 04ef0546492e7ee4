// Occlusion: slide a square window over the model input, set it to a baseline value in every
// channel, and give each pixel the mean, over the windows that cover it, of the drop in the
// score, f(x) − f(x with the window occluded). Zeiler & Fergus, "Visualizing and Understanding
// Convolutional Networks", ECCV 2014 (§4.2, the grey square); as Captum's Occlusion defines the
// attribution (captum/attr/_core/occlusion.py on FeatureAblation with use_weights: the summed
// differences over the count of windows per pixel; windows start at 0, stride, … while they fit,
// sliding_window_shapes (C, window, window), strides (C, stride, stride), a scalar baseline).
// f: the target's softmax probability within its head; a regression output's value (Captum's
// definition holds for any scalar output). Pixels no window covers (when stride does not fit
// H − window) get 0, where Captum's 0/0 gives NaN. The baseline is in the normalised model
// input: 0 is the normalisation mean colour.
import { VerdictError } from '../../../../app/errors';
import { descriptor } from '../../../../app/methods';
import { checkCancelled } from '../job-queue';
import { targetScorer } from '../metrics/model-scorers';
import type { MethodDefinition } from './types';

/** Where windows of `window` pixels start along an axis of `size`, `stride` apart. */
export function windowStarts(size: number, window: number, stride: number): number[] {
  const out: number[] = [];
  for (let s = 0; s + window <= size; s += stride) out.push(s);
  return out;
}

export const occlusion: MethodDefinition = {
  ...descriptor('occlusion'),
  resolution: 'input',
  compute: async ({ model, manifest, image, target, params, signal, progress }) => {
    if (target.kind !== 'output') throw new Error('Occlusion explains an output');
    const { channels: C, height: H, width: W } = model.dims;
    const window = params.window!;
    const stride = params.stride!;
    const baseline = params.baseline!;
    if (window > H || window > W)
      throw new VerdictError('explain.bad-params', `Occlusion: a window of ${window} px does not fit the ${H}×${W} model input.`, {
        method: 'occlusion',
        param: 'window',
      });
    const rows = windowStarts(H, window, stride);
    const cols = windowStarts(W, window, stride);
    const windows = rows.flatMap((y) => cols.map((x) => [y, x] as const));
    const scorer = targetScorer(model, manifest, target.index, 'probability');
    const plane = H * W;
    const size = C * plane;
    const f0 = (await scorer.score(image, 1))[0];
    const sum = new Float64Array(plane);
    const count = new Float64Array(plane);
    const images = new Float32Array(scorer.batch * size);
    const total = windows.length;
    for (let done = 0; done < total;) {
      checkCancelled(signal, 'Occlusion');
      const b = Math.min(scorer.batch, total - done);
      for (let i = 0; i < b; i++) {
        const [y0, x0] = windows[done + i];
        images.set(image, i * size);
        for (let ch = 0; ch < C; ch++)
          for (let y = y0; y < y0 + window; y++)
            images.fill(baseline, i * size + ch * plane + y * W + x0, i * size + ch * plane + y * W + x0 + window);
      }
      const scores = await scorer.score(images.subarray(0, b * size), b);
      for (let i = 0; i < b; i++) {
        const [y0, x0] = windows[done + i];
        const drop = f0 - scores[i];
        for (let y = y0; y < y0 + window; y++)
          for (let x = x0; x < x0 + window; x++) {
            sum[y * W + x] += drop;
            count[y * W + x] += 1;
          }
      }
      done += b;
      progress(done, total);
    }
    return Float32Array.from(sum, (v, p) => (count[p] ? v / count[p] : 0));
  },
};
