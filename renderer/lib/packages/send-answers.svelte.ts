// A reader in a workspace sends their answers back: main writes an answer package (every answer
// version, visits and the event log, signed with this workstation's reader key) to the file the
// reader names; they send it to the coordinator as they like and read their key's fingerprint to
// them once, so the coordinator can trust it. It may be sent again at any time: later packages
// carry everything so far, and the coordinator's import adds only what is new.
import type { HostKind } from '../../../app/api';
import type { AnswerPackageMade, WorkspaceInfo } from '../../../app/packages';
import type { ApiClient } from '../api-client';
import { answerPackageName, pathProblem, refusalOf, type Refusal } from './package-text';

export class SendAnswersState {
  shown = $state(false);
  path = $state('');
  busy = $state(false);
  refusal = $state.raw<Refusal | null>(null);
  made = $state.raw<AnswerPackageMade | null>(null);
  readonly workspace: WorkspaceInfo;
  readonly canBrowse: boolean;
  readonly #api: ApiClient;

  constructor(api: ApiClient, workspace: WorkspaceInfo, host: HostKind | null) {
    this.#api = api;
    this.workspace = workspace;
    this.canBrowse = host === 'electron';
  }

  /** The file name offered (the reader adds the folder, or the picker does). */
  get suggestedName(): string {
    return answerPackageName(this.workspace.studyName, this.workspace.readerName);
  }

  /** Why the package cannot be written yet, or null. */
  get problem(): string | null {
    return pathProblem(this.path);
  }

  show(): void {
    this.refusal = null;
    this.made = null;
    this.shown = true;
  }

  close(): void {
    if (!this.busy) this.shown = false;
  }

  async browse(): Promise<void> {
    try {
      const { path } = await this.#api.call('host.pickFile', {
        title: 'Save the answer package',
        save: true,
        defaultName: this.suggestedName,
      });
      if (path) this.path = path;
    } catch (e) {
      this.refusal = refusalOf(e);
    }
  }

  async send(): Promise<AnswerPackageMade | null> {
    const out = this.path.trim();
    if (this.problem || this.busy) return null;
    this.busy = true;
    this.refusal = null;
    this.made = null;
    try {
      this.made = await this.#api.call('packages.writeAnswers', { out });
      return this.made;
    } catch (e) {
      this.refusal = refusalOf(e);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
