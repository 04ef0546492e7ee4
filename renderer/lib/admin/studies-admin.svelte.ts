// Studies as the coordinator runs them: create one from a saved protocol, give it to readers
// (which fixes each reader's counterbalanced order), follow each reader's progress, and check
// the event log's hash chain; open a study's results. A new study's stimuli are computed in the
// background; its card follows that preparation through `study.preparation` events. Readers at
// other sites: a study's packages are sent to them, and their answer packages imported.
import type { HostKind } from '../../../app/api';
import type { IntegrityReport, StudySummary } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';
import { ResultsState } from './results-state.svelte';
import { StudyPackagesAdmin } from './study-packages.svelte';
import { AnswerImportState } from './answer-import.svelte';

export class StudiesAdmin {
  studies = $state.raw<StudySummary[]>([]);
  integrity = $state.raw<IntegrityReport | null>(null);
  problem = $state<string | null>(null);
  busy = $state(false);
  loadedAt = $state<Date | null>(null);
  /** The study whose results dashboard is open, in place of the list. */
  results = $state.raw<ResultsState | null>(null);
  /** The study whose "Send to readers…" dialog is open. */
  packages = $state.raw<StudyPackagesAdmin | null>(null);
  /** The "Import answers…" dialog, while open. */
  answerImport = $state.raw<AnswerImportState | null>(null);
  #host: HostKind | null = null;
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
    api.on('study.preparation', ({ studyId, ...preparation }) => {
      this.studies = this.studies.map((s) => (s.id === studyId ? { ...s, preparation } : s));
    });
  }

  /** Hosts with a native file picker (Electron) offer Browse… in the package dialogs. */
  setHost(host: HostKind): void {
    this.#host = host;
  }

  async load(): Promise<void> {
    try {
      this.studies = await this.#api.call('studies.list', {});
      this.loadedAt = new Date();
    } catch (e) {
      this.#errors.report('Could not list the studies', e);
    }
  }

  async create(protocolRowId: number, name: string): Promise<StudySummary | null> {
    return this.#run(async () => {
      const s = await this.#api.call('studies.create', { protocolRowId, name: name.trim() });
      this.studies = [...this.studies, s];
      return s;
    });
  }

  async assign(studyId: number, readerId: number): Promise<StudySummary | null> {
    return this.#run(async () => {
      const s = await this.#api.call('studies.assign', { studyId, readerId });
      this.studies = this.studies.map((x) => (x.id === s.id ? s : x));
      return s;
    });
  }

  /** Computes the study's missing stimuli again (after a failure or a restart). */
  async prepare(studyId: number): Promise<StudySummary | null> {
    return this.#run(async () => {
      const s = await this.#api.call('studies.prepare', { studyId });
      this.studies = this.studies.map((x) => (x.id === s.id ? s : x));
      return s;
    });
  }

  openResults(study: StudySummary): void {
    this.results = new ResultsState(this.#api, study);
    void this.results.load();
  }

  closeResults(): void {
    this.results = null;
  }

  openPackages(study: StudySummary): void {
    this.packages = new StudyPackagesAdmin(this.#api, study, this.#host);
    void this.packages.load();
  }

  closePackages(): void {
    if (this.packages?.making === null) this.packages = null;
  }

  /** Merged answers change the readers' progress and the study's answer count: the list is read again. */
  openAnswerImport(): void {
    this.answerImport = new AnswerImportState(this.#api, this.#host, () => void this.load());
  }

  closeAnswerImport(): void {
    if (!this.answerImport?.busy) this.answerImport = null;
  }

  async checkIntegrity(): Promise<void> {
    await this.#run(async () => (this.integrity = await this.#api.call('studies.integrity', {})));
  }

  async #run<T>(f: () => Promise<T>): Promise<T | null> {
    this.busy = true;
    this.problem = null;
    try {
      return await f();
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
