// A patch-grid map (CDAM's one value per ViT patch token, rows×cols) brought to the model
// input's resolution, where the perturbation metrics rank pixels. Bilinear with pixel centres at
// half-integers, edges clamped: input/resample.ts resizeBilinear, which equals
// torch.nn.functional.interpolate(mode='bilinear', align_corners=False) when enlarging.
import { VerdictError } from '../../../../app/errors';
import { resizeBilinear } from '../input/resample';

export function upsampleGrid(grid: Float32Array, rows: number, cols: number, height: number, width: number): Float32Array {
  for (const [name, v] of [['rows', rows], ['cols', cols], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new VerdictError('explain.bad-params', `upsampleGrid: ${name} must be a whole number ≥ 1 (got ${v}).`, { param: name });
  }
  if (grid.length !== rows * cols) throw new VerdictError('explain.bad-params', `upsampleGrid: ${grid.length} values for a ${rows}×${cols} grid.`, { param: 'grid' });
  return resizeBilinear(grid, 1, rows, cols, height, width);
}
