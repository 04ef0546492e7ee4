// "Import answers…": the coordinator gives an answer package a reader sent; main verifies and merges
// it. The first package signed by a reader's key stops at a confirmation: the coordinator compares
// the key's fingerprint with the one the reader reads to them, and only then imports trusting it.
// Refusals (tampered part, another study, an older package, a different key) are shown as main
// words them: they name the part or the reason.
import type { HostKind } from '../../../app/api';
import type { MergeReport } from '../../../app/packages';
import type { ApiClient } from '../api-client';
import { keyToConfirm, pathProblem, refusalOf, type Refusal } from '../packages/package-text';

export class AnswerImportState {
  path = $state('');
  busy = $state(false);
  report = $state.raw<MergeReport | null>(null);
  refusal = $state.raw<Refusal | null>(null);
  /** A reader key seen for the first time: its fingerprint and main's words, awaiting the coordinator's confirmation. */
  confirming = $state.raw<{ fingerprint: string; readerName: string | null } | null>(null);
  readonly canBrowse: boolean;
  readonly #api: ApiClient;
  readonly #merged: () => void;

  constructor(api: ApiClient, host: HostKind | null, merged: () => void) {
    this.#api = api;
    this.canBrowse = host === 'electron';
    this.#merged = merged;
  }

  /** Why the import cannot start yet, or null. */
  get problem(): string | null {
    return pathProblem(this.path);
  }

  async browse(): Promise<void> {
    try {
      const { path } = await this.#api.call('host.pickFile', { title: 'Import an answer package' });
      if (path) this.path = path;
    } catch (e) {
      this.refusal = refusalOf(e);
    }
  }

  /** Imports the file; `trust`: the fingerprint the coordinator has just confirmed. */
  async run(trust?: string): Promise<MergeReport | null> {
    const file = this.path.trim();
    if (this.problem || this.busy) return null;
    this.busy = true;
    this.report = null;
    this.refusal = null;
    this.confirming = null;
    try {
      this.report = await this.#api.call('packages.import', trust ? { file, trust } : { file });
      if (this.report.added > 0) this.#merged();
      return this.report;
    } catch (e) {
      const key = keyToConfirm(e);
      if (key) this.confirming = key;
      else this.refusal = refusalOf(e);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** The coordinator compared the fingerprint with the reader's: import trusting that key. */
  trust(): Promise<MergeReport | null> {
    return this.confirming ? this.run(this.confirming.fingerprint) : Promise.resolve(null);
  }

  cancelTrust(): void {
    this.confirming = null;
  }
}
