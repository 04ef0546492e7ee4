// Words for the dashboard's axes and tables: phases, kinds of trial, and a rating group's name
// (its condition's method and target, as the coordinator wrote them in the protocol).
import { isMethodId, methodLabel, targetKind } from '../../../app/methods';
import type { PhaseId } from '../../../app/protocol';
import type { RatingGroup, TimingSummary } from '../../../app/results';

export const PHASE_ORDER: readonly PhaseId[] = ['unaided', 'ai', 'ai-explanation'];
export const PHASE_LABELS: Record<PhaseId, string> = { unaided: 'Unaided', ai: 'AI', 'ai-explanation': 'AI + explanation' };
export const KIND_LABELS: Record<TimingSummary['kind'], string> = {
  case: 'case reading',
  stimulus: 'one explanation',
  comparison: 'two explanations',
};
export const ALL_READERS = 'All readers';
export const SANITY_SUFFIX = ' (sanity check)';

/** "CDAM / MEL", "Attention" (a map of no target), the method id as it is when unknown; the condition id when there is no method. */
export function conditionName(g: Pick<RatingGroup, 'conditionId' | 'method' | 'target'>): string {
  if (!g.method) return g.conditionId ?? '—';
  const method = methodLabel(g.method);
  return (isMethodId(g.method) && targetKind(g.method) === 'none') || !g.target ? method : `${method} / ${g.target}`;
}

export const readerName = (reader: string | null): string => reader ?? ALL_READERS;

/** Sorts by reading order of the phases (unknown ones last). */
export const phaseRank = (p: PhaseId): number => {
  const i = PHASE_ORDER.indexOf(p);
  return i < 0 ? PHASE_ORDER.length : i;
};
