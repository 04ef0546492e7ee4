// The one perturbation-curve engine behind MIF/LIF, insertion/deletion and pixel flipping.
//
// Units (pixels, patches or regions) are ranked by the saliency map (units.ts). Deletion
// starts from the image and at each step replaces the next units of the order with the
// substrate; insertion starts from the substrate and puts the image's units back. With N units
// and `steps` steps, point k (0…steps) has the first c_k = floor(k·N/steps) units changed, so
// the curve has steps + 1 points from nothing changed to everything changed. Its x value is
// c_k/N (axis 'units'), the share of pixels in those units (axis 'area') or k/steps (axis
// 'steps'); its y value is the scorer's number for that image, as given (no normalisation by
// the first point). The AUC is
// the trapezoid rule over these x values, which run from 0 to 1, so it is the mean height of
// the curve. Every image is scored through the caller's scorer, `batchSize` at a time, and
// counted in forwardPasses (steps + 1).
import { VerdictError } from '../../../../app/errors';
import { DEFAULT_BATCH_SIZE, checkBatchSize, scoreInBatches } from './score-in-batches';
import { trapezoid } from './stats';
import { checkImage, substrateImage } from './substrate';
import type { BatchScorer, Curve, CurveSpec, ModelImage } from './types';
import { unitImportance, unitLayout, unitOrder } from './units';

export function checkSaliency(saliency: Float32Array, height: number, width: number, param = 'saliency'): void {
  if (!(saliency instanceof Float32Array) || saliency.length !== height * width) {
    throw new VerdictError(
      'explain.bad-params',
      `${param} must be a Float32Array of ${height}×${width} values, one per input pixel (got ${saliency?.length ?? 'none'}).`,
      { param },
    );
  }
}

export async function perturbationCurve(
  image: ModelImage,
  saliency: Float32Array,
  spec: CurveSpec,
  score: BatchScorer,
  signal?: AbortSignal,
): Promise<Curve> {
  checkImage(image);
  const { data, channels, height, width } = image;
  checkSaliency(saliency, height, width);
  if (spec.mode !== 'deletion' && spec.mode !== 'insertion')
    throw new VerdictError('explain.bad-params', `spec.mode must be 'deletion' or 'insertion' (got ${String(spec.mode)}).`, {
      param: 'spec.mode',
    });
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  checkBatchSize(batchSize);

  const layout = unitLayout(spec.unit, height, width);
  const n = layout.count;
  const steps = spec.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > n) {
    throw new VerdictError('explain.bad-params', `spec.steps must be a whole number from 1 to the number of units (${n}); got ${steps}.`, {
      param: 'spec.steps',
    });
  }
  const order = unitOrder(unitImportance(layout, saliency, spec.unit), spec.order, spec.seed ?? 0);
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.floor((k * n) / steps));

  const plane = height * width;
  const pixelsChanged = [0];
  for (let k = 1; k <= steps; k++) {
    let px = pixelsChanged[k - 1];
    for (let i = counts[k - 1]; i < counts[k]; i++) px += layout.start[order[i] + 1] - layout.start[order[i]];
    pixelsChanged.push(px);
  }
  const axis = spec.axis ?? 'units';
  if (axis !== 'units' && axis !== 'area' && axis !== 'steps')
    throw new VerdictError('explain.bad-params', `spec.axis must be 'units', 'area' or 'steps' (got ${String(axis)}).`, {
      param: 'spec.axis',
    });
  const fractions =
    axis === 'units' ? counts.map((c) => c / n) : axis === 'area' ? pixelsChanged.map((p) => p / plane) : counts.map((_, k) => k / steps);

  const substrate = substrateImage(image, spec.substrate);
  const working = Float32Array.from(spec.mode === 'deletion' ? data : substrate);
  const finish = spec.mode === 'deletion' ? substrate : data;
  const scores = await scoreInBatches(
    steps + 1,
    data.length,
    (k, into) => {
      for (let i = k === 0 ? 0 : counts[k - 1]; i < counts[k]; i++) {
        const u = order[i];
        for (let p = layout.start[u]; p < layout.start[u + 1]; p++) {
          const px = layout.pixels[p];
          for (let c = 0; c < channels; c++) working[c * plane + px] = finish[c * plane + px];
        }
      }
      into.set(working);
    },
    score,
    batchSize,
    signal,
  );
  const ys = Array.from(scores);
  return { fractions, scores: ys, auc: trapezoid(fractions, ys), forwardPasses: steps + 1 };
}
