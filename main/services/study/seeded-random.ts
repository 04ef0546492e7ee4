// Reproducible randomness for reading orders: a reader's seed comes from the protocol's order
// seed and the reader's id, and every draw comes from mulberry32 (app/mulberry32.ts) over that seed, so a stored
// seed regenerates the same trial list on any machine.
import { createHash } from 'node:crypto';

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
