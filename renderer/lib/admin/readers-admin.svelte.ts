// Reader profiles as the coordinator manages them: the list, and a form to add one. The
// passphrase goes to main (which keeps only a slow salted hash) and leaves the form at once.
import type { ReaderProfile, Role } from '../../../app/study';
import type { ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

export type ReaderForm = { name: string; role: Role; specialty: string; years: string; passphrase: string; confirm: string };

const emptyForm = (): ReaderForm => ({ name: '', role: 'reader', specialty: '', years: '', passphrase: '', confirm: '' });

/** What is wrong with the form before main is asked, or null. */
export function formProblem(f: ReaderForm): string | null {
  if (!f.name.trim()) return 'Enter the reader’s name.';
  if (f.years.trim() && !/^\d{1,2}$/.test(f.years.trim())) return 'Years of experience: a whole number (0–80).';
  if (f.passphrase.length < 8) return 'The passphrase needs at least 8 characters.';
  if (f.passphrase !== f.confirm) return 'The two passphrases differ.';
  return null;
}

export class ReadersAdmin {
  readers = $state.raw<ReaderProfile[]>([]);
  form = $state<ReaderForm>(emptyForm());
  problem = $state<string | null>(null);
  busy = $state(false);
  readonly #api: ApiClient;
  readonly #errors: ErrorState;
  readonly #created: (p: ReaderProfile, passphrase: string) => Promise<void>;

  constructor(api: ApiClient, errors: ErrorState, created: (p: ReaderProfile, passphrase: string) => Promise<void>) {
    this.#api = api;
    this.#errors = errors;
    this.#created = created;
  }

  /** Main wants the coordinator's admin profile before any reader's. */
  get needsAdmin(): boolean {
    return !this.readers.some((r) => r.role === 'admin');
  }

  async load(): Promise<void> {
    try {
      this.readers = await this.#api.call('readers.list', {});
      if (this.needsAdmin) this.form.role = 'admin';
    } catch (e) {
      this.#errors.report('Could not list the readers', e);
    }
  }

  async create(): Promise<ReaderProfile | null> {
    const f = this.form;
    this.problem = formProblem(f);
    if (this.problem) return null;
    this.busy = true;
    const passphrase = f.passphrase;
    try {
      const profile = await this.#api.call('readers.create', {
        name: f.name.trim(),
        role: f.role,
        specialty: f.specialty.trim() || null,
        yearsExperience: f.years.trim() ? Number(f.years) : null,
        passphrase,
      });
      this.readers = [...this.readers, profile];
      this.form = emptyForm();
      await this.#created(profile, passphrase);
      return profile;
    } catch (e) {
      this.problem = e instanceof Error ? e.message : String(e);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
