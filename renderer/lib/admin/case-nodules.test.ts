import { describe, expect, it } from 'vitest';
import { defaultNumber, noduleChoices } from './case-nodules.svelte';

const nodule = (readerCount: number, diameterMm: number | null, medianMalignancy: number | null = 3) => ({ readerCount, diameterMm, medianMalignancy });

describe('the editor’s nodule choices', () => {
  it('numbers nodules as protocols name them and defaults to the largest one ≥3 readers marked', () => {
    const choices = noduleChoices({ nodules: [nodule(1, 25), nodule(4, 6), nodule(3, 9), nodule(2, 30)] as never });
    expect(choices.map((c) => c.number)).toEqual([1, 2, 3, 4]);
    expect(defaultNumber(choices)).toBe(3);
  });

  it('falls back to the most-agreed nodule, and to none for a case without nodules', () => {
    expect(defaultNumber(noduleChoices({ nodules: [nodule(1, 25), nodule(2, 6)] as never }))).toBe(2);
    expect(defaultNumber([])).toBeNull();
  });
});
