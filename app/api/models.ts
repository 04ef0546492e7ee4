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
};
