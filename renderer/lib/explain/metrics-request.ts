// The explain.metrics request for a map on show: the same subject, method, target and (main's
// normalised) parameters as the map, so main scores that very map, and every metric there is.
import type { ArgsOf } from '../../../app/api';
import type { ExplanationMap } from '../../../app/explain';
import { METRIC_IDS } from '../../../app/faithfulness';

export type MetricsRequest = ArgsOf<'explain.metrics'>;

export function metricsRequest(
  map: Pick<ExplanationMap, 'modelId' | 'caseId' | 'noduleId' | 'method' | 'target' | 'params'>,
  jobId: string,
): MetricsRequest {
  const params = Object.keys(map.params).length ? map.params : undefined;
  return {
    jobId,
    modelId: map.modelId,
    caseId: map.caseId,
    noduleId: map.noduleId,
    method: map.method,
    target: map.target,
    params,
    metrics: [...METRIC_IDS],
  };
}

let counter = 0;

/** A job id of this window's own (a random part keeps windows apart), so its progress and Cancel are its own. */
export const faithfulnessJobId = (caseId: number): string => `faith-${caseId}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
