// A reader's pixels come only from their own trials: a series or image whose case is in none of
// the studies assigned to them is "not found" — the same answer as for one that does not exist,
// so a reader cannot probe the database for other cases. Staff (the coordinator) reach all.
import type { Database } from 'better-sqlite3';
import type { CallContext } from '../../../app/api/endpoint';
import { VerdictError } from '../../../app/errors';

const inReadersStudies = (caseColumn: string) =>
  `EXISTS (SELECT 1 FROM study_entry e JOIN assignment a ON a.study_id = e.study_id WHERE e.case_id = ${caseColumn} AND a.reader_id = ?)`;

/** The series id, when this caller may read its slices. */
export function readableSeries(db: Database, caller: CallContext, seriesId: number): number {
  if (caller.allows('staff')) return seriesId;
  const ok = db.prepare(`SELECT 1 FROM series s WHERE s.id = ? AND ${inReadersStudies('s.case_id')}`).get(seriesId, caller.readerId ?? -1);
  if (!ok) throw new VerdictError('not-found', `Series ${seriesId} has no slice to show you.`, { seriesId });
  return seriesId;
}

/** The image id, when this caller may see the image. */
export function readableImage(db: Database, caller: CallContext, imageId: number): number {
  if (caller.allows('staff')) return imageId;
  const ok = db.prepare(`SELECT 1 FROM image i WHERE i.id = ? AND ${inReadersStudies('i.case_id')}`).get(imageId, caller.readerId ?? -1);
  if (!ok) throw new VerdictError('not-found', `No image with id ${imageId}.`, { imageId });
  return imageId;
}
