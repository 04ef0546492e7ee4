// The LIDC readers of a case, for the legend and the per-reader toggles.
import type { Nodule, PointMark } from '../../../app/domain';

/** Reader numbers present in the case, in order; at least 1…readerCount. */
export function readersOf(nodules: readonly Nodule[], points: readonly PointMark[], readerCount: number): number[] {
  const set = new Set<number>();
  for (let r = 1; r <= readerCount; r++) set.add(r);
  for (const n of nodules) for (const m of n.marks) set.add(m.reader);
  for (const p of points) set.add(p.reader);
  return [...set].sort((a, b) => a - b);
}
