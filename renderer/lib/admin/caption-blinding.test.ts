import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../../app/protocol';
import { captionsSetApart } from './caption-blinding';

const c = (id: string, target: string) =>
  ({ id, model: 'm', method: target === 'attention' ? 'attention' : 'cdam', target }) as Protocol['conditions'][number];

describe('captions and blinding', () => {
  it('names a target-less condition among targeted ones while targets are shown', () => {
    expect(captionsSetApart({ stimulusTargets: 'shown', conditions: [c('a', 'malignant'), c('att', 'attention')] })).toEqual(['att']);
  });
  it('is quiet when targets are hidden or every condition is alike', () => {
    expect(captionsSetApart({ stimulusTargets: 'hidden', conditions: [c('a', 'malignant'), c('att', 'attention')] })).toEqual([]);
    expect(captionsSetApart({ stimulusTargets: 'shown', conditions: [c('a', 'malignant'), c('b', 'spiculation')] })).toEqual([]);
    expect(captionsSetApart({ stimulusTargets: 'shown', conditions: [c('att', 'attention')] })).toEqual([]);
  });
});
