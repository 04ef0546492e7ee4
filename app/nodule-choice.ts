// Which nodule a CT case reads when the protocol picks none — one rule for main (resolving a
// protocol) and the editor (showing the default): the largest nodule at least 3 of the 4 LIDC
// readers marked (a nodule one reader saw is doubtful truth), else the one most readers marked,
// larger first.

/** Readers who must have marked a nodule for it to be read by default (of the 4 LIDC readers). */
export const AGREED_READERS = 3;

export function defaultNodule<N extends { readerCount: number; diameterMm: number | null }>(nodules: readonly N[]): N | undefined {
  const agreed = (n: N) => (n.readerCount >= AGREED_READERS ? 1 : 0);
  return [...nodules].sort(
    (a, b) => agreed(b) - agreed(a) || (agreed(a) ? 0 : b.readerCount - a.readerCount) || (b.diameterMm ?? -1) - (a.diameterMm ?? -1) || b.readerCount - a.readerCount,
  )[0];
}
