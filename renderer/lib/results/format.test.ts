import { describe, expect, it } from 'vitest';
import { DASH, ci, num, pct, pctWithCi, withCi } from './format';

describe('results format', () => {
  it('writes estimates with their intervals', () => {
    expect(num(0.12345, 3)).toBe('0.123');
    expect(withCi(0.4, [-0.2, 0.8])).toBe('0.40 [-0.20, 0.80]');
    expect(withCi(3, null)).toBe('3.00');
    expect(ci(null)).toBe('');
  });
  it('writes a dash for what could not be estimated', () => {
    expect(num(null)).toBe(DASH);
    expect(num(NaN)).toBe(DASH);
    expect(pct(undefined)).toBe(DASH);
  });
  it('writes proportions as percentages', () => {
    expect(pct(0.75)).toBe('75%');
    expect(pctWithCi(0.75, [0.3, 0.954])).toBe('75% [30%, 95%]');
  });
});
