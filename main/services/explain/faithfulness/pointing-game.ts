// Pointing game: a hit when the map's maximum lies within a tolerance radius of the ground-truth
// mask (LIDC contour, ISIC attribute mask), i.e. some mask pixel is at most `tolerance` pixels
// (Euclidean, between pixel centres) from the maximum.
//
// Zhang et al., "Top-Down Neural Attention by Excitation Backprop", IJCV 126:1084–1102 (2018):
// 15-pixel tolerance on the evaluated images (TorchRay's PointingGame, which reproduces it,
// dilates the mask by a disc x² + y² ≤ 15²). Here the map is at model-input resolution, so the
// default tolerance is 15 px per 224 px of the shorter input side (15 px at 224×224, 7.5 at
// 112); pass `tolerance` in pixels of the map to use another.
// The maximum is of the signed map (strongest evidence, not strongest counter-evidence). Equal
// maxima — a patch map brought to the input by nearest neighbour holds its maximum over a whole
// patch — point at the maximum pixel nearest their centroid (the patch's centre, not its corner),
// the first in row-major order on ties. An empty mask gives NaN (no ground truth).
import { VerdictError } from '../../../../app/errors';
import { defineMetric, sizeOf } from './definition';

export const POINTING_GAME = { tolerance: 15, atSide: 224 } as const;

export type PointingGame = { hit: number; point: { x: number; y: number }; tolerance: number };

export function checkMask(mask: Uint8Array, height: number, width: number): void {
  if (!(mask instanceof Uint8Array) || mask.length !== height * width) {
    throw new VerdictError('explain.bad-params', `mask must be a Uint8Array of ${height}×${width} values (non-zero inside).`, {
      param: 'mask',
    });
  }
}

export function defaultTolerance(height: number, width: number): number {
  return (POINTING_GAME.tolerance * Math.min(height, width)) / POINTING_GAME.atSide;
}

/** hit is 1, 0, or NaN for an empty mask. */
export function pointingGame(
  saliency: ArrayLike<number>,
  mask: Uint8Array,
  height: number,
  width: number,
  tolerance = defaultTolerance(height, width),
): PointingGame {
  if (saliency.length !== height * width)
    throw new VerdictError('explain.bad-params', `saliency holds ${saliency.length} values, not ${height}×${width}.`, {
      param: 'saliency',
    });
  checkMask(mask, height, width);
  if (!(tolerance >= 0))
    throw new VerdictError('explain.bad-params', `tolerance is a distance in pixels ≥ 0 (got ${tolerance}).`, { param: 'tolerance' });
  const point = maximumPoint(saliency, width);
  let any = false;
  let hit = false;
  for (let y = 0; y < height && !hit; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      any = true;
      if ((x - point.x) ** 2 + (y - point.y) ** 2 <= tolerance * tolerance) {
        hit = true;
        break;
      }
    }
  }
  return { hit: !any ? NaN : hit ? 1 : 0, point, tolerance };
}

/** The maximum pixel nearest the centroid of all pixels holding the maximum (first on ties). */
function maximumPoint(saliency: ArrayLike<number>, width: number): { x: number; y: number } {
  let max = -Infinity;
  for (let i = 0; i < saliency.length; i++) {
    if (!Number.isFinite(saliency[i]))
      throw new VerdictError('explain.bad-params', `saliency[${i}] is ${saliency[i]}; a map must be finite.`, { param: 'saliency' });
    if (saliency[i] > max) max = saliency[i];
  }
  const at: number[] = [];
  for (let i = 0; i < saliency.length; i++) if (saliency[i] === max) at.push(i);
  const cx = at.reduce((s, i) => s + (i % width), 0) / at.length;
  const cy = at.reduce((s, i) => s + Math.floor(i / width), 0) / at.length;
  let best = at[0];
  let bestD = Infinity;
  for (const i of at) {
    const d = ((i % width) - cx) ** 2 + (Math.floor(i / width) - cy) ** 2;
    if (d < bestD) {
      best = i;
      bestD = d;
    }
  }
  return { x: best % width, y: Math.floor(best / width) };
}

export const pointingGameMetric = defineMetric('pointing-game', {
  scorer: null,
  source: 'the paper (15-pixel tolerance), scaled to 15 px per 224 px of input side',
  params: { tolerance: POINTING_GAME.tolerance, atSide: POINTING_GAME.atSide },
  needs: ['mask', 'size'],
  evaluate: async (i) => {
    const { height, width } = sizeOf(i);
    const r = pointingGame(i.saliency, i.mask!, height, width);
    return { value: r.hit, forwardPasses: 0, detail: { x: r.point.x, y: r.point.y, tolerance: r.tolerance } };
  },
});
