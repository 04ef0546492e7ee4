// A CT case's nodules as a protocol names them: "Nodule n" is the n-th nodule clustered from the
// case's LIDC XML (rows are inserted in that order, so n is the row's rank within its case — the
// same in every database imported from the same files, unlike the row id).
import type { Database } from 'better-sqlite3';

export type CaseNodule = { id: number; number: number; readerCount: number; diameterMm: number | null; medianMalignancy: number | null };

/** Readers who must have marked a nodule for it to be read by default (of the 4 LIDC readers). */
export const AGREED_READERS = 3;

export function caseNodules(db: Database, caseId: number): CaseNodule[] {
  const rows = db.prepare('SELECT id, reader_count, diameter_mm, median_malignancy FROM nodule WHERE case_id = ? ORDER BY id').all(caseId) as {
    id: number; reader_count: number; diameter_mm: number | null; median_malignancy: number | null;
  }[];
  return rows.map((r, i) => ({ id: r.id, number: i + 1, readerCount: r.reader_count, diameterMm: r.diameter_mm, medianMalignancy: r.median_malignancy }));
}

/**
 * The nodule a case reads when the protocol picks none: the largest that at least 3 readers
 * marked (a nodule one reader saw is doubtful truth), else the one most readers marked, larger first.
 */
export function defaultNodule<N extends Pick<CaseNodule, 'readerCount' | 'diameterMm'>>(nodules: readonly N[]): N | undefined {
  const agreed = (n: N) => (n.readerCount >= AGREED_READERS ? 1 : 0);
  return [...nodules].sort((a, b) => agreed(b) - agreed(a) || (agreed(a) ? 0 : b.readerCount - a.readerCount) || (b.diameterMm ?? -1) - (a.diameterMm ?? -1) || b.readerCount - a.readerCount)[0];
}
