// What a self-explaining model says about a case besides its maps: an attribute-token model's
// reading, axis by axis (ExpLICD), and a prototype model's score sheet for one class, "this looks
// like that" (ProtoFM). Both belong to one subject (model, case, nodule): a new subject forgets
// them, and answers that come late for an old one are dropped.
import type { AttributeReport, ModelId, ModelSummary, PrototypeScoreSheet } from '../../../app/explain';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

export type Subject = { modelId: ModelId; caseId: number; noduleId: number | null };

export class SelfExplainingState {
  attributes = $state.raw<AttributeReport | null>(null);
  sheet = $state.raw<PrototypeScoreSheet | null>(null);
  attributesLoading = $state(false);
  sheetLoading = $state(false);
  error = $state<string | null>(null);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  #subject: Subject | null = null;
  /** Bumped by forget(): answers about the previous subject are dropped. */
  #generation = 0;
  /** Bumped per sheet asked for, so only the last class asked about is shown. */
  #sheetAsked = 0;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
  }

  /** Reads what the model says about the subject; a model that explains itself only through maps says nothing here. */
  async load(model: ModelSummary, subject: Subject): Promise<void> {
    this.forget();
    if (!model.attributes && !model.prototypes) return;
    this.#subject = subject;
    await Promise.all([model.attributes ? this.#readAttributes(subject) : null, model.prototypes ? this.explainClass(null) : null]);
  }

  /** The prototypes behind another class's score; null asks for the predicted class. */
  async explainClass(cls: string | null): Promise<void> {
    const subject = this.#subject;
    if (!subject) return;
    const [generation, asked] = [this.#generation, ++this.#sheetAsked];
    const current = () => generation === this.#generation && asked === this.#sheetAsked;
    this.sheetLoading = true;
    try {
      const sheet = await this.#api.call('explain.prototypes', { ...subject, class: cls ?? undefined });
      if (current()) this.sheet = sheet;
    } catch (e) {
      if (current()) this.#failed('Could not compute the prototype score sheet', e);
    } finally {
      if (current()) this.sheetLoading = false;
    }
  }

  forget(): void {
    this.#generation++;
    this.#subject = null;
    this.attributes = null;
    this.sheet = null;
    this.attributesLoading = false;
    this.sheetLoading = false;
    this.error = null;
  }

  async #readAttributes(subject: Subject): Promise<void> {
    const generation = this.#generation;
    this.attributesLoading = true;
    try {
      const report = await this.#api.call('explain.attributes', subject);
      if (generation === this.#generation) this.attributes = report;
    } catch (e) {
      if (generation === this.#generation) this.#failed('Could not read the attributes', e);
    } finally {
      if (generation === this.#generation) this.attributesLoading = false;
    }
  }

  #failed(context: string, e: unknown): void {
    this.error = `${context}: ${e instanceof Error ? e.message : String(e)}`;
    this.#errors.report(context, e);
  }
}
