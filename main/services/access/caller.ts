// Who is calling, one per connection (a WebSocket, an Electron window), and what they may do
// (app/api/endpoint.ts `Access`). A workstation whose study database has no admin yet is a
// single-user workstation: its user is the coordinator. Once an admin exists, coordinator
// functions need an admin signed in, and readers see only their own reading.
import type { Database } from 'better-sqlite3';
import type { Access, CallContext } from '../../../app/api/endpoint';
import { VerdictError } from '../../../app/errors';

type Role = 'reader' | 'admin';

export class Caller implements CallContext {
  readonly #db: Database;
  #readerId: number | null = null;
  #role: Role | null = null;

  constructor(db: Database) {
    this.#db = db;
  }

  get readerId(): number | null {
    return this.#readerId;
  }

  allows(access: Access): boolean {
    if (access === 'anyone') return true;
    const staff = this.#role === 'admin' || !hasAdmin(this.#db);
    // Reading endpoints (pixels among them) serve signed-in readers and the coordinator alike.
    return access === 'reader' ? this.#readerId !== null || staff : staff;
  }

  signIn(readerId: number): void {
    const row = this.#db.prepare('SELECT role FROM reader WHERE id = ?').get(readerId) as { role: Role } | undefined;
    if (!row) throw new VerdictError('not-found', `No reader with id ${readerId}.`, { readerId });
    this.#readerId = readerId;
    this.#role = row.role;
  }

  signOut(): void {
    this.#readerId = null;
    this.#role = null;
  }
}

export const hasAdmin = (db: Database): boolean => db.prepare("SELECT 1 FROM reader WHERE role = 'admin' LIMIT 1").get() !== undefined;

/** The signed-in reader's id, for reading endpoints (which the coordinator may reach unsigned). */
export function signedInReader(caller: CallContext): number {
  if (caller.readerId === null) throw new VerdictError('api.unauthorised', 'Sign in with your reader profile to read a study.');
  return caller.readerId;
}
