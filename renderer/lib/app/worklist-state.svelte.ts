// The worklist: every case in the open study, as neutral summaries (never patient identifiers).
import type { CaseSummary } from '../../../app/domain';
import type { ApiClient } from '../api-client';
import type { ErrorState } from './error-state.svelte';

export class WorklistState {
  cases = $state<CaseSummary[]>([]);
  loading = $state(false);
  loaded = $state(false);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
  }

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.cases = await this.#api.call('cases.list', {});
      this.loaded = true;
    } catch (e) {
      this.#errors.report('Could not load the worklist', e);
    } finally {
      this.loading = false;
    }
  }

  find(caseId: number): CaseSummary | undefined {
    return this.cases.find((c) => c.id === caseId);
  }
}
