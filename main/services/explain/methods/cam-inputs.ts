// What CAM and Grad-CAM read of one image's pass: the feature map [C, h, w], the declared head
// and the output explained. A pack without blackBox.cam never offers them (packProvides), so a
// missing part here is refused as unsupported rather than drawn from nothing.
import { VerdictError } from '../../../../app/errors';
import type { CamHead, FeatureGrid } from '../cam';
import type { MethodRun } from './types';

export function camInputs(run: MethodRun, label: string): { features: Float32Array; head: CamHead; grid: FeatureGrid; k: number } {
  const { model, pass, target } = run;
  if (target.kind !== 'output') throw new VerdictError('explain.bad-target', `${label} explains an output.`, { target: target.name });
  const cam = model.cam;
  if (!cam || !pass.features)
    throw new VerdictError(
      'explain.unsupported-method',
      `${label} needs the last convolutional feature map and the linear head a black-box pack declares (blackBox.cam).`,
      { part: 'features' },
    );
  const { grid, head } = cam;
  const n = grid.channels * grid.rows * grid.cols;
  return { features: pass.features.subarray(0, n), head, grid, k: target.index };
}
