// Small text formats of the reading and admin screens.

/** 95 000 ms → "1 min 35 s"; under a minute "42 s"; hours "2 h 05 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export const percent = (done: number, total: number): number => (total > 0 ? Math.round((100 * done) / total) : 0);
