import { describe, expect, it } from 'vitest';
import { ctImageId, ctImageIds, parseCtImageId } from './ct-image-id';

describe('verdict: CT image ids', () => {
  it('round-trip series and index', () => {
    expect(ctImageId(12, 0)).toBe('verdict:ct/12/0');
    expect(parseCtImageId('verdict:ct/12/131')).toEqual({ seriesId: 12, index: 131 });
    expect(ctImageIds(3, 3)).toEqual(['verdict:ct/3/0', 'verdict:ct/3/1', 'verdict:ct/3/2']);
  });

  it('refuse anything else', () => {
    for (const id of ['verdict:ct/0/1', 'verdict:ct/1/-1', 'verdict:ct/1/2/3', 'wadouri:ct/1/2', 'verdict:ct/a/1', 'verdict:ct/1/1x']) {
      expect(parseCtImageId(id)).toBeNull();
    }
  });
});
