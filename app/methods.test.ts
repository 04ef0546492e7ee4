// The method descriptors: one per method, each with a label of its own, a reference, and
// parameters whose schemas take the defaults and refuse what is out of range; targets and the
// default target follow from the target kind; what a pack offers follows from what it provides.
import { describe, expect, it } from 'vitest';
import { defaultTarget, targetsFor } from './explain';
import { explainParams, methodParamsSchema } from './method-params';
import {
  METHOD_DESCRIPTORS,
  METHOD_IDS,
  descriptor,
  isMethodId,
  methodLabel,
  offeredMethods,
  paramDefault,
  takesParam,
  type MethodNeed,
} from './methods';
import { conditionSchema } from './protocol';

const defaultsOf = (d: (typeof METHOD_DESCRIPTORS)[number]) =>
  Object.fromEntries(d.params.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]));

describe('method descriptors', () => {
  it('describe every method once, the ids listed in their order', () => {
    expect(METHOD_IDS).toEqual(METHOD_DESCRIPTORS.map((d) => d.id));
    expect(new Set(METHOD_IDS).size).toBe(METHOD_IDS.length);
    expect(METHOD_IDS.slice(0, 2)).toEqual(['attention', 'cdam']);
    for (const id of METHOD_IDS) expect(descriptor(id).id).toBe(id);
    expect(isMethodId('score-cam')).toBe(false);
    expect(() => descriptor('score-cam' as never)).toThrow(/No explanation method "score-cam"/);
  });

  it('give each method one label, unique, and the same wherever it is shown', () => {
    const labels = METHOD_DESCRIPTORS.map((d) => d.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(methodLabel('lima')).toBe('LiMA');
    expect(methodLabel('prototype-map')).toBe('Prototype similarity');
    // An id from an old export is shown as it is.
    expect(methodLabel('gradcam')).toBe('gradcam');
  });

  it('cite a reference and name the two ends of the colour bar', () => {
    for (const d of METHOD_DESCRIPTORS) {
      expect(d.reference, d.id).toMatch(/\w+.*(19|20)\d\d|arXiv|obzai\/CDAM/);
      expect(d.ends, d.id).toHaveLength(2);
    }
  });

  it('have parameter schemas that take the defaults and refuse what is out of range, fractional or foreign', () => {
    for (const d of METHOD_DESCRIPTORS) {
      const own = methodParamsSchema(d);
      expect(own.safeParse({}).success, d.id).toBe(true);
      expect(own.safeParse(defaultsOf(d)).success, d.id).toBe(true);
      expect(explainParams.safeParse(defaultsOf(d)).success, d.id).toBe(true);
      for (const p of d.params) {
        expect(p.min, `${d.id}.${p.name}`).toBeLessThanOrEqual(p.max);
        if (p.default !== undefined) expect(p.default >= p.min && p.default <= p.max, `${d.id}.${p.name} default in range`).toBe(true);
        expect(own.safeParse({ [p.name]: p.min - 1 }).success, `${d.id}.${p.name} below`).toBe(false);
        expect(own.safeParse({ [p.name]: p.max + 1 }).success, `${d.id}.${p.name} above`).toBe(false);
        expect(explainParams.safeParse({ [p.name]: p.max + 1 }).success, `${d.id}.${p.name} above, at the boundary`).toBe(false);
        if (p.integer) expect(own.safeParse({ [p.name]: p.min + 0.5 }).success, `${d.id}.${p.name} fractional`).toBe(false);
      }
      // A parameter of another method is not this one's.
      const foreign = METHOD_DESCRIPTORS.flatMap((x) => x.params).find((p) => !d.params.some((q) => q.name === p.name));
      if (foreign) expect(own.safeParse({ [foreign.name]: foreign.min }).success, `${d.id} refuses ${foreign.name}`).toBe(false);
    }
    expect(explainParams.safeParse({ gamma: 1 }).success).toBe(false);
    expect(paramDefault('smooth-cdam', 'samples')).toBe(50);
    expect(paramDefault('lima', 'pending')).toBe(8);
    expect(paramDefault('attention', 'head')).toBeUndefined();
    expect(takesParam('attention', 'head')).toBe(true);
    expect(takesParam('cdam', 'head')).toBe(false);
  });

  it("check a protocol condition's parameters with the same schema", () => {
    const c = { id: 'smooth', model: 'isic-vit', method: 'smooth-cdam', target: 'MEL' };
    expect(conditionSchema.safeParse({ ...c, params: { samples: 20, seed: 3 } }).success).toBe(true);
    expect(conditionSchema.safeParse({ ...c, params: { samples: 0 } }).success).toBe(false);
    expect(conditionSchema.safeParse({ ...c, method: 'gradcam' }).success).toBe(false);
  });

  it('give the targets and the default target from the kind of target, for every method', () => {
    const model = {
      targets: [
        { name: 'spiculation', kind: 'regression' as const },
        { name: 'benign', kind: 'class-logits' as const },
        { name: 'malignant', kind: 'class-logits' as const },
      ],
      attributes: [{ name: 'color' }, { name: 'shape' }],
      prototypes: [{ name: 'MEL-1' }],
    };
    const expected = {
      output: ['spiculation', 'benign', 'malignant'],
      none: ['attention'],
      concept: [],
      axis: ['color', 'shape'],
      prototype: ['MEL-1'],
    };
    const first = { output: 'malignant', none: 'attention', concept: '', axis: 'color', prototype: 'MEL-1' };
    for (const d of METHOD_DESCRIPTORS) {
      expect(targetsFor(model, d.id), d.id).toEqual(expected[d.targets]);
      expect(defaultTarget(model, d.id), d.id).toBe(first[d.targets]);
    }
    // No positive class by name: the first class output, not the rating listed before it.
    expect(defaultTarget({ ...model, targets: model.targets.slice(0, 2) }, 'cdam')).toBe('benign');
    expect(defaultTarget(undefined, 'cdam')).toBe('');
  });

  it('offer a method exactly where a pack provides what it needs', () => {
    const needs: MethodNeed[] = ['backbone', 'tail', 'attribute-maps', 'prototype-maps', 'black-box', 'cam'];
    for (const need of needs) expect(offeredMethods([need])).toEqual(METHOD_DESCRIPTORS.filter((d) => d.needs === need).map((d) => d.id));
    expect(offeredMethods(needs)).toEqual([...METHOD_IDS]);
    expect(offeredMethods([])).toEqual([]);
  });
});
