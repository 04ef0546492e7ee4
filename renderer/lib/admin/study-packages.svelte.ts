// "Send to readers…" of one study: per assigned reader, a site and a file to write; "Make package"
// has main write the signed study package and shows the file, its size and SHA-256 and the
// coordinator key's fingerprint, which the coordinator passes on out of band (phone, in person) so
// the reader can check the package is theirs. Beside it, what was issued to each reader and which
// of their answer packages were merged.
import type { HostKind } from '../../../app/api';
import type { StudyPackageMade, StudyPackages } from '../../../app/packages';
import type { StudySummary } from '../../../app/study';
import type { ApiClient } from '../api-client';
import { pathProblem, refusalOf, studyPackageName, type Refusal } from '../packages/package-text';

/** What the coordinator typed for one reader's package. */
export type PackageDraft = { site: string; out: string };

export class StudyPackagesAdmin {
  list = $state.raw<StudyPackages | null>(null);
  drafts = $state<Record<number, PackageDraft>>({});
  /** The package made last for each reader in this dialog. */
  made = $state.raw<Record<number, StudyPackageMade>>({});
  refusals = $state.raw<Record<number, Refusal>>({});
  /** Why the list could not be read. */
  loadRefusal = $state.raw<Refusal | null>(null);
  /** The reader whose package is being written. */
  making = $state<number | null>(null);
  readonly study: StudySummary;
  readonly canBrowse: boolean;
  readonly #api: ApiClient;

  constructor(api: ApiClient, study: StudySummary, host: HostKind | null) {
    this.#api = api;
    this.study = study;
    this.canBrowse = host === 'electron';
  }

  async load(): Promise<void> {
    try {
      const list = await this.#api.call('packages.list', { studyId: this.study.id });
      // A reader's site is kept from their last package.
      for (const r of list.readers) this.drafts[r.readerId] ??= { site: r.site ?? '', out: '' };
      this.list = list;
      this.loadRefusal = null;
    } catch (e) {
      this.loadRefusal = refusalOf(e);
    }
  }

  draft(readerId: number): PackageDraft {
    return (this.drafts[readerId] ??= { site: '', out: '' });
  }

  /** The file name offered for a reader's package (the coordinator adds the folder, or the picker does). */
  suggestedName(readerName: string): string {
    return studyPackageName(this.study.name, readerName);
  }

  /** Why this reader's package cannot be made yet, or null. */
  problem(readerId: number): string | null {
    return pathProblem(this.draft(readerId).out);
  }

  async browse(readerId: number, readerName: string): Promise<void> {
    try {
      const defaultName = this.suggestedName(readerName);
      const { path } = await this.#api.call('host.pickFile', {
        title: `Save the study package for ${readerName}`,
        save: true,
        defaultName,
      });
      if (path) this.draft(readerId).out = path;
    } catch (e) {
      this.refusals = { ...this.refusals, [readerId]: refusalOf(e) };
    }
  }

  async make(readerId: number): Promise<StudyPackageMade | null> {
    const d = this.draft(readerId);
    if (this.making !== null || this.problem(readerId)) return null;
    this.making = readerId;
    const { [readerId]: _old, ...others } = this.refusals;
    this.refusals = others;
    try {
      const made = await this.#api.call('packages.create', {
        studyId: this.study.id,
        readerId,
        site: d.site.trim() || null,
        out: d.out.trim(),
      });
      this.made = { ...this.made, [readerId]: made };
      await this.load();
      return made;
    } catch (e) {
      this.refusals = { ...this.refusals, [readerId]: refusalOf(e) };
      return null;
    } finally {
      this.making = null;
    }
  }
}
