// Class activation maps for a CNN whose head is global average pooling + one linear layer,
// read from the graph's last convolutional feature map A [C, h, w] and the head W [K, C], b [K]
// that a black-box pack declares (manifest `blackBox.cam`, `files.camHead`):
//   logits_k = Σ_c W_kc · mean_ij A_c(i, j) + b_k.
// - CAM (Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016):
//   M_k(i, j) = Σ_c W_kc A_c(i, j), signed, brought to the input size bilinearly (the paper
//   upsamples the map to the image). Its mean over the grid plus b_k is the logit.
// - Grad-CAM (Selvaraju et al., ICCV 2017) as jacobgil/pytorch-grad-cam computes it
//   (pytorch_grad_cam/grad_cam.py get_cam_weights; base_cam.py compute_cam_per_layer and
//   aggregate_multi_layers; utils/image.py scale_cam_image): α_c = mean_ij ∂y_k/∂A_c(i, j),
//   cam = ReLU(Σ_c α_c A_c), min-max scaled (minus the min, over 1e-7 + the max), resized to the
//   input (cv2.resize, INTER_LINEAR), then ReLU and min-max again. For this head
//   ∂y_k/∂A_c(i, j) = W_kc / (h·w), so α = W_k / (h·w) and Grad-CAM is ReLU(CAM) scaled to 0…1:
//   the two coincide up to scale (and Grad-CAM's ReLU). The gradient is taken in closed form
//   here; models/isic-cnn/export.py checks it against torch.autograd and writes the reference
//   maps the tests compare with.
import { VerdictError } from '../../../app/errors';
import { resizeBilinear } from './input/resample';

/** The declared linear head after global average pooling: weight [K, C] row-major, bias [K]. */
export type CamHead = { outputs: number; channels: number; weight: Float32Array; bias: Float32Array };

/** The feature map's geometry: C channels of h×w. */
export type FeatureGrid = { channels: number; rows: number; cols: number };

/** M_k = Σ_c W_kc A_c over the h×w grid (features [C, h, w] of one image), in float64 sums. */
export function camGrid(features: Float32Array, grid: FeatureGrid, head: CamHead, k: number): Float32Array {
  const { channels, rows, cols } = grid;
  const n = rows * cols;
  if (features.length !== channels * n)
    throw new VerdictError('internal', `CAM: ${features.length} feature values for ${channels}×${rows}×${cols}.`);
  if (head.channels !== channels)
    throw new VerdictError('internal', `CAM: the head has ${head.channels} channels, the features ${channels}.`);
  const sum = new Float64Array(n);
  const w = head.weight.subarray(k * channels, (k + 1) * channels);
  for (let c = 0; c < channels; c++) {
    const wc = w[c];
    if (wc === 0) continue;
    const plane = features.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) sum[i] += wc * plane[i];
  }
  return Float32Array.from(sum);
}

/** pytorch-grad-cam's scale_cam_image for one map: minus its min, over (1e-7 + its max). */
function minMax(v: Float32Array): Float32Array {
  let lo = Infinity;
  for (const x of v) lo = Math.min(lo, x);
  let hi = -Infinity;
  for (const x of v) hi = Math.max(hi, x - lo);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] - lo) / (1e-7 + hi);
  return out;
}

const relu = (v: Float32Array): Float32Array => v.map((x) => (x > 0 ? x : 0));

/** CAM at the input's resolution: the grid map enlarged bilinearly (pixel centres at half-integers, edges clamped). */
export function camAtInput(grid: Float32Array, rows: number, cols: number, height: number, width: number): Float32Array {
  return resizeBilinear(grid, 1, rows, cols, height, width);
}

/**
 * Grad-CAM as pytorch-grad-cam returns it for one target layer, at the input's resolution,
 * from the grid CAM (α = W_k / (h·w): the 1/(h·w) does not survive the min-max scaling).
 */
export function gradCamAtInput(grid: Float32Array, rows: number, cols: number, height: number, width: number): Float32Array {
  const n = rows * cols;
  const weighted = grid.map((x) => x / n);
  const scaled = camAtInput(minMax(relu(weighted)), rows, cols, height, width);
  return minMax(relu(scaled));
}

/**
 * logits = mean_ij(features) · Wᵀ + b for a batch (features [B, C, h, w]): what the declared head
 * says the graph's logits are.
 */
export function headLogits(features: Float32Array, batch: number, grid: FeatureGrid, head: CamHead): Float64Array {
  const { channels, rows, cols } = grid;
  const n = rows * cols;
  const out = new Float64Array(batch * head.outputs);
  for (let b = 0; b < batch; b++) {
    const pooled = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      let s = 0;
      const base = (b * channels + c) * n;
      for (let i = 0; i < n; i++) s += features[base + i];
      pooled[c] = s / n;
    }
    for (let k = 0; k < head.outputs; k++) {
      let s = head.bias[k];
      for (let c = 0; c < channels; c++) s += head.weight[k * channels + c] * pooled[c];
      out[b * head.outputs + k] = s;
    }
  }
  return out;
}
