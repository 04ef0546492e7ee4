import { describe, expect, it } from 'vitest';
import { defaultOutput, defaultTarget, type ModelSummary } from '../../../app/explain';
import {
  compareChoices,
  compareSelection,
  defaultCompareMethod,
  defaultMethod,
  describeMap,
  EMPTY_SELECTION,
  isRunnable,
  overlaidTarget,
  requestTarget,
  selectionFor,
  type MapSelection,
} from './methods';

const model = {
  methods: ['attention', 'cdam', 'concept-cdam'],
  attentionHeads: 3,
  targets: [
    { name: 'benign', label: 'Benign', head: 'c', kind: 'class-logits', range: null },
    { name: 'malignant', label: 'Malignant', head: 'c', kind: 'class-logits', range: null },
    { name: 'spiculation', label: 'Spiculation', head: 'b', kind: 'regression', range: [1, 5] },
  ],
  attributes: null,
  prototypes: null,
} as unknown as ModelSummary;
const diagnosis = [
  { name: 'MEL', label: 'Melanoma', head: 'diagnosis', kind: 'class-logits', range: null },
  { name: 'NV', label: 'Nevus', head: 'diagnosis', kind: 'class-logits', range: null },
];
/** An attribute-token pack: no tail graph, so no CDAM. */
const explicd = {
  methods: ['attention', 'attribute-map', 'lima'],
  attentionHeads: 4,
  targets: [...diagnosis, { name: 'color.0', label: 'variable', head: 'color', kind: 'class-logits', range: null }],
  attributes: [
    { name: 'color', label: 'Color', head: 'color', values: [{ name: 'color.0', label: 'variable' }] },
    { name: 'shape', label: 'Shape', head: 'shape', values: [] },
  ],
  prototypes: null,
} as unknown as ModelSummary;
const protofm = {
  methods: ['attention', 'prototype-map', 'lima'],
  attentionHeads: 4,
  targets: diagnosis,
  attributes: null,
  prototypes: [
    { name: 'MEL-1', class: 'MEL', exemplarCount: 3 },
    { name: 'NV-1', class: 'NV', exemplarCount: 3 },
  ],
} as unknown as ModelSummary;
const sel = (over: Partial<MapSelection>): MapSelection => ({ ...EMPTY_SELECTION, method: 'cdam', target: 'malignant', ...over });

describe('explanation selections', () => {
  it('ask main for the output, the concept, the axis, the prototype or "attention"', () => {
    expect(requestTarget(sel({}))).toBe('malignant');
    expect(requestTarget(sel({ method: 'concept-cdam', concept: 'spiky' }))).toBe('spiky');
    expect(requestTarget(sel({ method: 'attention' }))).toBe('attention');
    expect(requestTarget(sel({ method: 'attribute-map', axis: 'color' }))).toBe('color');
    expect(requestTarget(sel({ method: 'prototype-map', prototype: 'MEL-1' }))).toBe('MEL-1');
    expect(requestTarget(sel({ method: 'lima' }))).toBe('malignant');
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

  it('are runnable for an attribute model’s axes and a prototype model’s prototypes only', () => {
    expect(isRunnable(sel({ method: 'attribute-map', axis: 'color' }), explicd, [])).toBe(true);
    expect(isRunnable(sel({ method: 'attribute-map', axis: 'MEL' }), explicd, [])).toBe(false);
    expect(isRunnable(sel({ method: 'attribute-map', axis: null }), explicd, [])).toBe(false);
    expect(isRunnable(sel({ method: 'attribute-map', axis: 'color' }), model, [])).toBe(false);
    expect(isRunnable(sel({ method: 'prototype-map', prototype: 'NV-1' }), protofm, [])).toBe(true);
    expect(isRunnable(sel({ method: 'prototype-map', prototype: 'NV-9' }), protofm, [])).toBe(false);
    expect(isRunnable(sel({ method: 'prototype-map', prototype: 'NV-1' }), explicd, [])).toBe(false);
  });

  it('start on the positive class, and on a method the model offers', () => {
    expect(defaultOutput(model.targets)).toBe('malignant');
    expect(defaultOutput([{ name: 'NV' }, { name: 'MEL' }] as never)).toBe('MEL');
    // Without a positive class: the first class output, not a rating listed before it.
    expect(
      defaultOutput([
        { name: 'spiculation', kind: 'regression' },
        { name: 'NV', kind: 'class-logits' },
      ] as never),
    ).toBe('NV');
    expect(defaultOutput([])).toBe('');
    // The one rule, for every kind of target (the protocol editor uses it too).
    expect(defaultTarget(model, 'smooth-cdam')).toBe('malignant');
    expect(defaultTarget(model, 'attention')).toBe('attention');
    expect(defaultTarget(explicd, 'attribute-map')).toBe('color');
    expect(defaultTarget(protofm, 'prototype-map')).toBe('MEL-1');
    expect(defaultTarget(model, 'concept-cdam')).toBe('');
    expect(defaultMethod(model)).toBe('cdam');
    expect(defaultMethod(explicd)).toBe('attribute-map');
    expect(defaultMethod(protofm)).toBe('prototype-map');
    expect(defaultMethod({ methods: ['lima'] } as unknown as ModelSummary)).toBe('lima');
    // Attention (one pass) before a black-box method, a concept last.
    expect(defaultMethod({ methods: ['attention', 'concept-cdam', 'lima'] } as unknown as ModelSummary)).toBe('attention');
    // Whatever the panel showed before any model, the first model starts on its own best method.
    expect(selectionFor(model, { ...EMPTY_SELECTION, method: 'attention' }).method).toBe('attention');
    expect(selectionFor(model, null).method).toBe('cdam');
  });

  it('keep what the next model also has when the model changes, and start afresh on the rest', () => {
    const first = selectionFor(explicd, null);
    expect(first).toEqual({ method: 'attribute-map', target: 'MEL', concept: null, head: null, axis: 'color', prototype: null });
    const onShape = selectionFor(explicd, { ...first, axis: 'shape' });
    expect(onShape.axis).toBe('shape');
    const toPrototypes = selectionFor(protofm, onShape);
    expect(toPrototypes).toMatchObject({ method: 'prototype-map', target: 'MEL', axis: null, prototype: 'MEL-1' });
    expect(selectionFor(protofm, sel({ method: 'attention', head: 1 }))).toMatchObject({ method: 'attention', head: null, target: 'MEL' });
    expect(selectionFor(model, toPrototypes)).toMatchObject({ method: 'cdam', target: 'malignant', prototype: null });
  });

  it('compare CDAM with attention (and back), with methods the model offers only', () => {
    expect(defaultCompareMethod(sel({ method: 'smooth-cdam' }), { ...model, methods: ['attention', 'smooth-cdam'] }, [])).toBe('attention');
    expect(defaultCompareMethod(sel({ method: 'attention' }), model, [])).toBe('cdam');
    expect(compareSelection(sel({ head: 1 }), 'attention')).toMatchObject({ method: 'attention', target: 'malignant', head: 1 });
    // Concept CDAM is never B; the method on show is not either.
    expect(compareChoices(sel({}), model, [{ name: 'x' } as never])).toEqual(['attention']);
    // Without CDAM, attention is compared with what the model has.
    const a = selectionFor(explicd, null);
    expect(compareChoices(a, explicd, [])).toEqual(['attention', 'lima']);
    expect(defaultCompareMethod({ ...a, method: 'attention' }, explicd, [])).toBe('attribute-map');
    expect(compareChoices({ ...a, method: 'attention' }, explicd, [])).toEqual(['attribute-map', 'lima']);
    expect(defaultCompareMethod(sel({ method: 'attention' }), { ...model, methods: ['attention'] }, [])).toBeNull();
    expect(compareChoices(sel({}), null, [])).toEqual([]);
  });

  it('describe a map, and tell which axis or prototype is on show', () => {
    expect(describeMap({ method: 'smooth-cdam', target: 'MEL', params: {} })).toBe('Smooth CDAM · MEL');
    expect(describeMap({ method: 'attention', target: 'attention', params: { head: 1 } })).toBe('Attention · head 2');
    expect(describeMap({ method: 'attention', target: 'attention', params: {} })).toBe('Attention · mean of heads');
    expect(describeMap({ method: 'attribute-map', target: 'color', params: {} })).toBe('Attribute map · color');
    expect(describeMap({ method: 'prototype-map', target: 'MEL-3', params: {} })).toBe('Prototype similarity · MEL-3');
    expect(describeMap({ method: 'lima', target: 'MEL', params: {} })).toBe('LiMA · MEL');
    expect(overlaidTarget({ method: 'attribute-map', target: 'color' }, 'axis')).toBe('color');
    expect(overlaidTarget({ method: 'cdam', target: 'MEL' }, 'axis')).toBeNull();
    expect(overlaidTarget(null, 'prototype')).toBeNull();
  });
});
