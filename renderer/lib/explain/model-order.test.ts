import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../../app/explain';
import { byPanelOrder, isBlackBox, isSelfExplaining } from './model-order';

const model = (id: number, purpose: ModelSummary['purpose'], kind: 'plain' | 'attributes' | 'prototypes' | 'black-box' = 'plain') =>
  ({
    id,
    purpose,
    attentionHeads: kind === 'black-box' ? 0 : 4,
    attributes: kind === 'attributes' ? [] : null,
    prototypes: kind === 'prototypes' ? [] : null,
  }) as unknown as ModelSummary;

describe('the explanation panel’s model order', () => {
  it('tells self-explaining packs from plain classifiers', () => {
    expect(isSelfExplaining(model(1, 'demo'))).toBe(false);
    expect(isSelfExplaining(model(1, 'demo', 'attributes'))).toBe(true);
    expect(isSelfExplaining(model(1, 'demo', 'prototypes'))).toBe(true);
  });

  it('puts the plain demo model first even when self-explaining packs were registered before it', () => {
    const models = [
      model(1, 'demo', 'attributes'),
      model(2, 'demo', 'prototypes'),
      model(3, 'sanity-check'),
      model(4, 'demo'),
      model(5, 'test'),
    ];
    expect([...models].sort(byPanelOrder).map((m) => m.id)).toEqual([4, 1, 2, 3, 5]);
  });

  it('puts black-box packs (the demo CNN) after the ViT packs, registered first or not', () => {
    expect(isBlackBox(model(1, 'demo', 'black-box'))).toBe(true);
    expect(isBlackBox(model(1, 'demo'))).toBe(false);
    const models = [model(1, 'demo', 'black-box'), model(2, 'demo', 'attributes'), model(3, 'demo'), model(4, 'sanity-check')];
    expect([...models].sort(byPanelOrder).map((m) => m.id)).toEqual([3, 2, 1, 4]);
  });
});
