import { describe, expect, it } from 'vitest';
import { prefetchOrder } from './ct-prefetch';

describe('prefetchOrder', () => {
  it('alternates nearest first, further ahead in the scrolling direction, within the stack', () => {
    expect(prefetchOrder(5, 100, 1, 3, 2)).toEqual([6, 4, 7, 3, 8]);
    expect(prefetchOrder(5, 100, -1, 3, 2)).toEqual([4, 6, 3, 7, 2]);
    expect(prefetchOrder(0, 3, 1, 4, 4)).toEqual([1, 2]);
  });
});
