// Two small numerical helpers the metrics share.

/** Area under y(x) by the trapezoid rule: Σ (x[i+1] − x[i])·(y[i] + y[i+1])/2 (numpy.trapz, sklearn.metrics.auc for increasing x). */
export function trapezoid(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`trapezoid: ${x.length} x values for ${y.length} y values`);
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += ((x[i + 1] - x[i]) * (y[i] + y[i + 1])) / 2;
  return s;
}

/** Pearson's correlation coefficient; NaN when either sample is constant or has fewer than 2 values. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length) throw new RangeError(`pearson: ${n} values against ${b.length}`);
  if (n < 2) return NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}
