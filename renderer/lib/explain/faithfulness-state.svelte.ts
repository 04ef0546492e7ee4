// Faithfulness of the map on show (A), for the coordinator: main perturbs the model input as each
// metric defines, scores it, and stores the results with the map. Staff only by API; the reading
// view never has this state. Results belong to one map: a new map A forgets them.
import type { ExplainProgress, ExplanationMap } from '../../../app/explain';
import type { ExplanationMetric } from '../../../app/faithfulness';
import { ApiError, type ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { faithfulnessJobId, metricsRequest } from './metrics-request';

export class FaithfulnessState {
  /** The map the results (or the running measurement) belong to. */
  mapId = $state<number | null>(null);
  results = $state.raw<ExplanationMetric[] | null>(null);
  running = $state(false);
  progress = $state.raw<ExplainProgress | null>(null);
  error = $state<string | null>(null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #unsubscribe: () => void;
  /** Bumped by forget(), so a late answer for a map no longer on show is dropped. */
  #generation = 0;
  #jobId = '';

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
    this.#unsubscribe = api.on('explain.progress', (p) => {
      if (this.running && p.jobId === this.#jobId) this.progress = p;
    });
  }

  /** The results of this map, if they are the ones held. */
  of(map: ExplanationMap | null): ExplanationMetric[] | null {
    return map && this.mapId === map.id ? this.results : null;
  }

  async measure(map: ExplanationMap): Promise<void> {
    if (this.running) return;
    const generation = ++this.#generation;
    this.mapId = map.id;
    this.results = null;
    this.running = true;
    this.progress = null;
    this.error = null;
    this.#jobId = faithfulnessJobId(map.caseId);
    try {
      const results = await this.#api.call('explain.metrics', metricsRequest(map, this.#jobId));
      if (generation === this.#generation) this.results = results;
    } catch (e) {
      if (generation === this.#generation) this.#failed(e);
    } finally {
      if (generation === this.#generation) {
        this.running = false;
        this.progress = null;
      }
    }
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    try {
      await this.#api.call('explain.cancel', { jobId: this.#jobId });
    } catch (e) {
      this.#errors.report('Could not cancel the measurement', e);
    }
  }

  /** Map A changed (or the subject did): what is running answers a question nobody asks any more. */
  forget(): void {
    if (this.running) void this.#api.call('explain.cancel', { jobId: this.#jobId }).catch(() => {});
    this.#generation++;
    this.mapId = null;
    this.results = null;
    this.running = false;
    this.progress = null;
    this.error = null;
  }

  dispose(): void {
    this.forget();
    this.#unsubscribe();
  }

  #failed(e: unknown): void {
    if (e instanceof ApiError && e.code === 'explain.cancelled') {
      this.error = 'Cancelled.';
      return;
    }
    this.error = `Could not measure faithfulness: ${e instanceof Error ? e.message : String(e)}`;
    this.#errors.report('Could not measure faithfulness', e);
  }
}
