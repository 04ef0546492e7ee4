// A reader's trial list, generated once at assignment from the reader's seed and index (pure:
// the same inputs give the same list, which is how a stored assignment is checked and
// reproduced). For each reading unit — a case, or for CT one nodule of a case (a case's nodules
// are separate units, each its own block, shuffled like any other) — in a seeded shuffle, the
// protocol's phases in order:
//  - unaided / ai: one case trial with the case-level questions of that phase;
//  - ai-explanation: the conditions as single stimuli, ordered by the Williams-square row
//    (reader index + case index) mod rows — so across readers × cases each condition holds each
//    position equally often — then the comparison pairs (sides alternate with reader and case),
//    then the case trial with that phase's case-level questions.
// Sanity-check trials (a seeded (case, condition) pair shown with the randomized pack under the
// condition's label) go in after a seeded case block at or after their case's own; repeats of
// seeded single stimuli close the list.
import type { PhaseId, Protocol, Question } from '../../../app/protocol';
import type { TrialSummary } from '../../../app/study';
import { mulberry32 } from '../../../app/mulberry32';
import { randomInt, shuffled } from './seeded-random';
import { williamsRows } from './williams';

export type TrialKind = TrialSummary['kind'];

export type PlanInput = {
  protocol: Protocol;
  /** The study's reading units in study order (case index = place in this list; a CT case read at two nodules is two units). */
  cases: { caseId: number; noduleId: number | null }[];
  readerIndex: number;
  seed: number;
  /** Conditions the sanity-check pack can imitate. */
  sanityConditions: string[];
};

export type PlannedTrial = {
  position: number;
  caseIndex: number;
  caseId: number;
  noduleId: number | null;
  phase: PhaseId;
  kind: TrialKind;
  /** Stimulus: the condition shown; comparison: the one shown as A. */
  conditionId: string | null;
  /** Comparison: the one shown as B. */
  conditionBId: string | null;
  sanity: boolean;
  /** Repeat: the position of the trial it re-shows. */
  repeatOf: number | null;
};

export type TrialPlan = { labels: Record<string, string>; trials: PlannedTrial[] };

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The questions a trial asks. */
export function questionsFor(p: Protocol, kind: TrialKind, phase: PhaseId): Question[] {
  if (kind === 'comparison') return p.questions.filter((q) => q.type === 'forced-choice');
  if (kind === 'stimulus') return p.questions.filter((q) => q.level === 'stimulus' && q.type !== 'forced-choice');
  return p.questions.filter((q) => q.level === 'case' && (q.phases ?? p.phases).includes(phase));
}

type Draft = Omit<PlannedTrial, 'position' | 'repeatOf'> & { repeatOf: Draft | null };

export function planTrials(input: PlanInput): TrialPlan {
  const { protocol: p, cases, readerIndex } = input;
  const rand = mulberry32(input.seed);
  const letters = shuffled(LETTERS.slice(0, p.conditions.length).split(''), rand);
  const labels = Object.fromEntries(p.conditions.map((c, i) => [c.id, letters[i]]));
  const order = shuffled(
    cases.map((_, i) => i),
    rand,
  );
  const rows = williamsRows(p.conditions.length);
  const singles = questionsFor(p, 'stimulus', 'ai-explanation').length > 0;
  const pairs = questionsFor(p, 'comparison', 'ai-explanation').length > 0;

  const blocks: Draft[][] = order.map((caseIndex) => {
    const { caseId, noduleId } = cases[caseIndex];
    const base = { caseIndex, caseId, noduleId, conditionId: null, conditionBId: null, sanity: false, repeatOf: null };
    const block: Draft[] = [];
    for (const phase of p.phases) {
      if (phase === 'ai-explanation') {
        if (singles) {
          for (const j of rows[(readerIndex + caseIndex) % rows.length])
            block.push({ ...base, phase, kind: 'stimulus', conditionId: p.conditions[j].id });
        }
        if (pairs) {
          p.comparisons.forEach((c, i) => {
            const swap = (readerIndex + caseIndex + i) % 2 === 1;
            block.push({ ...base, phase, kind: 'comparison', conditionId: c.between[swap ? 1 : 0], conditionBId: c.between[swap ? 0 : 1] });
          });
        }
      }
      if (questionsFor(p, 'case', phase).length) block.push({ ...base, phase, kind: 'case' });
    }
    return block;
  });

  const sanityCount = p.sanityChecks?.count ?? 0;
  if (sanityCount > 0) {
    const candidates = order.flatMap((caseIndex, at) => input.sanityConditions.map((conditionId) => ({ caseIndex, at, conditionId })));
    for (const s of shuffled(candidates, rand).slice(0, sanityCount)) {
      // After a block at or after the case's own, so the case has been read before.
      const after = s.at + randomInt(rand, order.length - s.at);
      const { caseId, noduleId } = cases[s.caseIndex];
      blocks[after].push({
        caseIndex: s.caseIndex,
        caseId,
        noduleId,
        phase: 'ai-explanation',
        kind: 'stimulus',
        conditionId: s.conditionId,
        conditionBId: null,
        sanity: true,
        repeatOf: null,
      });
    }
  }

  const drafts = blocks.flat();
  const originals = drafts.filter((t) => t.kind === 'stimulus' && !t.sanity);
  for (const t of shuffled(originals, rand).slice(0, p.repeats.count)) drafts.push({ ...t, repeatOf: t });

  const position = new Map(drafts.map((t, i) => [t, i]));
  const trials = drafts.map((t, i): PlannedTrial => ({ ...t, position: i, repeatOf: t.repeatOf ? position.get(t.repeatOf)! : null }));
  return { labels, trials };
}

/** Trials per reader and the limits the plan must respect, before any reader is assigned. */
export function planLimits(p: Protocol, caseCount: number, sanityConditions: string[]): { singles: number; sanityPairs: number } {
  const perCase = questionsFor(p, 'stimulus', 'ai-explanation').length > 0 ? p.conditions.length : 0;
  return { singles: perCase * caseCount, sanityPairs: caseCount * sanityConditions.length };
}
