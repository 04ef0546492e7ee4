// The case as a reader may see it: images and, for CT, the one nodule to read (its position
// only), labelled as the reading unit ("CT-001 · nodule 2": the nodule's number in the case, as
// the protocol names it — never an LIDC reader's nodule id). No ground truth (diagnosis, masks,
// readers' ratings and contours), no other nodules, no dataset identifiers (the series UID would
// name the LIDC case).
import type { Database } from 'better-sqlite3';
import type { Nodule } from '../../../app/domain';
import type { ReaderCase } from '../../../app/study';
import { unitLabel } from '../../../app/nodule-choice';
import { getCase } from '../cases/case-queries';

export function readerCase(db: Database, caseId: number, noduleId: number | null): ReaderCase {
  const c = getCase(db, caseId);
  const n = noduleId === null ? undefined : c.nodules.find((x) => x.id === noduleId);
  return {
    caseId: c.id,
    // Nodules are numbered in the case's order (getCase lists them by row, as case-nodules.ts numbers them).
    label: unitLabel(c.label, n ? c.nodules.indexOf(n) + 1 : null),
    modality: c.modality,
    // The description and import warnings are the files' own words (they may name the scan or a file).
    series: c.series.map((s) => ({ ...s, seriesInstanceUid: `series-${s.id}`, description: '', warnings: [] })),
    images: c.images.map((i) => ({ ...i, masks: [] })),
    nodule: n ? { id: n.id, centroid: n.centroid, largestSliceIndex: n.largestSliceIndex, extent: extentOf(n) } : null,
  };
}

/**
 * The box and slices the readers' outlines of a nodule span (their union), for the reader's
 * marker: where the nodule is and how big, which the image shows anyway — not the outline itself.
 */
export function extentOf(n: Nodule): NonNullable<ReaderCase['nodule']>['extent'] {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity,
    firstSlice = Infinity,
    lastSlice = -Infinity;
  for (const m of n.marks) {
    for (const c of m.contours) {
      if (!c.inclusion) continue;
      firstSlice = Math.min(firstSlice, c.sliceIndex);
      lastSlice = Math.max(lastSlice, c.sliceIndex);
      for (let i = 0; i + 1 < c.points.length; i += 2) {
        x0 = Math.min(x0, c.points[i]);
        x1 = Math.max(x1, c.points[i]);
        y0 = Math.min(y0, c.points[i + 1]);
        y1 = Math.max(y1, c.points[i + 1]);
      }
    }
  }
  return Number.isFinite(x0) ? { x0, y0, x1, y1, firstSlice, lastSlice } : null;
}

/** The pixel size of the image a mark is drawn on (CT: the series' slices). */
export function imageSize(c: ReaderCase): { width: number; height: number } {
  const s = c.series[0];
  if (s) return { width: s.columns, height: s.rows };
  const i = c.images[0];
  return i ? { width: i.width, height: i.height } : { width: 0, height: 0 };
}
