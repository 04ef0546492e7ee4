// A patch-grid map (CDAM's one value per ViT patch token, rows×cols) brought to the model
// input's resolution, where the metrics rank pixels.
// - 'nearest' (the default, and what every metric uses): each pixel takes the value of the patch
//   it lies in, row = floor(y·rows/H), col = floor(x·cols/W) — torch.nn.functional.interpolate
//   (mode='nearest'), as obzai/CDAM maps.py (get_concept_map, scale_factor = patch size) and
//   obzai/obzai bring their maps to the image before compactness, MIF/LIF and box sensitivity.
//   A patch is what the model scored as one token, so its pixels stay equal.
// - 'bilinear' (for display only): pixel centres at half-integers, edges clamped —
//   input/resample.ts resizeBilinear, torch's mode='bilinear', align_corners=False. It invents
//   values between patches: on a sparse 8×8 map it changes compactness and the pixel order.
import { VerdictError } from '../../../../app/errors';
import { resizeBilinear } from '../input/resample';

export type Upsampling = 'nearest' | 'bilinear';

export function upsampleGrid(
  grid: Float32Array,
  rows: number,
  cols: number,
  height: number,
  width: number,
  mode: Upsampling = 'nearest',
): Float32Array {
  for (const [name, v] of [
    ['rows', rows],
    ['cols', cols],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new VerdictError('explain.bad-params', `upsampleGrid: ${name} must be a whole number ≥ 1 (got ${v}).`, { param: name });
  }
  if (grid.length !== rows * cols)
    throw new VerdictError('explain.bad-params', `upsampleGrid: ${grid.length} values for a ${rows}×${cols} grid.`, { param: 'grid' });
  if (mode === 'bilinear') return resizeBilinear(grid, 1, rows, cols, height, width);
  if (mode !== 'nearest')
    throw new VerdictError('explain.bad-params', `upsampleGrid: mode is 'nearest' or 'bilinear' (got ${String(mode)}).`, { param: 'mode' });
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const row = Math.floor((y * rows) / height) * cols;
    for (let x = 0; x < width; x++) out[y * width + x] = grid[row + Math.floor((x * cols) / width)];
  }
  return out;
}
