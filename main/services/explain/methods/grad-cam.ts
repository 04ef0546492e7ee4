// Grad-CAM (Selvaraju et al., ICCV 2017) as jacobgil/pytorch-grad-cam computes it, for a
// black-box pack that declares its last feature map and its global-average-pool + linear head
// (manifest blackBox.cam): there the gradient of output k with respect to the map is W_k / (h·w)
// everywhere, so the map is ReLU(CAM), min-max scaled, resized to the input and scaled again
// (../cam.ts; checked against torch.autograd in the pack's fixtures).
import { descriptor } from '../../../../app/methods';
import { camGrid, gradCamAtInput } from '../cam';
import { camInputs } from './cam-inputs';
import type { MethodDefinition } from './types';

export const gradCam: MethodDefinition = {
  ...descriptor('grad-cam'),
  resolution: 'input',
  compute: async (run) => {
    const { features, head, grid, k } = camInputs(run, 'Grad-CAM');
    const { height, width } = run.model.dims;
    return gradCamAtInput(camGrid(features, grid, head, k), grid.rows, grid.cols, height, width);
  },
};
