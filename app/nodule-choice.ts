// Which nodules a CT case reads when the protocol picks none — one rule for main (resolving a
// protocol) and the editor (showing the defaults): every nodule at least 3 of the 4 LIDC readers
// marked (a nodule one reader saw is doubtful truth), each its own reading unit; a case with no
// such nodule reads the one most readers marked, larger first.

/** Readers who must have marked a nodule for it to be read by default (of the 4 LIDC readers). */
export const AGREED_READERS = 3;

/** The one nodule a case would read alone: the largest agreed one, else the most-marked, larger first. */
export function defaultNodule<N extends { readerCount: number; diameterMm: number | null }>(nodules: readonly N[]): N | undefined {
  const agreed = (n: N) => (n.readerCount >= AGREED_READERS ? 1 : 0);
  return [...nodules].sort(
    (a, b) =>
      agreed(b) - agreed(a) ||
      (agreed(a) ? 0 : b.readerCount - a.readerCount) ||
      (b.diameterMm ?? -1) - (a.diameterMm ?? -1) ||
      b.readerCount - a.readerCount,
  )[0];
}

/** The nodules a case reads by default, in the case's order: every agreed one, else the single fallback. */
export function defaultNodules<N extends { readerCount: number; diameterMm: number | null }>(nodules: readonly N[]): N[] {
  const agreed = nodules.filter((n) => n.readerCount >= AGREED_READERS);
  if (agreed.length) return agreed;
  const one = defaultNodule(nodules);
  return one ? [one] : [];
}

/** A protocol's pick for one case (`cases.nodules`): one nodule number or a list of them. */
export const pickedNumbers = (pick: number | readonly number[]): number[] => (typeof pick === 'number' ? [pick] : [...pick]);

/** How a reader sees a reading unit: the case label, and for CT the nodule's number in the case ("CT-001 · nodule 2"). */
export const unitLabel = (caseLabel: string, noduleNumber: number | null): string =>
  noduleNumber === null ? caseLabel : `${caseLabel} · nodule ${noduleNumber}`;
