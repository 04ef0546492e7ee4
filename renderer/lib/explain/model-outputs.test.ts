import { describe, expect, it } from 'vitest';
import type { PredictedOutput } from '../../../app/explain';
import { barOutputs, characteristicPredictions, classHeads, diameterComparison, otherRegressions, readerMean } from './model-outputs';

const out = (
  name: string,
  head: string,
  kind: PredictedOutput['kind'],
  value: number,
  probability: number | null = null,
): PredictedOutput => ({ name, head, kind, value, probability });

describe('classHeads', () => {
  it('groups class logits by head, keeps main’s probabilities, labels from the targets', () => {
    const heads = classHeads(
      [
        out('benign', 'cls', 'class-logits', 1, 0.3),
        out('malignant', 'cls', 'class-logits', 2, 0.7),
        out('spiculation', 'bio', 'regression', 3),
      ],
      [{ name: 'malignant', label: 'Malignant', head: 'cls', kind: 'class-logits', range: null }],
    );
    expect(heads).toEqual([
      {
        head: 'cls',
        bars: [
          { name: 'benign', label: 'benign', value: 1, probability: 0.3 },
          { name: 'malignant', label: 'Malignant', value: 2, probability: 0.7 },
        ],
      },
    ]);
  });

  it('computes the softmax per head when main sent no probabilities', () => {
    const heads = classHeads([out('a', 'h1', 'class-logits', 0), out('b', 'h1', 'class-logits', 0), out('c', 'h2', 'class-logits', 5)], []);
    expect(heads.map((h) => h.bars.map((b) => b.probability))).toEqual([[0.5, 0.5], [1]]);
  });
});

describe('barOutputs', () => {
  it('leaves an attribute-token model’s axis heads to the attribute panel', () => {
    const outputs = [
      out('MEL', 'diagnosis', 'class-logits', 1),
      out('color.0', 'color', 'class-logits', 2),
      out('shape.1', 'shape', 'class-logits', 3),
    ];
    const axes = [{ name: 'color', label: 'Color', head: 'color', values: [] }];
    expect(barOutputs(outputs, axes).map((o) => o.name)).toEqual(['MEL', 'shape.1']);
    expect(barOutputs(outputs, null)).toBe(outputs);
  });
});

describe('LIDC biomarkers', () => {
  const outputs = [
    out('spiculation', 'bio', 'regression', 2.5),
    out('malignancy', 'bio', 'regression', 3.25),
    out('diameter', 'bio', 'regression', 11),
    out('score', 'x', 'regression', 1),
    out('malignant', 'c', 'class-logits', 0),
  ];

  it('picks regression outputs named like a characteristic', () => {
    expect(characteristicPredictions(outputs)).toEqual({ spiculation: 2.5, malignancy: 3.25 });
    expect(otherRegressions(outputs).map((o) => o.name)).toEqual(['score']);
  });

  it('compares predicted and consensus diameters', () => {
    expect(diameterComparison(outputs, { diameterMm: 12.5 })).toEqual({ model: 11, readers: 12.5 });
    expect(diameterComparison([], { diameterMm: 12.5 })).toBeNull();
  });

  it('averages the readers who rated', () => {
    const c = (malignancy: number) => ({ malignancy }) as never;
    const nodule = { marks: [{ characteristics: c(3) }, { characteristics: c(5) }, { characteristics: null }] } as never;
    expect(readerMean(nodule, 'malignancy')).toBe(4);
    expect(readerMean({ marks: [] }, 'malignancy')).toBeNull();
  });
});
