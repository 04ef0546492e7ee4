// The case as a reader may see it: images and, for CT, the one nodule to read (its position
// only). No ground truth (diagnosis, masks, readers' ratings and contours), no other nodules,
// no dataset identifiers (the series UID would name the LIDC case).
import type { Database } from 'better-sqlite3';
import type { ReaderCase } from '../../../app/study';
import { getCase } from './case-queries';

export function readerCase(db: Database, caseId: number, noduleId: number | null): ReaderCase {
  const c = getCase(db, caseId);
  const n = noduleId === null ? undefined : c.nodules.find((x) => x.id === noduleId);
  return {
    caseId: c.id,
    label: c.label,
    modality: c.modality,
    series: c.series.map((s) => ({ ...s, seriesInstanceUid: `series-${s.id}` })),
    images: c.images.map((i) => ({ ...i, masks: [] })),
    nodule: n ? { id: n.id, centroid: n.centroid, largestSliceIndex: n.largestSliceIndex } : null,
  };
}

/** The pixel size of the image a mark is drawn on (CT: the series' slices). */
export function imageSize(c: ReaderCase): { width: number; height: number } {
  const s = c.series[0];
  if (s) return { width: s.columns, height: s.rows };
  const i = c.images[0];
  return i ? { width: i.width, height: i.height } : { width: 0, height: 0 };
}
