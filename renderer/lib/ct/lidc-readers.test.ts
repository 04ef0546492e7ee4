import { describe, expect, it } from 'vitest';
import { readersOf } from './lidc-readers';

describe('readersOf', () => {
  it('lists 1…readerCount plus any reader with marks, sorted', () => {
    expect(readersOf([], [], 4)).toEqual([1, 2, 3, 4]);
    const nodule = { marks: [{ reader: 6 }] } as never;
    expect(readersOf([nodule], [{ reader: 5, kind: 'non-nodule', sliceIndex: 0, x: 0, y: 0 }], 2)).toEqual([1, 2, 5, 6]);
  });
});
