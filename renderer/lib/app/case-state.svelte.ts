// One open case: its detail from main, the state of whichever viewer it needs, and its
// explanations (models, maps, predictions).
import type { CaseDetail } from '../../../app/domain';
import type { ApiClient } from '../api-client';
import { CtReadingState } from '../ct/ct-reading-state.svelte';
import { DermoState } from '../dermo/dermo-state.svelte';
import type { CandidateCase } from '../explain/concept-state.svelte';
import { ExplainState } from '../explain/explain-state.svelte';
import type { ErrorState } from './error-state.svelte';

export class CaseState {
  readonly caseId: number;
  /** performance.now() when the reader asked for the case: the start of time-to-first-slice. */
  readonly openedAt: number;
  detail = $state.raw<CaseDetail | null>(null);
  ct = $state.raw<CtReadingState | null>(null);
  dermo = $state.raw<DermoState | null>(null);
  explain = $state.raw<ExplainState | null>(null);
  loading = $state(true);
  error = $state<string | null>(null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  /** The worklist, where concept examples are picked from. */
  readonly #candidates: () => readonly CandidateCase[];

  constructor(
    api: ApiClient,
    errors: ErrorState,
    caseId: number,
    candidates: () => readonly CandidateCase[] = () => [],
    openedAt = performance.now(),
  ) {
    this.#api = api;
    this.#errors = errors;
    this.caseId = caseId;
    this.#candidates = candidates;
    this.openedAt = openedAt;
  }

  async load(): Promise<void> {
    try {
      const detail = await this.#api.call('cases.get', { caseId: this.caseId });
      this.detail = detail;
      if (detail.series.length > 0) this.ct = new CtReadingState(this.#api, detail, detail.series[0]);
      if (detail.images.length > 0) {
        this.dermo = new DermoState(this.#api, this.#errors, detail.images[0]);
        void this.dermo.load();
      }
      if (!this.ct && !this.dermo) this.error = 'This case has no images to show.';
      else if (detail.modality !== 'other') {
        this.explain = new ExplainState(this.#api, this.#errors, detail.id, detail.modality, this.#candidates);
        void this.explain.start();
      }
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.#errors.report('Could not open the case', e);
    } finally {
      this.loading = false;
    }
  }

  /** The case is closed: stop listening for explanation progress. */
  dispose(): void {
    this.explain?.dispose();
  }
}
