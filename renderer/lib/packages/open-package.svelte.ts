// A reader at another site opens the study package their coordinator sent: the file, and a new
// passphrase for signing in to the workspace it becomes. Main verifies the package (signature and
// every part) before anything is written; once opened, the host serves the workspace and every
// window returns to sign-in ('study.changed'). This dialog outlives that switch: it then shows
// both keys' fingerprints, the coordinator's to compare and the reader's own to pass on.
import type { HostKind } from '../../../app/api';
import type { WorkspaceOpened } from '../../../app/packages';
import type { ApiClient } from '../api-client';
import { passphraseProblem, pathProblem, refusalOf, type Refusal } from './package-text';

export class OpenPackageState {
  shown = $state(false);
  path = $state('');
  passphrase = $state('');
  again = $state('');
  busy = $state(false);
  refusal = $state.raw<Refusal | null>(null);
  opened = $state.raw<WorkspaceOpened | null>(null);
  canBrowse = $state(false);
  /** This workstation has a coordinator account: opening a package switches it away from the coordinator's studies. */
  coordinatorHere = $state(false);
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** What is wrong with the form before main is asked (null: ready). */
  get problem(): string | null {
    return pathProblem(this.path) ?? passphraseProblem(this.passphrase, this.again);
  }

  setHost(host: HostKind): void {
    this.canBrowse = host === 'electron';
  }

  /** Opens the dialog, with the file already chosen where the menu chose it. */
  show(path?: string, coordinatorHere = false): void {
    if (this.busy) return;
    this.#clear();
    if (path) this.path = path;
    this.coordinatorHere = coordinatorHere;
    this.shown = true;
  }

  close(): void {
    if (this.busy) return;
    this.shown = false;
    this.#clear();
  }

  async browse(): Promise<void> {
    try {
      const { path } = await this.#api.call('host.pickFile', { title: 'Open a study package' });
      if (path) this.path = path;
    } catch (e) {
      this.refusal = refusalOf(e);
    }
  }

  async submit(): Promise<WorkspaceOpened | null> {
    if (this.busy || this.problem) return null;
    this.busy = true;
    this.refusal = null;
    try {
      this.opened = await this.#api.call('packages.open', { file: this.path.trim(), passphrase: this.passphrase });
      return this.opened;
    } catch (e) {
      this.refusal = refusalOf(e);
      return null;
    } finally {
      // The passphrase leaves the page whatever the outcome.
      this.passphrase = '';
      this.again = '';
      this.busy = false;
    }
  }

  #clear(): void {
    this.path = '';
    this.passphrase = '';
    this.again = '';
    this.refusal = null;
    this.opened = null;
  }
}
