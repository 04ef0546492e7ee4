// An evidence mark's scores, computed one way wherever the answer comes from: given here
// (reading-service.ts, the moment it is given) or given at another site and merged from an
// answer package (packages/merge-answers.ts, where the truth lives). Against the map the trial
// showed (its stimulus row) and the case's truth: LIDC contours on the mark's slice, or the ISIC
// lesion mask — read ahead by the caller, as reading a mask is asynchronous and a merge scores
// inside one transaction.
import type { Database } from 'better-sqlite3';
import type { DisplayState, Roi, RoiScores } from '../../../app/study';
import type { ImagingService } from '../imaging/imaging-service';
import { isicTruth, lidcTruth, scoreRoi } from '../cases/roi-scoring';
import { shownMap } from './trial-display';
import type { TrialRow } from './study-rows';

export type MaskTruth = Awaited<ReturnType<typeof isicTruth>>;

/** A dermoscopy case's truth mask for a mark on the trial's first image (null for CT, scored per slice, or without a mask). */
export async function maskTruthOf(
  db: Database,
  imaging: ImagingService,
  trial: Pick<TrialRow, 'nodule_id'>,
  imageId: number | null,
): Promise<MaskTruth> {
  return trial.nodule_id === null && imageId !== null ? isicTruth(db, imaging, imageId) : null;
}

/** The scores of an evidence mark on a trial, against what the trial showed (recorded first) and the truth. */
export function roiAnswerScores(
  db: Database,
  trial: Pick<TrialRow, 'id' | 'kind' | 'nodule_id'>,
  roi: Roi,
  displayState: DisplayState,
  image: { width: number; height: number },
  maskTruth: MaskTruth,
): RoiScores {
  const heatmap = trial.kind === 'stimulus' ? shownMap(db, trial.id) : null;
  if (trial.nodule_id !== null) {
    const placed = heatmap?.placement.kind === 'ct-slice' ? heatmap.placement.sliceIndex : null;
    const nodule = db.prepare('SELECT largest_slice FROM nodule WHERE id = ?').get(trial.nodule_id) as { largest_slice: number };
    const sliceIndex = roi.sliceIndex ?? displayState.sliceIndex ?? placed ?? nodule.largest_slice;
    return scoreRoi({ roi, image, sliceIndex, heatmap, truth: lidcTruth(db, trial.nodule_id, sliceIndex, image.width, image.height) });
  }
  return scoreRoi({ roi, image, sliceIndex: null, heatmap, truth: maskTruth });
}
