// The event log's head kept outside the database: `study.db-head` holds the sequence number and
// hash of the last event known to be committed. SQLite cannot tell that its WAL was deleted — the
// database then simply ends earlier, and a hash chain that ends earlier still verifies — so the
// integrity check compares the log with this file and reports a missing tail.
//
// The head is written after the commit (a microtask queued by appendEvent runs once the
// synchronous transaction has returned, before the caller's reply is sent), from what the
// database holds then: a crash between commit and write leaves it one commit behind, never
// ahead, so it cannot raise a false alarm. One positional write of a fixed-size record (no
// truncation), so a killed process never leaves it half written. Once the database is found short of the head,
// the file is no longer updated, so the loss stays on record until someone removes the file.
//
// While running, the WAL itself is watched: each event's transaction first checks that the
// `-wal` file is still the one opened (same inode), and so does a timer once a second. A deleted
// or replaced WAL means every answer committed since the last checkpoint lives only in a file
// that a crash would take with it; this connection still has it open, so a checkpoint copies it
// into the database file, and answers are refused (`db.wal-lost`) rather than acknowledged into
// a log that is gone. A restart makes a new WAL.
import type { Database } from 'better-sqlite3';
import { closeSync, constants, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { PRIVATE_FILE_MODE, makePrivate } from './private-files';

export type EventHead = { seq: number; hash: string };

const RECORD_BYTES = 128;
const RECORD = /^verdict-event-head 1 (\d+) ([0-9a-f]{64})\s*$/;

export const headPath = (dbPath: string): string => `${dbPath}-head`;
const walPath = (dbPath: string): string => `${dbPath}-wal`;

/** The head recorded beside a database; null when there is none (a copied or older database). */
export function readHead(dbPath: string): EventHead | null {
  let text: string;
  try {
    text = readFileSync(headPath(dbPath), 'latin1');
  } catch {
    return null;
  }
  const m = RECORD.exec(text);
  return m ? { seq: Number(m[1]), hash: m[2] } : null;
}

type Guard = {
  dbPath: string;
  wal: { dev: number; ino: number };
  written: EventHead | null;
  frozen: boolean;
  scheduled: boolean;
  /** The head file, open while the database is (closed by the watch once the database is). */
  fd: number | null;
  /** Set once the WAL on disk is not the one this connection writes to. */
  lost: 'deleted' | 'replaced' | null;
  rescued: boolean;
};

const guards = new WeakMap<Database, Guard>();

/** How often an idle study checks its WAL (a deletion is then rescued without waiting for the next answer). */
export const WAL_WATCH_MS = 1000;

const lastEvent = (db: Database): EventHead | null => {
  const row = db.prepare('SELECT id, hash FROM event ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  return row ? { seq: row.id, hash: row.hash } : null;
};

/** Whether the database still holds the event the head names (false: its tail was lost or rewritten). */
export function holdsHead(db: Database, head: EventHead): boolean {
  const row = db.prepare('SELECT hash FROM event WHERE id = ?').get(head.seq) as { hash: string } | undefined;
  return row?.hash === head.hash;
}

/**
 * Starts watching an opened study database (WAL mode): remembers its WAL file, checks it every
 * second, and brings the head file up to date. Call once the database is open and migrated.
 */
export function guardStudyDb(db: Database, dbPath: string): void {
  // Reading makes SQLite open (and if need be create) the WAL and its index.
  lastEvent(db);
  const st = statSync(walPath(dbPath));
  makePrivate(headPath(dbPath));
  const written = readHead(dbPath);
  const g: Guard = {
    dbPath,
    wal: { dev: st.dev, ino: st.ino },
    written,
    frozen: written !== null && !holdsHead(db, written),
    scheduled: false,
    fd: null,
    lost: null,
    rescued: false,
  };
  guards.set(db, g);
  if (!g.frozen) writeHead(g, lastEvent(db));
  const watch = setInterval(() => {
    if (!db.open) {
      clearInterval(watch);
      if (g.fd !== null) closeSync(g.fd);
      g.fd = null;
      return;
    }
    if (walState(g) && !db.inTransaction) rescue(db, g);
  }, WAL_WATCH_MS);
  watch.unref();
}

/** Whether the WAL file on disk is still this connection's (null), or how it went. */
function walState(g: Guard): Guard['lost'] {
  if (g.lost) return g.lost;
  let st: { dev: number; ino: number } | null;
  try {
    st = statSync(walPath(g.dbPath));
  } catch {
    st = null;
  }
  if (st && st.dev === g.wal.dev && st.ino === g.wal.ino) return null;
  return (g.lost = st ? 'replaced' : 'deleted');
}

/**
 * The connection still holds the lost WAL open, so a checkpoint can copy what it holds — every
 * acknowledged answer — into the database file itself, where a crash can no longer lose it.
 */
function rescue(db: Database, g: Guard): void {
  if (g.rescued) return;
  try {
    const [r] = db.pragma('wal_checkpoint(FULL)') as { busy: number; log: number; checkpointed: number }[];
    g.rescued = r.busy === 0 && r.checkpointed === r.log;
  } catch {
    // Tried again at the next check.
  }
  if (g.rescued) writeHead(g, lastEvent(db));
}

/** Refuses to write when the WAL this connection writes to is no longer the file on disk. */
export function checkWriteAhead(db: Database): void {
  const g = guards.get(db);
  if (!g) return;
  const lost = walState(g);
  if (!lost) return;
  // Inside the caller's transaction now; the rescue runs once it has rolled back.
  queueMicrotask(() => db.open && !db.inTransaction && rescue(db, g));
  throw new VerdictError(
    'db.wal-lost',
    `Not saved: the study database's write-ahead log (${basename(walPath(g.dbPath))}) was ${lost} while Verdict was running, so nothing more can be saved safely. ` +
      'What was saved before has been copied into the database file. Restart Verdict to go on reading (a new log is made at start-up).',
  );
}

/** Queues a head update for after the current transaction commits. */
export function scheduleHeadWrite(db: Database): void {
  const g = guards.get(db);
  if (!g || g.scheduled || g.frozen) return;
  g.scheduled = true;
  queueMicrotask(() => {
    g.scheduled = false;
    if (!db.open) return;
    if (db.inTransaction) return void scheduleHeadWrite(db);
    writeHead(g, lastEvent(db));
  });
}

function writeHead(g: Guard, head: EventHead | null): void {
  if (!head || (g.written && g.written.seq === head.seq && g.written.hash === head.hash)) return;
  const record = Buffer.alloc(RECORD_BYTES, ' ');
  record.write(`verdict-event-head 1 ${head.seq} ${head.hash}`, 'latin1');
  record[RECORD_BYTES - 1] = 0x0a;
  try {
    // Read-write without O_APPEND (which would turn the positional write into an append).
    g.fd ??= openSync(headPath(g.dbPath), constants.O_RDWR | constants.O_CREAT, PRIVATE_FILE_MODE);
    writeSync(g.fd, record, 0, RECORD_BYTES, 0);
    g.written = head;
  } catch {
    // A full disk or a vanished folder: the head stays behind, which only weakens the check.
  }
}
