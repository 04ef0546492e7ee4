// CAM (Zhou et al., CVPR 2016) of a black-box pack that declares its last feature map and its
// global-average-pool + linear head (manifest blackBox.cam): Σ_c W_kc A_c on the feature grid,
// brought to the input's resolution bilinearly (../cam.ts). Signed: the grid's mean plus the
// bias is the explained output itself.
import { descriptor } from '../../../../app/methods';
import { camAtInput, camGrid } from '../cam';
import { camInputs } from './cam-inputs';
import type { MethodDefinition } from './types';

export const cam: MethodDefinition = {
  ...descriptor('cam'),
  resolution: 'input',
  compute: async (run) => {
    const { features, head, grid, k } = camInputs(run, 'CAM');
    const { height, width } = run.model.dims;
    return camAtInput(camGrid(features, grid, head, k), grid.rows, grid.cols, height, width);
  },
};
