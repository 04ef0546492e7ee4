// The renderer's root state: who is signed in, study info, worklist, import, the open case, the
// coordinator's reader-study area, a reader's reading session, and messages. It owns the
// subscriptions to events from main (menu commands, study changes, finished imports).
import type { AppInfo } from '../../../app/api';
import type { WorkspaceInfo } from '../../../app/packages';
import { ApiError, type ApiClient } from '../api-client';
import { AdminState } from '../admin/admin-state.svelte';
import type { ReadingState } from '../reading/reading-state.svelte';
import { SessionState } from '../session/session-state.svelte';
import { OpenPackageState } from '../packages/open-package.svelte';
import { SendAnswersState } from '../packages/send-answers.svelte';
import { CaseState } from './case-state.svelte';
import { ErrorState } from './error-state.svelte';
import { ImportState } from './import-state.svelte';
import { WorklistState } from './worklist-state.svelte';

/** The workstation's areas: the case worklist, the coordinator's reader study, the signed-in user's reading. */
export type View = 'cases' | 'study' | 'reading';

export class AppState {
  info = $state<AppInfo | null>(null);
  view = $state<View>('cases');
  /** A reading session, once someone signed in; its module (and Cornerstone) loads on demand. */
  reading = $state.raw<ReadingState | null>(null);
  readonly session: SessionState;
  readonly admin: AdminState;
  current = $state.raw<CaseState | null>(null);
  importOpen = $state(false);
  /** The reading workspace this workstation serves (a reader at another site), or null. */
  workspace = $state.raw<WorkspaceInfo | null>(null);
  /** "Send answers…" of the signed-in reader of a workspace. */
  sendAnswers = $state.raw<SendAnswersState | null>(null);
  readonly openPackage: OpenPackageState;
  readonly errors = new ErrorState();
  readonly worklist: WorklistState;
  readonly imports: ImportState;
  readonly #api: ApiClient;
  readonly #unsubscribe: (() => void)[];

  constructor(api: ApiClient) {
    this.#api = api;
    this.session = new SessionState(api, this.errors);
    this.admin = new AdminState(api, this.errors, (p, pass) => this.session.created(p, pass));
    this.worklist = new WorklistState(api, this.errors);
    this.imports = new ImportState(api, this.errors);
    this.openPackage = new OpenPackageState(api);
    this.imports.onFinished(() => {
      void this.worklist.refresh();
      void this.#loadInfo();
    });
    this.#unsubscribe = [
      api.on('menu.command', ({ command, path }) => {
        if (command === 'import-folder') this.openImport(path);
        else if (command === 'open-package') this.openPackage.show(path, this.session.hasAdmin);
        else this.errors.info(`“${command}” is not available in this version yet.`);
      }),
      api.on('study.changed', () => {
        this.close();
        void this.start();
      }),
    ];
  }

  async start(): Promise<void> {
    await Promise.all([this.#loadInfo(), this.session.load(), this.#loadWorkspace()]);
    await this.#enter();
  }

  async signIn(readerId: number, passphrase: string): Promise<void> {
    if (!(await this.session.signIn(readerId, passphrase))) return;
    this.errors.clear();
    await this.#enter();
  }

  /** Signs out once the open trial's answers are saved (never with one still on its way). */
  async signOut(): Promise<void> {
    if (this.reading && !(await this.reading.leave())) return;
    this.close();
    this.errors.clear();
    await this.session.signOut();
    await this.#enter();
  }

  continueUnsigned(): void {
    this.session.continueUnsigned();
    void this.#enter();
  }

  async show(view: View): Promise<void> {
    if (view !== 'reading' && this.reading && !(await this.reading.leave())) return;
    this.view = view;
    if (view === 'study') await this.admin.open(this.admin.tab);
    if (view === 'reading') await this.reading?.start();
  }

  /** Sets up what the session's mode needs: the workstation's data, or a reader's studies. */
  async #enter(): Promise<void> {
    this.reading?.dispose();
    this.reading = null;
    const mode = this.session.mode;
    const me = this.session.current;
    this.sendAnswers = me && this.workspace ? new SendAnswersState(this.#api, this.workspace, this.info?.host ?? null) : null;
    if (me) {
      const { ReadingState } = await import('../reading/reading-state.svelte');
      this.reading = new ReadingState(this.#api, this.errors, me.id);
    }
    if (mode === 'workstation') {
      this.view = 'cases';
      await Promise.all([this.worklist.refresh(), this.imports.resume()]);
    } else if (mode === 'reader') {
      this.view = 'reading';
      await this.reading?.start();
    }
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
    this.reading?.dispose();
    this.current?.dispose();
    for (const u of this.#unsubscribe) u();
    this.imports.dispose();
  }

  /** Whether this database is a reader's workspace (opened from a study package). */
  async #loadWorkspace(): Promise<void> {
    try {
      this.workspace = await this.#api.call('packages.workspace', {});
    } catch (e) {
      this.workspace = null;
      if (!(e instanceof ApiError && e.code === 'api.unknown-method'))
        this.errors.report('Could not tell whether this is a reading workspace', e);
    }
  }

  async #loadInfo(): Promise<void> {
    try {
      this.info = await this.#api.call('app.info', {});
      this.imports.setHost(this.info.host);
      this.admin.models.setHost(this.info.host);
      this.admin.studies.setHost(this.info.host);
      this.openPackage.setHost(this.info.host);
    } catch (e) {
      this.errors.report('Could not reach Verdict', e);
    }
  }
}
