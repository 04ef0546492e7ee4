import { z } from 'zod';
import { endpoint } from './endpoint';
import { rowId } from './ids';
import type { CtSlice, MaskImage, RgbaImage } from '../domain';

// Pixels serve readers too, but only of the cases in their own studies (main/services/access/
// reader-scope.ts; pixels carry no identifiers); masks are ground truth, for the coordinator only.
export const imagingEndpoints = {
  /** One CT slice in HU; index is the display order (sorted along the slice normal). */
  'imaging.slice': endpoint<CtSlice>('reader')(z.object({ seriesId: rowId, index: z.number().int().min(0).max(100_000) }).strict()),
  'imaging.dermoImage': endpoint<RgbaImage>('reader')(z.object({ imageId: rowId }).strict()),
  'imaging.mask': endpoint<MaskImage>()(z.object({ maskId: rowId }).strict()),
};
