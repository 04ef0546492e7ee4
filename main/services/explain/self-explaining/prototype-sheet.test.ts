import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../models/manifest';
import { prototypeRows } from './prototype-sheet';

// Three prototypes over two classes; only what prototypeRows reads.
const manifest = {
  outputs: [{ head: 'diagnosis', kind: 'class-logits', units: [{ name: 'MEL' }, { name: 'NV' }] }],
  prototypes: {
    reference: 'test',
    activation: 'max',
    units: [
      { name: 'MEL-1', class: 'MEL', weights: [1.0, 0.0], exemplars: [] },
      { name: 'MEL-2', class: 'MEL', weights: [0.5, 0.1], exemplars: [] },
      { name: 'NV-1', class: 'NV', weights: [0.2, 2.0], exemplars: [] },
    ],
  },
} as unknown as Manifest;

describe('prototype score sheet rows', () => {
  it('are weight × activation for the class, largest first, with shares of the positive score', () => {
    const rows = prototypeRows(manifest, Float32Array.from([0.3, 0.9, 0.5]), 0);
    expect(rows.map((r) => r.name)).toEqual(['MEL-2', 'MEL-1', 'NV-1']);
    expect(rows[0].contribution).toBeCloseTo(0.45, 6);
    expect(rows[1].contribution).toBeCloseTo(0.3, 6);
    expect(rows[2].contribution).toBeCloseTo(0.1, 6);
    expect(rows.map((r) => r.share).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    expect(rows[0].share).toBeCloseTo(0.45 / 0.85, 6);
    expect(rows[0]).toMatchObject({ class: 'MEL', weight: 0.5 });
  });

  it('explain another class with that class’s weights; a negative activation contributes nothing to the shares', () => {
    const rows = prototypeRows(manifest, Float32Array.from([0.3, -0.4, 0.5]), 1);
    expect(rows.map((r) => r.name)).toEqual(['NV-1', 'MEL-1', 'MEL-2']);
    expect(rows[0].contribution).toBeCloseTo(1.0, 6);
    expect(rows[2].contribution).toBeCloseTo(-0.04, 6);
    expect(rows[2].share).toBe(0);
    expect(rows[0].share).toBeCloseTo(1, 6);
  });

  it('keeps manifest order between equal contributions', () => {
    const rows = prototypeRows(manifest, Float32Array.from([0, 0, 0]), 0);
    expect(rows.map((r) => r.name)).toEqual(['MEL-1', 'MEL-2', 'NV-1']);
    expect(rows.every((r) => r.share === 0)).toBe(true);
  });
});
