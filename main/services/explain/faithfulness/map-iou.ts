// IoU of a thresholded map against a ground-truth mask: |P ∩ G| / |P ∪ G|, P the pixels the
// threshold keeps, G the mask's non-zero pixels (higher is better).
// Thresholds (signed maps: only evidence, the positive side, can be kept):
// - relative (default, fraction 0.5): values ≥ fraction·max (CAM, Zhou et al., CVPR 2016,
//   drew its boxes at 0.2 of max; pass that to compare). A map whose maximum is ≤ 0 keeps
//   nothing.
// - top: the ceil(fraction·H·W) largest values (equal values by pixel index), as in
//   top-k% energy/IoU evaluations.
// Both P and G empty gives NaN (nothing to compare).
import { VerdictError } from '../../../../app/errors';
import { defineMetric, sizeOf } from './definition';
import { checkMask } from './pointing-game';

export type IouThreshold = { kind: 'relative'; fraction: number } | { kind: 'top'; fraction: number };
export const MAP_IOU = { threshold: { kind: 'relative', fraction: 0.5 } } as const satisfies { threshold: IouThreshold };

export type MapIou = { iou: number; kept: number; intersection: number; union: number };

/** The pixels the threshold keeps, 1 inside. */
export function thresholdMap(saliency: ArrayLike<number>, threshold: IouThreshold): Uint8Array {
  const n = saliency.length;
  if (!(threshold.fraction >= 0 && threshold.fraction <= 1))
    throw new VerdictError('explain.bad-params', `threshold.fraction must be in [0, 1] (got ${threshold.fraction}).`, {
      param: 'threshold.fraction',
    });
  const out = new Uint8Array(n);
  if (threshold.kind === 'relative') {
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (saliency[i] > max) max = saliency[i];
    if (!(max > 0)) return out;
    const limit = threshold.fraction * max;
    for (let i = 0; i < n; i++) if (saliency[i] >= limit) out[i] = 1;
    return out;
  }
  if (threshold.kind !== 'top')
    throw new VerdictError('explain.bad-params', `Unknown threshold "${(threshold as { kind: string }).kind}".`, {
      param: 'threshold.kind',
    });
  const k = Math.ceil(threshold.fraction * n);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => saliency[b] - saliency[a] || a - b);
  for (let i = 0; i < k; i++) out[idx[i]] = 1;
  return out;
}

export function mapIou(
  saliency: ArrayLike<number>,
  mask: Uint8Array,
  height: number,
  width: number,
  threshold: IouThreshold = MAP_IOU.threshold,
): MapIou {
  if (saliency.length !== height * width)
    throw new VerdictError('explain.bad-params', `saliency holds ${saliency.length} values, not ${height}×${width}.`, {
      param: 'saliency',
    });
  checkMask(mask, height, width);
  for (let i = 0; i < saliency.length; i++) {
    if (!Number.isFinite(saliency[i]))
      throw new VerdictError('explain.bad-params', `saliency[${i}] is ${saliency[i]}; a map must be finite.`, { param: 'saliency' });
  }
  const kept = thresholdMap(saliency, threshold);
  let keptCount = 0;
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < kept.length; i++) {
    const p = kept[i] !== 0;
    const g = mask[i] !== 0;
    if (p) keptCount++;
    if (p && g) intersection++;
    if (p || g) union++;
  }
  return { iou: union === 0 ? NaN : intersection / union, kept: keptCount, intersection, union };
}

export const mapIouMetric = defineMetric('iou', {
  scorer: null,
  source: 'this project (threshold ≥ 50% of the map maximum)',
  params: { threshold: MAP_IOU.threshold.kind, fraction: MAP_IOU.threshold.fraction },
  needs: ['mask', 'size'],
  evaluate: async (i) => {
    const { height, width } = sizeOf(i);
    const r = mapIou(i.saliency, i.mask!, height, width);
    return { value: r.iou, forwardPasses: 0, detail: { kept: r.kept, intersection: r.intersection, union: r.union } };
  },
});
