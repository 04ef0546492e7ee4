// Seeded standard-normal numbers shared with the exporter (models/exporter/prng.py), so a
// Smooth CDAM map computed here equals the one in a pack's fixtures.json and any map can be
// reproduced from its seed: mulberry32 uniforms (Tommy Ettinger's 32-bit generator) turned
// into normals by the Box–Muller transform (Box & Muller, Ann. Math. Stat. 29:610, 1958).

/** mulberry32: uniform numbers in [0, 1) from a 32-bit seed. */
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

/**
 * Standard normals: each pair of uniforms (u1, u2) gives two, r·cos(2πu2) then r·sin(2πu2),
 * r = √(−2 ln max(u1, 2⁻³²)) — exactly models/exporter/prng.py `seeded_normals`.
 */
export class SeededNormal {
  readonly #uniform: () => number;
  #spare: number | null = null;

  constructor(seed: number) {
    this.#uniform = mulberry32(seed);
  }

  next(): number {
    if (this.#spare !== null) {
      const z = this.#spare;
      this.#spare = null;
      return z;
    }
    const u1 = Math.max(this.#uniform(), 2 ** -32);
    const u2 = this.#uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** The next `n` values, in order. */
  take(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }
}
