// Explanations of one open case: which model, method and target the reader picked, the model's
// prediction, the map on show (A) and the one it is compared with (B), and the progress of a
// running computation. For CT the subject is the selected nodule; for dermoscopy the image.
// Self-explaining models (attribute tokens, prototypes) also say what they read in the case.
import type { CaseModality } from '../../../app/domain';
import type { ExplainProgress, ExplanationMap, MethodId, ModelId, ModelSummary, Prediction } from '../../../app/explain';
import { targetKind } from '../../../app/methods';
import { ApiError, type ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { ConceptState, type CandidateCase } from './concept-state.svelte';
import { FaithfulnessState } from './faithfulness-state.svelte';
import {
  compareChoices,
  compareSelection,
  defaultCompareMethod,
  EMPTY_SELECTION,
  isRunnable,
  methodFor,
  requestParams,
  requestTarget,
  selectionFor,
  type MapSelection,
} from './methods';
import { byPanelOrder } from './model-order';
import { SelfExplainingState } from './self-explaining-state.svelte';

/** Numbers this window's explanation jobs (with a random part, unique across windows). */
let jobCounter = 0;

type Slot = 'a' | 'b';

export class ExplainState {
  readonly caseId: number;
  readonly modality: CaseModality;
  models = $state.raw<ModelSummary[]>([]);
  modelsLoaded = $state(false);
  modelId = $state<ModelId | null>(null);
  selection = $state<MapSelection>(EMPTY_SELECTION);
  /** Map B's method; null when the model offers no other method for this selection (set with the model). */
  compareMethod = $state<MethodId | null>(null);
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
  /** An attribute model's reading of the subject, a prototype model's score sheet. */
  readonly selfExplaining: SelfExplainingState;
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #unsubscribe: () => void;
  /** Bumped whenever the subject or model changes, so late answers for the old one are dropped. */
  #generation = 0;

  #jobId = '';
  /** Whether a model was picked yet: the first starts on its own best method, later ones keep what they also offer. */
  #picked = false;

  constructor(api: ApiClient, errors: ErrorState, caseId: number, modality: CaseModality, candidates: () => readonly CandidateCase[]) {
    this.#api = api;
    this.#errors = errors;
    this.caseId = caseId;
    this.modality = modality;
    this.concepts = new ConceptState(api, errors, modality, candidates);
    this.faithfulness = new FaithfulnessState(api, errors);
    this.selfExplaining = new SelfExplainingState(api, errors);
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

  /** The methods map B can use beside the current selection. */
  get compareChoices(): MethodId[] {
    return compareChoices(this.selection, this.model, this.concepts.concepts);
  }

  async start(): Promise<void> {
    try {
      const all = await this.#api.call('models.list', {});
      this.models = all.filter((m) => m.modality === this.modality).sort(byPanelOrder);
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
    this.selection = selectionFor(model, this.#picked ? this.selection : null);
    this.#picked = true;
    this.compareMethod = defaultCompareMethod(this.selection, model, []);
    this.#clear();
    await Promise.all([this.concepts.load(id), this.predict(), this.#readSelfExplaining()]);
  }

  setMethod(method: MethodId): void {
    const concept =
      targetKind(method) === 'concept' ? (this.selection.concept ?? this.concepts.concepts[0]?.name ?? null) : this.selection.concept;
    this.selection = { ...this.selection, method, concept };
    if (this.compareMethod === null || !this.compareChoices.includes(this.compareMethod)) {
      this.compareMethod = defaultCompareMethod(this.selection, this.model, this.concepts.concepts);
    }
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

  setAxis(axis: string): void {
    this.selection = { ...this.selection, axis };
  }

  setPrototype(prototype: string): void {
    this.selection = { ...this.selection, prototype };
  }

  /** Overlays an attribute model's map of one diagnostic axis (the attribute panel's rows). */
  async showAxis(axis: string, withCompare: boolean): Promise<void> {
    const method = methodFor(this.model, 'axis');
    if (!method) return;
    this.setMethod(method);
    this.setAxis(axis);
    await this.run(withCompare);
  }

  /** Overlays where the case looks like one prototype (the score sheet's rows). */
  async showPrototype(prototype: string, withCompare: boolean): Promise<void> {
    const method = methodFor(this.model, 'prototype');
    if (!method) return;
    this.setMethod(method);
    this.setPrototype(prototype);
    await this.run(withCompare);
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
    await Promise.all([this.predict(), this.#readSelfExplaining()]);
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
    const sel = this.compareMethod ? compareSelection(this.selection, this.compareMethod) : null;
    if (!sel || !isRunnable(sel, this.model, this.concepts.concepts)) {
      this.error = `${this.model?.name ?? 'This model'} cannot compute ${this.compareMethod ?? 'another method'} for this selection.`;
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
    this.selfExplaining.forget();
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
        params: requestParams(sel),
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

  async #readSelfExplaining(): Promise<void> {
    const model = this.model;
    if (model && this.ready) await this.selfExplaining.load(model, { modelId: model.id, caseId: this.caseId, noduleId: this.noduleId });
  }

  #clear(): void {
    // What is still running answers a question nobody asks any more.
    if (this.running) void this.#api.call('explain.cancel', { jobId: this.#jobId }).catch(() => {});
    this.#generation++;
    this.faithfulness.forget();
    this.selfExplaining.forget();
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
