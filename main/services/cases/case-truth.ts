// The truth a study's cases carry, in the form app/truth.ts scores answers against: the ISIC
// diagnosis, the LIDC nodule's median malignancy, and the median of the LIDC readers' ratings of
// each scored characteristic (computed here from their marks, as the import computes the median
// malignancy: unrated marks left out, the mean of the middle two for an even count).
import type { Database } from 'better-sqlite3';
import type { IsicDiagnosis } from '../../../app/domain';
import { median } from '../../../app/numeric';
import { SCORED_CHARACTERISTICS, type CaseTruth, type ScoredCharacteristic } from '../../../app/truth';

const COLUMN: Record<ScoredCharacteristic, string> = {
  subtlety: 'subtlety',
  sphericity: 'sphericity',
  margin: 'margin',
  lobulation: 'lobulation',
  spiculation: 'spiculation',
  texture: 'texture',
};

/** A lookup of one nodule's characteristic medians (one query per nodule, remembered). */
export function characteristicMedians(db: Database): (noduleId: number | null) => CaseTruth['characteristics'] {
  const marks = db.prepare(
    `SELECT ${SCORED_CHARACTERISTICS.map((c) => COLUMN[c]).join(', ')} FROM lidc_mark WHERE nodule_id = ? AND kind = 'nodule'`,
  );
  const cache = new Map<number, CaseTruth['characteristics']>();
  return (noduleId) => {
    if (noduleId === null) return {};
    let out = cache.get(noduleId);
    if (!out) {
      const rows = marks.all(noduleId) as Record<string, number | null>[];
      out = Object.fromEntries(
        SCORED_CHARACTERISTICS.map((c) => {
          const rated = rows.map((r) => r[COLUMN[c]]).filter((x): x is number => x !== null);
          return [c, rated.length ? median(rated) : null];
        }),
      );
      cache.set(noduleId, out);
    }
    return out;
  };
}

/** The truth of one case (and its nodule, for CT). */
export function caseTruth(db: Database, caseId: number, noduleId: number | null, characteristics = characteristicMedians(db)): CaseTruth {
  const d = db.prepare('SELECT diagnosis FROM dermo_truth WHERE case_id = ?').get(caseId) as { diagnosis: IsicDiagnosis } | undefined;
  const n =
    noduleId === null
      ? undefined
      : (db.prepare('SELECT median_malignancy FROM nodule WHERE id = ?').get(noduleId) as { median_malignancy: number | null } | undefined);
  return { diagnosis: d?.diagnosis ?? null, medianMalignancy: n?.median_malignancy ?? null, characteristics: characteristics(noduleId) };
}
