import { z } from 'zod';
import { endpoint } from './endpoint';
import { rowId } from './ids';
import type { CtSlice, MaskImage, RgbaImage } from '../domain';

export const imagingEndpoints = {
  /** One CT slice in HU; index is the display order (sorted along the slice normal). */
  'imaging.slice': endpoint<CtSlice>()(z.object({ seriesId: rowId, index: z.number().int().min(0).max(100_000) }).strict()),
  'imaging.dermoImage': endpoint<RgbaImage>()(z.object({ imageId: rowId }).strict()),
  'imaging.mask': endpoint<MaskImage>()(z.object({ maskId: rowId }).strict()),
};
