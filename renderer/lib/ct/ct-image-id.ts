// Image ids of the `verdict:` scheme. A CT slice is `verdict:ct/<seriesId>/<index>`, index being the
// display order main gives (sorted along the slice normal), so ids never carry file paths.

export const VERDICT_SCHEME = 'verdict';

export type CtImageRef = { seriesId: number; index: number };

export const ctImageId = (seriesId: number, index: number): string => `${VERDICT_SCHEME}:ct/${seriesId}/${index}`;

export const ctImageIds = (seriesId: number, count: number): string[] => Array.from({ length: count }, (_, i) => ctImageId(seriesId, i));

const CT_ID = /^verdict:ct\/(\d+)\/(\d+)$/;

export function parseCtImageId(imageId: string): CtImageRef | null {
  const m = CT_ID.exec(imageId);
  if (!m) return null;
  const seriesId = Number(m[1]);
  const index = Number(m[2]);
  return Number.isSafeInteger(seriesId) && seriesId > 0 && Number.isSafeInteger(index) ? { seriesId, index } : null;
}
