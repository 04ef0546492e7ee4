// The last phase's verdict on a case ("with AI and explanation", a case trial) shows the
// explanations this reader was shown for that reading unit (the case; for CT, the same nodule —
// another nodule's maps explain another nodule), so the verdict is given with them in view:
// each exactly as its stimulus trial showed it (same map, blinded label and caption, read back
// through the same display code). Only single-stimulus trials the reader has opened count;
// comparisons (their A/B letters would collide with the labels), sanity-check trials (a catch
// map shown twice under a condition's label would stand out) and repeats (the same map again)
// are left out. A workspace's trial counts once opened (packaged-trial.ts records no stimulus row).
import type { BlindedStimulus } from '../../../app/study';
import { shownStimuli, type DisplayDeps } from './trial-display';
import type { StudyContext, TrialRow } from './study-rows';

/** `{ seen }` for the last phase's case trial (spread into its TrialView); `{}` for any other trial. */
export async function seenExplanations(
  d: DisplayDeps,
  ctx: StudyContext,
  labels: Record<string, string>,
  trial: TrialRow,
): Promise<{ seen?: BlindedStimulus[] }> {
  if (trial.kind !== 'case' || trial.phase !== 'ai-explanation') return {};
  const shown = d.db
    .prepare(
      `SELECT t.* FROM trial t
    WHERE t.assignment_id = ? AND t.case_id = ? AND t.nodule_id IS ? AND t.kind = 'stimulus' AND t.sanity = 0 AND t.repeat_of IS NULL
      AND (EXISTS (SELECT 1 FROM stimulus s WHERE s.trial_id = t.id)
        OR EXISTS (SELECT 1 FROM packaged_trial p JOIN trial_visit v ON v.trial_id = p.trial_id WHERE p.trial_id = t.id))
    ORDER BY t.position`,
    )
    .all(trial.assignment_id, trial.case_id, trial.nodule_id) as TrialRow[];
  const seen: BlindedStimulus[] = [];
  for (const t of shown) {
    for (const s of await shownStimuli(d, ctx, labels, t)) if (!seen.some((x) => x.label === s.label)) seen.push(s);
  }
  return { seen };
}
