// Time per trial as plot and table rows, in seconds: per phase and kind of trial, all readers
// (the plot) and each reader (the table).
import type { TimingSummary } from '../../../app/results';
import { KIND_LABELS, PHASE_LABELS, phaseRank, readerName } from './labels';

export type TimingRow = {
  /** "AI · case reading": the plot's y-axis label. */
  label: string;
  reader: string;
  all: boolean;
  trials: number;
  medianS: number;
  meanS: number;
  lo: number | null;
  hi: number | null;
};

const KIND_ORDER: TimingSummary['kind'][] = ['case', 'stimulus', 'comparison'];

export function timingRows(timing: readonly TimingSummary[]): TimingRow[] {
  const readers = [...new Set(timing.map((t) => t.reader).filter((r): r is string => r !== null))];
  const rank = (r: string | null) => (r === null ? -1 : readers.indexOf(r));
  return [...timing]
    .sort(
      (a, b) =>
        rank(a.reader) - rank(b.reader) ||
        phaseRank(a.phase) - phaseRank(b.phase) ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
    )
    .map((t) => ({
      label: `${PHASE_LABELS[t.phase] ?? t.phase} · ${KIND_LABELS[t.kind] ?? t.kind}`,
      reader: readerName(t.reader),
      all: t.reader === null,
      trials: t.trials,
      medianS: t.medianMs / 1000,
      meanS: t.estimate.mean / 1000,
      lo: t.estimate.ci ? t.estimate.ci[0] / 1000 : null,
      hi: t.estimate.ci ? t.estimate.ci[1] / 1000 : null,
    }));
}
