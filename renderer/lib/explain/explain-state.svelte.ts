// Explanations of one open case: which model, method and target the reader picked, the model's
// prediction, the map on show (A) and the one it is compared with (B), and the progress of a
// running computation. For CT the subject is the selected nodule; for dermoscopy the image.
import type { CaseModality } from '../../../app/domain';
import type { ExplainProgress, ExplanationMap, MethodId, ModelId, ModelSummary, Prediction } from '../../../app/explain';
import { ApiError, type ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { ConceptState, type CandidateCase } from './concept-state.svelte';
import { FaithfulnessState } from './faithfulness-state.svelte';
import { compareSelection, defaultCompareMethod, defaultTarget, isRunnable, requestTarget, type MapSelection } from './methods';

/** Numbers this window's explanation jobs (with a random part, unique across windows). */
let jobCounter = 0;

type Slot = 'a' | 'b';

export class ExplainState {
  readonly caseId: number;
  readonly modality: CaseModality;
  models = $state.raw<ModelSummary[]>([]);
  modelsLoaded = $state(false);
  modelId = $state<ModelId | null>(null);
  selection = $state<MapSelection>({ method: 'cdam', target: '', concept: null, head: null });
  compareMethod = $state<MethodId>('attention');
  /** CT: the selected nodule; explanations are per nodule. */
  noduleId = $state<number | null>(null);
  mapA = $state.raw<ExplanationMap | null>(null);
  mapB = $state.raw<ExplanationMap | null>(null);
  prediction = $state.raw<Prediction | null>(null);
  running = $state<Slot | null>(null);
  progress = $state.raw<ExplainProgress | null>(null);
  error = $state<string | null>(null);
  readonly concepts: ConceptState;
  /** Faithfulness metrics of map A (staff only). */
  readonly faithfulness: FaithfulnessState;
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #unsubscribe: () => void;
  /** Bumped whenever the subject or model changes, so late answers for the old one are dropped. */
  #generation = 0;

  #jobId = '';

  constructor(api: ApiClient, errors: ErrorState, caseId: number, modality: CaseModality, candidates: () => readonly CandidateCase[]) {
    this.#api = api;
    this.#errors = errors;
    this.caseId = caseId;
    this.modality = modality;
    this.concepts = new ConceptState(api, errors, modality, candidates);
    this.faithfulness = new FaithfulnessState(api, errors);
    // Our calls carry a job id we chose, so progress from other windows' jobs is not ours.
    this.#unsubscribe = api.on('explain.progress', (p) => {
      if (this.running && p.jobId === this.#jobId) this.progress = p;
    });
  }

  get model(): ModelSummary | null {
    return this.models.find((m) => m.id === this.modelId) ?? null;
  }

  /** The subject is complete: a model, and for CT a nodule. */
  get ready(): boolean {
    return this.model !== null && (this.modality !== 'CT' || this.noduleId !== null);
  }

  get runnable(): boolean {
    return this.ready && this.running === null && isRunnable(this.selection, this.model, this.concepts.concepts);
  }

  async start(): Promise<void> {
    try {
      const all = await this.#api.call('models.list', {});
      // Models to read with first; sanity-check and test packs after them, never the default.
      const rank = { demo: 0, 'sanity-check': 1, test: 2 } as const;
      this.models = all.filter((m) => m.modality === this.modality).sort((a, b) => rank[a.purpose] - rank[b.purpose] || a.id - b.id);
    } catch (e) {
      this.#errors.report('Could not list the models', e);
    } finally {
      this.modelsLoaded = true;
    }
    if (this.models.length && this.modelId === null) await this.selectModel(this.models[0].id);
  }

  async selectModel(id: ModelId): Promise<void> {
    this.modelId = id;
    const model = this.model;
    if (!model) return;
    const method = model.methods.includes(this.selection.method) ? this.selection.method : (model.methods[0] ?? 'cdam');
    const target = model.targets.some((t) => t.name === this.selection.target) ? this.selection.target : defaultTarget(model.targets);
    this.selection = { method, target, concept: null, head: null };
    this.compareMethod = defaultCompareMethod(method);
    this.#clear();
    await Promise.all([this.concepts.load(id), this.predict()]);
  }

  setMethod(method: MethodId): void {
    const concept = method === 'concept-cdam' ? (this.selection.concept ?? this.concepts.concepts[0]?.name ?? null) : this.selection.concept;
    this.selection = { ...this.selection, method, concept };
    if (this.compareMethod === method) this.compareMethod = defaultCompareMethod(method);
  }

  setTarget(target: string): void {
    this.selection = { ...this.selection, target };
  }

  setConcept(concept: string | null): void {
    this.selection = { ...this.selection, concept };
  }

  setHead(head: number | null): void {
    this.selection = { ...this.selection, head };
  }

  setCompareMethod(method: MethodId): void {
    this.compareMethod = method;
    this.mapB = null;
  }

  /** CT: a nodule was selected; its explanations start afresh. */
  async setNodule(noduleId: number | null): Promise<void> {
    if (noduleId === this.noduleId) return;
    this.noduleId = noduleId;
    this.#clear();
    await this.predict();
  }

  async predict(): Promise<void> {
    const model = this.model;
    if (!model || !this.ready) return;
    const generation = this.#generation;
    try {
      const p = await this.#api.call('explain.predict', { modelId: model.id, caseId: this.caseId, noduleId: this.noduleId });
      if (generation === this.#generation) this.prediction = p;
    } catch (e) {
      if (generation === this.#generation) this.#failed('Could not run the model', e);
    }
  }

  /** Computes map A for the current selection, and B too when a comparison is wanted. */
  async run(withCompare = false): Promise<void> {
    if (!this.runnable) return;
    const a = await this.#compute('a', this.selection);
    if (a && withCompare) await this.runCompare();
  }

  /** Computes map B: the compare method on A's question. */
  async runCompare(): Promise<void> {
    if (!this.mapA || this.running) return;
    const sel = compareSelection(this.selection, this.compareMethod);
    if (!isRunnable(sel, this.model, this.concepts.concepts)) {
      this.error = `${this.model?.name ?? 'This model'} cannot compute ${this.compareMethod} for this selection.`;
      return;
    }
    await this.#compute('b', sel);
  }

  async cancel(): Promise<void> {
    if (!this.running) return;
    try {
      await this.#api.call('explain.cancel', { jobId: this.#jobId });
    } catch (e) {
      this.#errors.report('Could not cancel the explanation', e);
    }
  }

  dispose(): void {
    this.faithfulness.dispose();
    this.#unsubscribe();
  }

  async #compute(slot: Slot, sel: MapSelection): Promise<ExplanationMap | null> {
    const model = this.model;
    if (!model) return null;
    const generation = this.#generation;
    // A new A makes A's measurement moot, and main runs one job at a time: stop it first.
    if (slot === 'a') this.faithfulness.forget();
    this.running = slot;
    this.progress = null;
    this.error = null;
    this.#jobId = `ui-${this.caseId}-${++jobCounter}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      const map = await this.#api.call('explain.map', {
        jobId: this.#jobId,
        modelId: model.id,
        caseId: this.caseId,
        noduleId: this.noduleId,
        method: sel.method,
        target: requestTarget(sel),
        params: sel.method === 'attention' && sel.head !== null ? { head: sel.head } : undefined,
      });
      if (generation !== this.#generation) return null;
      if (slot === 'a') {
        this.mapA = map;
        // A new A makes the old B an answer to another question.
        this.mapB = null;
      } else this.mapB = map;
      return map;
    } catch (e) {
      if (generation === this.#generation) this.#failed('Could not compute the explanation', e);
      return null;
    } finally {
      if (generation === this.#generation) {
        this.running = null;
        this.progress = null;
      }
    }
  }

  #clear(): void {
    // What is still running answers a question nobody asks any more.
    if (this.running) void this.#api.call('explain.cancel', { jobId: this.#jobId }).catch(() => {});
    this.#generation++;
    this.faithfulness.forget();
    this.mapA = null;
    this.mapB = null;
    this.prediction = null;
    this.running = null;
    this.progress = null;
    this.error = null;
  }

  #failed(context: string, e: unknown): void {
    if (e instanceof ApiError && e.code === 'explain.cancelled') {
      this.error = 'Cancelled.';
      return;
    }
    this.error = `${context}: ${e instanceof Error ? e.message : String(e)}`;
    this.#errors.report(context, e);
  }
}
