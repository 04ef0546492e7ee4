import { describe, expect, it } from 'vitest';
import { contributionText, percent, prototypesByClass } from './prototypes';

describe('prototypes in the panel', () => {
  it('group by the class they were learned for, in the model’s order', () => {
    const protos = [
      { name: 'MEL-1', class: 'MEL', exemplarCount: 3 },
      { name: 'MEL-2', class: 'MEL', exemplarCount: 3 },
      { name: 'NV-1', class: 'NV', exemplarCount: 3 },
    ];
    expect(prototypesByClass(protos)).toEqual([
      { class: 'MEL', names: ['MEL-1', 'MEL-2'] },
      { class: 'NV', names: ['NV-1'] },
    ]);
    expect(prototypesByClass([])).toEqual([]);
  });

  it('say their contribution as weight × activation, and shares as percentages', () => {
    expect(contributionText({ weight: 0.4213, activation: 0.9071, contribution: 0.3822 })).toBe('0.42 × 0.91 = 0.38');
    expect(percent(0.34123)).toBe('34.1%');
  });
});
