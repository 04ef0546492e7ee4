// The renderer's root state: study info, worklist, import, the open case and messages. It owns
// the subscriptions to events from main (menu commands, study changes, finished imports).
import type { AppInfo } from '../../../app/api';
import type { ApiClient } from '../api-client';
import { CaseState } from './case-state.svelte';
import { ErrorState } from './error-state.svelte';
import { ImportState } from './import-state.svelte';
import { WorklistState } from './worklist-state.svelte';

export class AppState {
  info = $state<AppInfo | null>(null);
  current = $state.raw<CaseState | null>(null);
  importOpen = $state(false);
  readonly errors = new ErrorState();
  readonly worklist: WorklistState;
  readonly imports: ImportState;
  readonly #api: ApiClient;
  readonly #unsubscribe: (() => void)[];

  constructor(api: ApiClient) {
    this.#api = api;
    this.worklist = new WorklistState(api, this.errors);
    this.imports = new ImportState(api, this.errors);
    this.imports.onFinished(() => {
      void this.worklist.refresh();
      void this.#loadInfo();
    });
    this.#unsubscribe = [
      api.on('menu.command', ({ command, path }) => {
        if (command === 'import-folder') this.openImport(path);
        else this.errors.info(`“${command}” is not available in this version yet.`);
      }),
      api.on('study.changed', () => {
        this.close();
        void this.start();
      }),
    ];
  }

  async start(): Promise<void> {
    await Promise.all([this.#loadInfo(), this.worklist.refresh(), this.imports.resume()]);
  }

  openImport(path?: string): void {
    if (path && !this.imports.running) this.imports.path = path;
    this.importOpen = true;
  }

  closeImport(): void {
    this.importOpen = false;
  }

  async open(caseId: number): Promise<void> {
    if (this.current?.caseId === caseId && !this.current.error) return;
    const c = new CaseState(this.#api, this.errors, caseId, () => this.worklist.cases);
    this.current?.dispose();
    this.current = c;
    this.importOpen = false;
    await c.load();
  }

  close(): void {
    this.current?.dispose();
    this.current = null;
  }

  dispose(): void {
    this.current?.dispose();
    for (const u of this.#unsubscribe) u();
    this.imports.dispose();
  }

  async #loadInfo(): Promise<void> {
    try {
      this.info = await this.#api.call('app.info', {});
      this.imports.setHost(this.info.host);
    } catch (e) {
      this.errors.report('Could not reach Verdict', e);
    }
  }
}
