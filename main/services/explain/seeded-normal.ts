// Seeded standard-normal numbers shared with the exporter (models/exporter/prng.py), so a
// Smooth CDAM map computed here equals the one in a pack's fixtures.json and any map can be
// reproduced from its seed: mulberry32 uniforms (Tommy Ettinger's 32-bit generator) turned
// into normals by the Box–Muller transform (Box & Muller, Ann. Math. Stat. 29:610, 1958).
import { mulberry32 } from '../../../app/mulberry32';

/**
 * `count` standard normals: each pair of uniforms (u1, u2) gives two, r·cos(2πu2) then
 * r·sin(2πu2), r = √(−2 ln max(u1, 2⁻³²)) — exactly models/exporter/prng.py `seeded_normals`.
 */
export function seededNormals(seed: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const uniform = mulberry32(seed);
  for (let i = 0; i < count; i += 2) {
    const u1 = Math.max(uniform(), 2 ** -32);
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

// The noise for a seed is a constant, and the transcendental functions make it cost more than
// the batched tail call itself: keep the last few tables (a few MB at most).
const TABLES = new Map<string, Float32Array>();
const MAX_TABLES = 4;

/** seededNormals as float32, remembered for the most recent (seed, count) pairs. */
export function normalTable(seed: number, count: number): Float32Array {
  const key = `${seed >>> 0}:${count}`;
  let table = TABLES.get(key);
  if (table) {
    TABLES.delete(key);
  } else {
    table = Float32Array.from(seededNormals(seed, count));
    if (TABLES.size >= MAX_TABLES) TABLES.delete(TABLES.keys().next().value!);
  }
  TABLES.set(key, table);
  return table;
}
