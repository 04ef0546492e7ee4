import type { Database } from 'better-sqlite3';
import type { CaseDetail, CaseSummary } from '../../../app/domain';
import { getCase, listCases } from './case-queries';

export class CaseService {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }
  list(): CaseSummary[] {
    return listCases(this.#db);
  }
  get(caseId: number): CaseDetail {
    return getCase(this.#db, caseId);
  }
  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM study_case').get() as { n: number }).n;
  }
}
