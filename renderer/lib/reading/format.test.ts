import { describe, expect, it } from 'vitest';
import { formatDuration, percent } from './format';

describe('format', () => {
  it('writes durations for people', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(95_000)).toBe('1 min 35 s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2 h 05 min');
    expect(formatDuration(-5)).toBe('0 s');
  });
  it('rounds progress', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
  });
});
