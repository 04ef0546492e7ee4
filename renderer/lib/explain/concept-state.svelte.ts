// Concepts for concept CDAM: the model's saved concepts, and the "save a concept from these
// cases" flow — the reader ticks example cases (CT: nodules of cases) from the worklist, names
// the concept, and main stores the mean CLS embedding of the examples under that name.
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { CaseModality, CaseSummary, Nodule } from '../../../app/domain';
import type { Concept, ModelId } from '../../../app/explain';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

export type CandidateCase = Pick<CaseSummary, 'id' | 'label' | 'modality' | 'noduleCount' | 'diagnosis'>;
export type Example = { caseId: number; noduleId: number | null };

const key = (e: Example) => `${e.caseId}:${e.noduleId ?? ''}`;
const parse = (k: string): Example => {
  const [c, n] = k.split(':');
  return { caseId: Number(c), noduleId: n ? Number(n) : null };
};

export class ConceptState {
  readonly modality: CaseModality;
  concepts = $state.raw<Concept[]>([]);
  /** CT cases' nodules, loaded when the reader opens a case in the picker. */
  readonly nodules = new SvelteMap<number, Nodule[]>();
  readonly picked = new SvelteSet<string>();
  name = $state('');
  saving = $state(false);
  error = $state<string | null>(null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #candidates: () => readonly CandidateCase[];
  #modelId: ModelId | null = null;

  constructor(api: ApiClient, errors: ErrorState, modality: CaseModality, candidates: () => readonly CandidateCase[]) {
    this.#api = api;
    this.#errors = errors;
    this.modality = modality;
    this.#candidates = candidates;
  }

  /** Worklist cases of the same modality (a concept's examples must fit the model's input). */
  get candidates(): CandidateCase[] {
    return this.#candidates().filter((c) => c.modality === this.modality && (this.modality !== 'CT' || c.noduleCount > 0));
  }

  get examples(): Example[] {
    return [...this.picked].map(parse);
  }

  isPicked(e: Example): boolean {
    return this.picked.has(key(e));
  }

  toggle(e: Example): void {
    const k = key(e);
    if (this.picked.has(k)) this.picked.delete(k);
    else this.picked.add(k);
  }

  async load(modelId: ModelId): Promise<void> {
    this.#modelId = modelId;
    try {
      const list = await this.#api.call('concepts.list', { modelId });
      if (this.#modelId === modelId) this.concepts = list;
    } catch (e) {
      this.#errors.report('Could not list the concepts', e);
    }
  }

  async loadNodules(caseId: number): Promise<void> {
    if (this.nodules.has(caseId)) return;
    try {
      const detail = await this.#api.call('cases.get', { caseId });
      this.nodules.set(caseId, detail.nodules);
    } catch (e) {
      this.#errors.report('Could not load the case’s nodules', e);
    }
  }

  /** Saves the picked examples under the name; resolves with the new concept, or null. */
  async save(): Promise<Concept | null> {
    const name = this.name.trim();
    if (this.#modelId === null || !name || this.picked.size === 0) return null;
    this.saving = true;
    this.error = null;
    try {
      const concept = await this.#api.call('concepts.create', { modelId: this.#modelId, name, examples: this.examples });
      this.concepts = [...this.concepts.filter((c) => c.id !== concept.id), concept];
      this.picked.clear();
      this.name = '';
      return concept;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return null;
    } finally {
      this.saving = false;
    }
  }
}
