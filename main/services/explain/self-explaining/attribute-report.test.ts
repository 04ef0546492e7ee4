import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../models/manifest';
import { attributeReadings } from './attribute-report';

const manifest = {
  outputs: [
    { head: 'diagnosis', kind: 'class-logits', units: [{ name: 'MEL' }, { name: 'NV' }] },
    {
      head: 'color',
      kind: 'class-logits',
      units: [
        { name: 'color.0', label: 'variegated' },
        { name: 'color.1', label: 'uniform' },
        { name: 'color.2', label: 'pearly' },
      ],
    },
    {
      head: 'border',
      kind: 'class-logits',
      units: [
        { name: 'border.0', label: 'blurry' },
        { name: 'border.1', label: 'sharp' },
      ],
    },
  ],
  attributes: {
    reference: 'test',
    axes: [
      { name: 'color', label: 'Color', head: 'color' },
      { name: 'border', label: 'Border', head: 'border' },
    ],
  },
} as unknown as Manifest;

describe('attribute readings', () => {
  it('give each axis its most probable value, with a softmax over that axis only', () => {
    // diagnosis logits, then color logits, then border logits
    const r = attributeReadings(manifest, Float32Array.from([5, -5, 0, 2, 1, 3, 3]));
    expect(r.map((a) => a.axis)).toEqual(['color', 'border']);
    const e = [Math.exp(0), Math.exp(2), Math.exp(1)];
    const total = e[0] + e[1] + e[2];
    expect(r[0].value).toEqual({ name: 'color.1', label: 'uniform' });
    expect(r[0].probability).toBeCloseTo(e[1] / total, 6);
    expect(r[0].values.map((v) => v.probability).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(r[0].label).toBe('Color');
    // A tie goes to the first value.
    expect(r[1].value.name).toBe('border.0');
    expect(r[1].probability).toBeCloseTo(0.5, 6);
  });
});
