import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../app/explain';
import { compareSelection, defaultCompareMethod, defaultTarget, describeMap, isRunnable, requestTarget, type MapSelection } from './methods';

const model = {
  methods: ['attention', 'cdam', 'concept-cdam'],
  attentionHeads: 3,
  targets: [
    { name: 'benign', label: 'Benign', head: 'c', kind: 'class-logits', range: null },
    { name: 'malignant', label: 'Malignant', head: 'c', kind: 'class-logits', range: null },
    { name: 'spiculation', label: 'Spiculation', head: 'b', kind: 'regression', range: [1, 5] },
  ],
} as unknown as ModelSummary;
const sel = (over: Partial<MapSelection>): MapSelection => ({ method: 'cdam', target: 'malignant', concept: null, head: null, ...over });

describe('explanation selections', () => {
  it('ask main for the output, the concept, or "attention"', () => {
    expect(requestTarget(sel({}))).toBe('malignant');
    expect(requestTarget(sel({ method: 'concept-cdam', concept: 'spiky' }))).toBe('spiky');
    expect(requestTarget(sel({ method: 'attention' }))).toBe('attention');
  });

  it('are runnable only for the model’s methods, outputs, concepts and heads', () => {
    expect(isRunnable(sel({}), model, [])).toBe(true);
    expect(isRunnable(sel({ target: 'nope' }), model, [])).toBe(false);
    expect(isRunnable(sel({ method: 'smooth-cdam' }), model, [])).toBe(false);
    expect(isRunnable(sel({ method: 'attention', head: 2 }), model, [])).toBe(true);
    expect(isRunnable(sel({ method: 'attention', head: 3 }), model, [])).toBe(false);
    expect(isRunnable(sel({ method: 'concept-cdam', concept: 'x' }), model, [{ name: 'x' } as never])).toBe(true);
    expect(isRunnable(sel({ method: 'concept-cdam', concept: 'y' }), model, [{ name: 'x' } as never])).toBe(false);
    expect(isRunnable(sel({}), null, [])).toBe(false);
  });

  it('start on the positive class and compare CDAM with attention (and back)', () => {
    expect(defaultTarget(model.targets)).toBe('malignant');
    expect(defaultTarget([{ name: 'NV' }, { name: 'MEL' }] as never)).toBe('MEL');
    expect(defaultTarget([])).toBe('');
    expect(defaultCompareMethod('smooth-cdam')).toBe('attention');
    expect(defaultCompareMethod('attention')).toBe('cdam');
    expect(compareSelection(sel({ head: 1 }), 'attention')).toMatchObject({ method: 'attention', target: 'malignant', head: 1 });
  });

  it('describe a map', () => {
    expect(describeMap({ method: 'smooth-cdam', target: 'MEL', params: {} })).toBe('Smooth CDAM · MEL');
    expect(describeMap({ method: 'attention', target: 'attention', params: { head: 1 } })).toBe('Attention · head 2');
    expect(describeMap({ method: 'attention', target: 'attention', params: {} })).toBe('Attention · mean of heads');
  });
});
