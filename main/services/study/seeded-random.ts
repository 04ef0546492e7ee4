// Reproducible randomness for reading orders: a reader's seed comes from the protocol's order
// seed and the reader's id, and every draw comes from mulberry32 over that seed, so a stored
// seed regenerates the same trial list on any machine.
import { createHash } from 'node:crypto';

/** mulberry32 (Tommy Ettinger, public domain): a small 32-bit generator, uniform in [0, 1). */
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

/** The reader's seed: the first 32 bits of SHA-256("verdict-order/1:<order seed>:<reader id>"). */
export const readerSeed = (orderSeed: number, readerId: number): number =>
  createHash('sha256').update(`verdict-order/1:${orderSeed}:${readerId}`).digest().readUInt32BE(0);

export const randomInt = (rand: () => number, n: number): number => Math.min(n - 1, Math.floor(rand() * n));

/** Fisher–Yates on a copy. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rand, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
