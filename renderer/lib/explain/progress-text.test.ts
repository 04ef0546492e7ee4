import { describe, expect, it } from 'vitest';
import { progressText } from './progress-text';

describe('progressText', () => {
  it('counts whole steps as "3 of 4"', () => {
    expect(progressText(3, 4)).toBe('3 of 4');
    expect(progressText(0, 12)).toBe('0 of 12');
  });

  it('gives fractional progress (LiMA) as a whole percentage, never 100 % before the end', () => {
    expect(progressText(2.139130434782609, 4)).toBe('53 %');
    expect(progressText(3.999, 4)).toBe('99 %');
    expect(progressText(0.5, 3.5)).toBe('14 %');
  });

  it('keeps within 0…total and says nothing without a total', () => {
    expect(progressText(5, 4)).toBe('4 of 4');
    expect(progressText(-1, 4)).toBe('0 of 4');
    expect(progressText(1, 0)).toBe('');
    expect(progressText(Number.NaN, 4)).toBe('');
  });
});
