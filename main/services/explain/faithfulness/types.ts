// The vocabulary of the faithfulness metrics: a model input, a scorer that reaches the model,
// and the specification of one perturbation curve. Everything here is pure data; the model is
// reached only through the BatchScorer the caller supplies (no DB, no ORT in this folder).

import type { ModelImage } from '../model-image';

export type { ModelImage };

/** Scores a batch of images (each C×H×W, concatenated) for the explained target: one number per image (a logit or a probability, as the caller set it up). */
export type BatchScorer = (images: Float32Array, batch: number) => Promise<Float64Array>;

/**
 * What is ranked and changed as one piece.
 * - pixel: every pixel (all its channels together).
 * - patch: square size×size tiles from the top-left corner, row-major; the last row and column
 *   of tiles are cut short when the size does not divide the image.
 * - region: an H×W map of region ids 0…R−1 (every id present). `aggregate` (an addition to the
 *   shared contract, default 'sum') ranks a region by the sum or by the mean of the saliency
 *   over its pixels; 'mean' is XRAI's gain density and ranks a map that is constant per region
 *   (LiMA's) in its own order whatever the region sizes.
 */
export type Unit =
  | { kind: 'pixel' }
  | { kind: 'patch'; size: number }
  | { kind: 'region'; labels: Int32Array /* H×W region id per pixel, 0..R-1 */; aggregate?: 'sum' | 'mean' };

/**
 * What a changed unit shows instead of the image, all in normalised (model-input) space.
 * - blur: separable Gaussian of σ pixels on each channel; kernel radius ceil(3σ) unless
 *   `radius` (an addition, for RISE's 11×11 kernel) says otherwise; edges by reflection.
 * - zero: 0 in normalised space (the normalisation mean colour).
 * - black: raw pixel 0, i.e. (0 − mean_c)/std_c (one value applies to every channel when the
 *   arrays have length 1, as in input/normalise.ts).
 * - mean: each channel's mean over the image.
 * - min: the image's smallest value over all channels and pixels (an addition: Quantus's
 *   perturb_baseline "black" is `x.min()`, not raw 0).
 */
export type Substrate =
  | { kind: 'blur'; sigma: number; radius?: number }
  | { kind: 'zero' }
  | { kind: 'black'; mean: number[]; std: number[] }
  | { kind: 'mean' }
  | { kind: 'min' };

export type Order = 'most-first' | 'least-first' | 'random';

/**
 * One curve: `steps + 1` points, at step k the first floor(k·N/steps) units of the order are
 * changed (N units). `seed` (default 0) drives the 'random' order; `batchSize` (default 32) is
 * how many perturbed images go to the scorer at once. `axis` (an addition, default 'units')
 * puts the share of units changed on x; 'area' puts the share of pixels changed there (LiMA's
 * x-axis; the same for pixel units); 'steps' puts k/steps there, evenly spaced whatever the
 * unit counts (xplique's CausalFidelity, whose AUC is the mean of the trapezoids).
 */
export type CurveSpec = {
  mode: 'deletion' | 'insertion';
  order: Order;
  unit: Unit;
  substrate: Substrate;
  steps: number;
  seed?: number;
  batchSize?: number;
  axis?: 'units' | 'area' | 'steps';
};

/** fractions[k] and scores[k] for k = 0…steps; auc by the trapezoid rule over fractions in [0, 1]; forwardPasses = images scored. */
export type Curve = { fractions: number[]; scores: number[]; auc: number; forwardPasses: number };
