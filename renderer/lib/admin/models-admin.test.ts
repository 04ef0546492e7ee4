import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-client';
import { providerOf, refusalOf, statusOf } from './models-admin.svelte';

describe('the Models tab', () => {
  it('shows every line of a refusal (one wrong field per line) with its code', () => {
    const e = new ApiError({
      code: 'model.invalid-manifest',
      message: 'pack/manifest.json: purpose: Invalid option\npack/manifest.json: vit.heads: Too small\n',
    });
    expect(refusalOf(e)).toEqual({
      code: 'model.invalid-manifest',
      lines: ['pack/manifest.json: purpose: Invalid option', 'pack/manifest.json: vit.heads: Too small'],
    });
    expect(refusalOf(new Error('socket closed'))).toEqual({ code: 'internal', lines: ['socket closed'] });
  });

  it('says whether a model is active and which provider runs it', () => {
    expect(statusOf({ retiredAt: null })).toBe('active');
    expect(statusOf({ retiredAt: '2026-12-07T08:00:00.000Z' })).toBe('retired 2026-12-07');
    expect(providerOf({ provider: 'cpu', providers: ['cuda', 'cpu'] })).toBe('cpu');
    expect(providerOf({ provider: null, providers: ['cuda', 'cpu'] })).toBe('not opened yet (tries cuda → cpu)');
  });
});
