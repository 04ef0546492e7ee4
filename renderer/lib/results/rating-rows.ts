// One rating question's groups as plot rows: a mean with its interval per group, and counts per
// scale point. Each condition's sanity-check group is placed right after its real group, so the
// randomized model's ratings are read beside the real model's.
import type { RatingGroup, RatingSummary } from '../../../app/results';
import { PHASE_LABELS, SANITY_SUFFIX, conditionName, phaseRank } from './labels';

export type RatingRow = {
  /** The y-axis label: unique within the question. */
  label: string;
  sanity: boolean;
  n: number;
  mean: number;
  /** The 95% interval; null below two ratings (the dot is drawn alone). */
  lo: number | null;
  hi: number | null;
  /** Whether the interval has readers and cases random (OR); otherwise it treats the ratings as independent. */
  design: boolean;
};

export type DistributionRow = { label: string; sanity: boolean; value: number; count: number; share: number };

/** Reading order: phase, then condition in the protocol's order (first seen), real before sanity. */
export function orderedGroups(s: RatingSummary): RatingGroup[] {
  const firstSeen = new Map<string, number>();
  s.groups.forEach((g, i) => {
    const k = g.conditionId ?? '';
    if (!firstSeen.has(k)) firstSeen.set(k, i);
  });
  return [...s.groups].sort(
    (a, b) =>
      phaseRank(a.phase) - phaseRank(b.phase) ||
      firstSeen.get(a.conditionId ?? '')! - firstSeen.get(b.conditionId ?? '')! ||
      Number(a.sanity) - Number(b.sanity),
  );
}

/** Labels for the groups, in order: the phase for case-level questions; the condition (and phase, where several) otherwise. */
export function groupLabels(s: RatingSummary, groups: RatingGroup[] = orderedGroups(s)): string[] {
  const phases = new Set(groups.map((g) => g.phase));
  const names = groups.map((g) => (s.level === 'case' || !g.conditionId ? (PHASE_LABELS[g.phase] ?? g.phase) : conditionName(g)));
  // Two conditions can share a method and target (e.g. two models): then the condition id tells them apart.
  const clash = (i: number) =>
    names.some((n, j) => j !== i && n === names[i] && groups[j].phase === groups[i].phase && groups[j].sanity === groups[i].sanity);
  return groups.map((g, i) => {
    let label = names[i];
    if (clash(i) && g.conditionId) label += ` (${g.conditionId})`;
    if (s.level === 'stimulus' && phases.size > 1 && g.conditionId) label = `${PHASE_LABELS[g.phase] ?? g.phase} · ${label}`;
    return g.sanity ? label + SANITY_SUFFIX : label;
  });
}

export function ratingRows(s: RatingSummary): RatingRow[] {
  const groups = orderedGroups(s);
  const labels = groupLabels(s, groups);
  return groups.map((g, i) => ({
    label: labels[i],
    sanity: g.sanity,
    n: g.estimate.n,
    mean: g.estimate.mean,
    // Readers and cases random where the design gives an interval (two readers and two cases at least).
    lo: (g.design?.ci ?? g.estimate.ci)?.[0] ?? null,
    hi: (g.design?.ci ?? g.estimate.ci)?.[1] ?? null,
    design: !!g.design?.ci,
  }));
}

export function distributionRows(s: RatingSummary): DistributionRow[] {
  const groups = orderedGroups(s);
  const labels = groupLabels(s, groups);
  return groups.flatMap((g, i) => {
    const total = g.distribution.reduce((t, d) => t + d.count, 0);
    return g.distribution.map((d) => ({
      label: labels[i],
      sanity: g.sanity,
      value: d.value,
      count: d.count,
      share: total ? d.count / total : 0,
    }));
  });
}
