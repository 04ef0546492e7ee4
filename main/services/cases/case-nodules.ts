// A CT case's nodules as a protocol names them: "Nodule n" is the n-th nodule clustered from the
// case's LIDC XML (rows are inserted in that order, so n is the row's rank within its case — the
// same in every database imported from the same files, unlike the row id).
import type { Database } from 'better-sqlite3';

export { AGREED_READERS, defaultNodule, defaultNodules, pickedNumbers } from '../../../app/nodule-choice';

export type CaseNodule = { id: number; number: number; readerCount: number; diameterMm: number | null; medianMalignancy: number | null };

export function caseNodules(db: Database, caseId: number): CaseNodule[] {
  const rows = db
    .prepare('SELECT id, reader_count, diameter_mm, median_malignancy FROM nodule WHERE case_id = ? ORDER BY id')
    .all(caseId) as {
    id: number;
    reader_count: number;
    diameter_mm: number | null;
    median_malignancy: number | null;
  }[];
  return rows.map((r, i) => ({
    id: r.id,
    number: i + 1,
    readerCount: r.reader_count,
    diameterMm: r.diameter_mm,
    medianMalignancy: r.median_malignancy,
  }));
}
