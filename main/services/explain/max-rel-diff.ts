// The parity measure used against the exporter's fixtures (models/README.md):
// max |ours − expected| / max |expected|.
export function maxRelDiff(ours: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (ours.length !== expected.length) throw new RangeError(`maxRelDiff: ${ours.length} values vs ${expected.length} expected`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(ours[i] - expected[i]);
    // NaN must fail a comparison, never pass it.
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
