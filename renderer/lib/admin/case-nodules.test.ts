import { describe, expect, it } from 'vitest';
import { defaultNumbers, noduleChoices, readNumbers, toggledPick } from './case-nodules.svelte';

const nodule = (readerCount: number, diameterMm: number | null, medianMalignancy: number | null = 3) => ({
  readerCount,
  diameterMm,
  medianMalignancy,
});

describe('the editor’s nodule choices', () => {
  it('numbers nodules as protocols name them and ticks every one ≥3 readers marked by default', () => {
    const choices = noduleChoices({ nodules: [nodule(1, 25), nodule(4, 6), nodule(3, 9), nodule(2, 30)] as never });
    expect(choices.map((c) => c.number)).toEqual([1, 2, 3, 4]);
    expect(defaultNumbers(choices)).toEqual([2, 3]);
  });

  it('falls back to the most-agreed nodule, and to none for a case without nodules', () => {
    expect(defaultNumbers(noduleChoices({ nodules: [nodule(1, 25), nodule(2, 6)] as never }))).toEqual([2]);
    expect(defaultNumbers([])).toEqual([]);
  });

  it('reads a pick of one number or a list, else the defaults', () => {
    const choices = noduleChoices({ nodules: [nodule(1, 25), nodule(4, 6), nodule(3, 9)] as never });
    expect(readNumbers(undefined, choices)).toEqual([2, 3]);
    expect(readNumbers(1, choices)).toEqual([1]);
    expect(readNumbers([3, 1], choices)).toEqual([3, 1]);
  });

  it('ticks and unticks in the case’s order, drops a pick equal to the defaults, and keeps one nodule at least', () => {
    const choices = noduleChoices({ nodules: [nodule(1, 25), nodule(4, 6), nodule(3, 9)] as never });
    expect(toggledPick([2, 3], 1, true, choices)).toEqual([1, 2, 3]);
    expect(toggledPick([2, 3], 3, false, choices)).toEqual([2]);
    expect(toggledPick([2], 3, true, choices)).toBeUndefined();
    expect(toggledPick([2], 2, false, choices)).toEqual([2]);
  });
});
