import { describe, expect, it } from 'vitest';
import { endpoints } from '../../../app/api';
import { METRIC_IDS } from '../../../app/faithfulness';
import { faithfulnessJobId, metricsRequest } from './metrics-request';

const map = { modelId: 1, caseId: 7, noduleId: null, method: 'lima' as const, target: 'MEL', params: { regions: 50, pending: 8 } };

describe('the metrics request of a map', () => {
  it('asks for every metric of the same map, with the map’s own parameters', () => {
    const r = metricsRequest(map, 'faith-7-1-abc');
    expect(r).toEqual({
      jobId: 'faith-7-1-abc',
      modelId: 1,
      caseId: 7,
      noduleId: null,
      method: 'lima',
      target: 'MEL',
      params: { regions: 50, pending: 8 },
      metrics: [...METRIC_IDS],
    });
    expect(endpoints['explain.metrics'].input.safeParse(r).success).toBe(true);
  });

  it('sends no parameters for a map that has none, and a job id main accepts', () => {
    const r = metricsRequest({ ...map, method: 'cdam', params: {} }, faithfulnessJobId(7));
    expect(r.params).toBeUndefined();
    expect(endpoints['explain.metrics'].input.safeParse(r).success).toBe(true);
    expect(faithfulnessJobId(7)).not.toBe(faithfulnessJobId(7));
  });
});
