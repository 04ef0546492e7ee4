// Reader profiles and signing in. Profiles are created by the coordinator; the very first
// profile must be the coordinator's own (an admin): until one exists staff access is open to
// anyone at this workstation, and a reader created then could unblind a study. A sign-in
// checks the passphrase against its slow hash — a dummy one for an unknown profile, so both take
// as long — limited per connection and globally (sign-in-throttle.ts); a refusal never says
// whether the profile or the passphrase was wrong.
import type { Database } from 'better-sqlite3';
import type { CallContext } from '../../../app/api/endpoint';
import type { ReaderProfile, Role } from '../../../app/study';
import { VerdictError } from '../../../app/errors';
import { appendEvent } from '../db/event-log';
import { DUMMY_HASH, hashPassphrase, verifyPassphrase } from './passphrase';
import { SignInThrottle } from './sign-in-throttle';
import { hasAdmin } from './caller';

export type NewReader = { name: string; role: Role; specialty?: string | null; yearsExperience?: number | null; passphrase: string };

type ReaderRow = {
  id: number;
  name: string;
  role: Role;
  specialty: string | null;
  years_experience: number | null;
  passphrase_hash: string | null;
  created_at: string;
};

const profileOf = (r: ReaderRow): ReaderProfile => ({
  id: r.id,
  name: r.name,
  role: r.role,
  specialty: r.specialty,
  yearsExperience: r.years_experience,
  createdAt: r.created_at,
});

export class ReaderService {
  readonly #db: Database;
  readonly #now: () => Date;
  readonly #throttle: SignInThrottle;

  constructor(db: Database, opts: { now?: () => Date; throttle?: SignInThrottle } = {}) {
    this.#db = db;
    this.#now = opts.now ?? (() => new Date());
    this.#throttle = opts.throttle ?? new SignInThrottle(() => this.#now().getTime());
  }

  list(): ReaderProfile[] {
    return (this.#db.prepare('SELECT * FROM reader ORDER BY name').all() as ReaderRow[]).map(profileOf);
  }

  /** What the sign-in screen lists: names and roles only. */
  signInList(): Pick<ReaderProfile, 'id' | 'name' | 'role'>[] {
    return this.#db.prepare('SELECT id, name, role FROM reader WHERE passphrase_hash IS NOT NULL ORDER BY name').all() as Pick<
      ReaderProfile,
      'id' | 'name' | 'role'
    >[];
  }

  get(id: number): ReaderProfile {
    return profileOf(this.#row(id));
  }

  byName(name: string): ReaderProfile {
    const row = this.#db.prepare('SELECT * FROM reader WHERE name = ?').get(name) as ReaderRow | undefined;
    if (!row) throw new VerdictError('not-found', `No reader named "${name}".`, { name });
    return profileOf(row);
  }

  async create(r: NewReader): Promise<ReaderProfile> {
    const name = r.name.trim();
    this.#checkCreate(name, r.role);
    // The slow hash runs before the transaction; the checks are repeated inside it.
    const hash = await hashPassphrase(r.passphrase);
    const at = this.#now().toISOString();
    const id = this.#db
      .transaction(() => {
        this.#checkCreate(name, r.role);
        const id = Number(
          this.#db
            .prepare('INSERT INTO reader (name, role, specialty, years_experience, passphrase_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
            .run(name, r.role, r.specialty?.trim() || null, r.yearsExperience ?? null, hash, at).lastInsertRowid,
        );
        appendEvent(this.#db, 'reader.created', { readerId: id, name, role: r.role }, at);
        return id;
      })
      .immediate();
    return this.get(id);
  }

  async signIn(caller: CallContext, readerId: number, passphrase: string): Promise<ReaderProfile> {
    const row = this.#db.prepare('SELECT * FROM reader WHERE id = ?').get(readerId) as ReaderRow | undefined;
    // Unknown profiles cost a hash too, so timing does not tell them apart.
    const ok =
      (await this.#throttle.check(caller, () => verifyPassphrase(passphrase, row?.passphrase_hash ?? DUMMY_HASH))) &&
      row?.passphrase_hash != null;
    const at = this.#now().toISOString();
    if (!ok || !row) {
      this.#throttle.failed(caller);
      if (row) this.#db.transaction(() => appendEvent(this.#db, 'reader.sign-in-failed', { readerId }, at)).immediate();
      throw new VerdictError('auth.failed', 'Sign-in failed: the profile and passphrase do not match.');
    }
    this.#throttle.succeeded(caller);
    this.#db.transaction(() => appendEvent(this.#db, 'reader.signed-in', { readerId }, at)).immediate();
    caller.signIn(readerId);
    return profileOf(row);
  }

  signOut(caller: CallContext): { signedOut: boolean } {
    const was = caller.readerId !== null;
    caller.signOut();
    return { signedOut: was };
  }

  current(caller: CallContext): ReaderProfile | null {
    if (caller.readerId === null) return null;
    const row = this.#db.prepare('SELECT * FROM reader WHERE id = ?').get(caller.readerId) as ReaderRow | undefined;
    return row ? profileOf(row) : null;
  }

  #checkCreate(name: string, role: Role): void {
    if (role !== 'admin' && !hasAdmin(this.#db)) {
      throw new VerdictError(
        'auth.admin-first',
        'Create the study coordinator (an admin profile) first: until one exists, anyone at this workstation has coordinator access.',
      );
    }
    if (this.#db.prepare('SELECT 1 FROM reader WHERE name = ?').get(name))
      throw new VerdictError('reader.exists', `A reader named "${name}" already exists.`, { name });
  }

  #row(id: number): ReaderRow {
    const row = this.#db.prepare('SELECT * FROM reader WHERE id = ?').get(id) as ReaderRow | undefined;
    if (!row) throw new VerdictError('not-found', `No reader with id ${id}.`, { readerId: id });
    return row;
  }
}
