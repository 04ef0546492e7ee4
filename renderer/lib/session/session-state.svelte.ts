// Who is at the workstation. A study database without reader profiles is a single-user
// workstation (the coordinator, no sign-in). Once it has readers, each signs in with their
// passphrase; while no admin exists the coordinator may carry on without signing in (main grants
// coordinator functions to anyone until then), and once one exists coordinators sign in as admins.
import type { ReaderProfile } from '../../../app/study';
import { ApiError, type ApiClient } from '../api-client';
import type { ErrorState } from '../app/error-state.svelte';

export type SessionMode = 'loading' | 'sign-in' | 'workstation' | 'reader';
export type ReaderName = Pick<ReaderProfile, 'id' | 'name' | 'role'>;

export class SessionState {
  readers = $state.raw<ReaderName[]>([]);
  current = $state.raw<ReaderProfile | null>(null);
  loaded = $state(false);
  busy = $state(false);
  error = $state<string | null>(null);
  /** The coordinator chose to work unsigned (possible only while no admin exists). */
  unsigned = $state(false);
  readonly hasAdmin = $derived(this.readers.some((r) => r.role === 'admin'));
  readonly mode: SessionMode = $derived.by(() => {
    if (!this.loaded) return 'loading';
    if (this.current) return this.current.role === 'admin' ? 'workstation' : 'reader';
    if (this.readers.length === 0 || (this.unsigned && !this.hasAdmin)) return 'workstation';
    return 'sign-in';
  });
  readonly #api: ApiClient;
  readonly #errors: ErrorState;

  constructor(api: ApiClient, errors: ErrorState) {
    this.#api = api;
    this.#errors = errors;
  }

  async load(): Promise<void> {
    try {
      const [readers, current] = await Promise.all([this.#api.call('session.readers', {}), this.#api.call('session.current', {})]);
      this.readers = readers;
      this.current = current;
    } catch (e) {
      // A host without reader studies is a plain workstation; anything else is worth saying.
      if (!(e instanceof ApiError && e.code === 'api.unknown-method')) this.#errors.report('Could not read the study’s readers', e);
      this.readers = [];
      this.current = null;
    } finally {
      this.loaded = true;
    }
  }

  async signIn(readerId: number, passphrase: string): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      this.current = await this.#api.call('session.signIn', { readerId, passphrase });
      this.unsigned = false;
      return true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async signOut(): Promise<void> {
    try {
      await this.#api.call('session.signOut', {});
    } catch (e) {
      this.#errors.report('Could not sign out', e);
    }
    this.current = null;
    this.unsigned = false;
    await this.load();
  }

  /** Work as the coordinator without signing in (before any admin exists). */
  continueUnsigned(): void {
    if (!this.hasAdmin) this.unsigned = true;
  }

  /** A profile was created: the sign-in list grows; the first admin signs the coordinator in, as main now requires. */
  async created(profile: ReaderProfile, passphrase: string): Promise<void> {
    const firstAdmin = profile.role === 'admin' && !this.hasAdmin && !this.current;
    // The coordinator who made it stays where they are rather than landing on the sign-in screen.
    if (!this.current) this.unsigned = true;
    this.readers = [...this.readers, { id: profile.id, name: profile.name, role: profile.role }];
    if (firstAdmin) {
      if (await this.signIn(profile.id, passphrase))
        this.#errors.info(`Signed in as ${profile.name}: coordinator functions now need an admin signed in.`);
    }
  }
}
