// Protocols as the coordinator manages them: the saved ones, the editor, and what the editor
// builds from — the imported cases, the registered models and the default question bank.
import type { CaseSummary } from '../../../app/domain';
import type { ModelSummary } from '../../../app/explain';
import type { Protocol, Question } from '../../../app/protocol';
import type { ProtocolSummary } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { ProtocolEditor } from './protocol-editor.svelte';
import { blankProtocol, parseProtocolFile, type StudyModality } from './protocol-draft';

export class ProtocolsAdmin {
  list = $state.raw<ProtocolSummary[]>([]);
  bank = $state.raw<Question[]>([]);
  models = $state.raw<ModelSummary[]>([]);
  cases = $state.raw<CaseSummary[]>([]);
  editor = $state.raw<ProtocolEditor | null>(null);
  importProblems = $state<string[]>([]);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
  }

  async load(): Promise<void> {
    try {
      const [list, bank, models, cases] = await Promise.all([
        this.#api.call('protocols.list', {}),
        this.#api.call('protocols.questionBank', {}),
        this.#api.call('models.list', {}),
        this.#api.call('cases.list', {}),
      ]);
      this.list = list;
      this.bank = bank;
      this.models = models;
      this.cases = cases;
    } catch (e) {
      this.#errors.report('Could not load the protocols', e);
    }
  }

  create(modality: StudyModality): void {
    this.#open(blankProtocol(modality));
  }

  /** Edits a saved protocol; one a study uses is frozen, so the copy becomes its next version. */
  edit(s: ProtocolSummary): void {
    const next = s.frozen ? Math.max(...this.list.filter((x) => x.id === s.id).map((x) => x.version)) + 1 : s.version;
    this.#open({ ...s.protocol, version: next }, s.frozen ? s.version : null);
  }

  importFile(text: string): boolean {
    const r = parseProtocolFile(text);
    if ('problems' in r) {
      this.importProblems = r.problems;
      return false;
    }
    this.importProblems = [];
    this.#open(r.protocol);
    return true;
  }

  close(): void {
    this.editor = null;
  }

  /** After a save: the list shows it, and the editor keeps the saved protocol open. */
  async saved(): Promise<void> {
    try {
      this.list = await this.#api.call('protocols.list', {});
    } catch (e) {
      this.#errors.report('Could not list the protocols', e);
    }
  }

  #open(p: Protocol, frozenVersion: number | null = null): void {
    this.editor = new ProtocolEditor(this.#api, p, () => this.models, frozenVersion);
  }
}
