// Numbers as the dashboard's tables write them: fixed decimals, intervals in brackets, "—" for
// what could not be estimated (too few values, no pairs).

export const DASH = '—';

export function num(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

export function ci(interval: readonly [number, number] | null | undefined, digits = 2): string {
  return interval ? `[${num(interval[0], digits)}, ${num(interval[1], digits)}]` : '';
}

/** "0.62 [0.41, 0.80]", or the estimate alone when it has no interval. */
export function withCi(x: number | null | undefined, interval: readonly [number, number] | null | undefined, digits = 2): string {
  const c = ci(interval, digits);
  return c ? `${num(x, digits)} ${c}` : num(x, digits);
}

export function pct(p: number | null | undefined, digits = 0): string {
  return p === null || p === undefined || !Number.isFinite(p) ? DASH : `${(p * 100).toFixed(digits)}%`;
}

/** "75% [47%, 92%]" for a proportion and its Wilson interval. */
export function pctWithCi(p: number, interval: readonly [number, number] | null): string {
  return interval ? `${pct(p)} [${pct(interval[0])}, ${pct(interval[1])}]` : pct(p);
}
