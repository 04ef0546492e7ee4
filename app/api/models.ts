// The coordinator's Models view (staff only: these name models, packs and folders; a reader's
// connection is refused before any handler runs). `models.list` and `models.add` live with explain.
import { z } from 'zod';
import { endpoint } from './endpoint';
import { noArgs, rowId } from './ids';
import type { ModelSummary } from '../explain';
import type { ModelEntry } from '../models';

export const modelEndpoints = {
  /** Every registered model, retired ones too, with its card text, folders, providers and studies. */
  'models.catalogue': endpoint<ModelEntry[]>('staff')(noArgs),
  /** Retires a model: not offered for new maps or protocols; studies and cached maps that name it keep it. */
  'models.retire': endpoint<ModelSummary>('staff')(z.object({ modelId: rowId }).strict()),
  /** Restores a retired model: offered for new maps and protocols again (its pack checked, its id free). */
  'models.restore': endpoint<ModelSummary>('staff')(z.object({ modelId: rowId }).strict()),
  /**
   * The pack form: an ONNX image classifier (a file main can read) written as a black-box pack,
   * then added like a pack folder (copied into the study's data folder).
   */
  'models.addOnnx': endpoint<ModelSummary>('staff')(
    z
      .object({
        onnx: z.string().min(1).max(4096),
        modality: z.enum(['CT', 'dermoscopy']),
        input: z.number().int().min(1).max(4096),
        normalise: z.union([
          z.enum(['imagenet', 'none']),
          z.object({ mean: z.array(z.number()).min(1).max(16), std: z.array(z.number().positive()).min(1).max(16) }).strict(),
        ]),
        labels: z.string().min(1).max(200_000),
        id: z.string().max(200).optional(),
        name: z.string().max(300).optional(),
        outputKind: z.enum(['logits', 'probabilities']).optional(),
        intendedUse: z.string().max(2000).optional(),
        training: z.string().max(2000).optional(),
        /** CAM / Grad-CAM: the graph's last convolutional feature-map output and its GAP + linear head's JSON file. */
        cam: z
          .object({ features: z.string().min(1).max(200), head: z.string().min(1).max(4096) })
          .strict()
          .optional(),
      })
      .strict(),
  ),
};
