// A CT map lies on the one slice it was computed on; a slice away it vanishes while its colour
// bar stays. This finds the slice to tell the viewer about (and jump to) when none of the maps is
// on the slice shown.
import type { OverlayMap } from './overlay-map';

/** J: jump to the explanation's slice (a key neither viewer nor reading action uses). */
export const JUMP_KEY = 'j';

/**
 * The slice index of the first map that lies on series `seriesId` (null: the one series a
 * reader's trial shows) but not on slice `index`, or null when a map is on this slice, no map is
 * a CT slice of this series, or there is no map.
 */
export function offSliceTarget(
  maps: readonly (Pick<OverlayMap, 'placement'> | null)[],
  seriesId: number | null,
  index: number,
): number | null {
  const ofSeries = (m: Pick<OverlayMap, 'placement'>) =>
    m.placement.kind === 'ct-slice' && (seriesId === null || m.placement.seriesId === seriesId);
  const slices = maps.flatMap((m) => (m && ofSeries(m) && m.placement.kind === 'ct-slice' ? [m.placement.sliceIndex] : []));
  if (slices.length === 0 || slices.includes(index)) return null;
  return slices[0];
}

/** "Explanation is on slice 43 — press J or click to jump" (slices counted from 1, as the viewer shows them). */
export const offSliceMessage = (sliceIndex: number): string =>
  `Explanation is on slice ${sliceIndex + 1} — press ${JUMP_KEY.toUpperCase()} or click to jump`;
