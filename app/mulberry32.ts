// mulberry32 (Tommy Ettinger, public domain): a small 32-bit generator, uniform in [0, 1).
// The one source of seeded randomness: reading orders (main/services/study/seeded-random.ts)
// and Smooth CDAM noise (main/services/explain/seeded-normal.ts, equal to the exporter's
// models/exporter/prng.py) both draw from it, so a stored seed reproduces them anywhere.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
