import { describe, expect, it } from 'vitest';
import { protocolSchema } from '../../../app/protocol';
import type { ModelSummary } from '../../../app/explain';
import {
  QUESTION_TYPES,
  blankProtocol,
  conditionLabel,
  defaultTarget,
  fieldPath,
  freeId,
  newCondition,
  newQuestion,
  parseProtocolFile,
  protocolFileText,
  schemaIssues,
} from './protocol-draft';

const model = {
  packId: 'isic-vit',
  purpose: 'demo',
  methods: ['attention', 'cdam', 'smooth-cdam'],
  targets: [{ name: 'MEL', label: 'Melanoma', head: 'dx', kind: 'class-logits', range: null }],
} as unknown as ModelSummary;

describe('protocol draft', () => {
  it('gives each method a target it can explain: an output, attention, an axis or a prototype', () => {
    const selfExplaining = {
      ...model,
      methods: ['attention', 'attribute-map', 'prototype-map'],
      attributes: [
        { name: 'color', label: 'Color', head: 'color', values: [] },
        { name: 'border', label: 'Border', head: 'border', values: [] },
      ],
      prototypes: [{ name: 'MEL-1', class: 'MEL', exemplarCount: 3 }],
    } as unknown as ModelSummary;
    expect(defaultTarget(model, 'cdam')).toBe('MEL');
    expect(defaultTarget(model, 'attention')).toBe('attention');
    expect(defaultTarget(selfExplaining, 'attribute-map')).toBe('color');
    expect(defaultTarget(selfExplaining, 'prototype-map')).toBe('MEL-1');
    // A model without axes has no attribute target to offer.
    expect(defaultTarget(model, 'attribute-map')).toBe('');
  });

  it('makes a new question of every type that the schema accepts', () => {
    const taken: string[] = [];
    for (const { type } of QUESTION_TYPES) {
      const q = newQuestion(type, taken);
      taken.push(q.id);
      expect(protocolSchema.shape.questions.element.safeParse(q).success, type).toBe(true);
    }
    expect(new Set(taken).size).toBe(QUESTION_TYPES.length);
  });

  it('finds free ids', () => {
    expect(freeId('trust', ['trust', 'trust-2'])).toBe('trust-3');
    expect(freeId('Smooth CDAM / MEL', [])).toBe('smooth-cdam-mel');
  });

  it('builds a condition from a model, and names it for the coordinator', () => {
    const c = newCondition([model], ['cdam-mel']);
    expect(c).toEqual({ id: 'cdam-mel-2', model: 'isic-vit', method: 'cdam', target: 'MEL' });
    expect(conditionLabel({ method: 'smooth-cdam', target: 'MEL' })).toBe('Smooth CDAM / MEL');
    expect(conditionLabel({ method: 'attention', target: 'attention' })).toBe('Attention');
  });

  it('keys the schema’s complaints by field, as main does', () => {
    const draft = blankProtocol('dermoscopy', 7);
    const issues = schemaIssues(draft);
    expect([...issues.keys()]).toEqual(['conditions', 'questions']);
    draft.conditions.push(newCondition([model], []));
    draft.questions.push({ ...newQuestion('single-choice', []), options: [{ value: 'a', label: 'A' }] } as never);
    expect([...schemaIssues(draft).keys()]).toEqual(['questions[0].options']);
    expect(fieldPath(['a', 0, 'b', 1])).toBe('a[0].b[1]');
  });

  it('writes and reads the protocol file', () => {
    const p = blankProtocol('CT', 1);
    p.conditions.push(newCondition([model], []));
    p.questions.push(newQuestion('likert', []));
    const back = parseProtocolFile(protocolFileText(p));
    expect(back).toEqual({ protocol: p });
    expect(parseProtocolFile('{')).toMatchObject({ problems: [expect.stringMatching(/not JSON/)] });
    expect(parseProtocolFile('{"format":"x"}')).toMatchObject({ problems: expect.arrayContaining([expect.stringMatching(/^format/)]) });
  });
});
