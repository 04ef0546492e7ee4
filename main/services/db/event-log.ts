// The append-only audit log. Each row carries the hash of the row before it:
//   hash = SHA-256(prev_hash ‖ "\n" ‖ canonicalJson([at, kind, payload])), first prev_hash = 64 zeros,
// so changing, removing or reordering any row breaks every hash after it. Triggers refuse UPDATE
// and DELETE; the chain catches edits made around them (a raw file edit, dropped triggers).
// Appends happen inside the caller's transaction, so an event commits with what it records.
// The log's head is also kept outside the database (event-head.ts), so a log cut short — a
// deleted WAL — is reported, not taken for a shorter intact log.
import type { Database, Statement } from 'better-sqlite3';
import { basename } from 'node:path';
import type { IntegrityReport } from '../../../app/study';
import { canonicalJson, sha256Of } from './canonical-json';
import { checkWriteAhead, headPath, holdsHead, readHead, scheduleHeadWrite } from './event-head';

export const GENESIS_HASH = '0'.repeat(64);

export type EventKind =
  | 'reader.created'
  | 'reader.signed-in'
  | 'reader.sign-in-failed'
  | 'protocol.saved'
  | 'study.created'
  | 'study.assigned'
  | 'stimulus.shown'
  | 'answer'
  // Readers at other sites (main/services/packages): the coordinator made a study package; a
  // reader's workspace was opened from one; a reader wrote an answer package; the coordinator merged one.
  | 'package.created'
  | 'package.opened'
  | 'answers.exported'
  | 'answers.merged';

type EventRow = { id: number; at: string; kind: string; payload_json: string; prev_hash: string; hash: string };

export const eventHash = (prevHash: string, at: string, kind: string, payload: unknown): string =>
  sha256Of(`${prevHash}\n${canonicalJson([at, kind, payload])}`);

// Prepared once per connection: a merge appends an event per answer, thousands in one transaction.
const appendStatements = new WeakMap<Database, { last: Statement; insert: Statement }>();
function appendStatementsOf(db: Database) {
  let s = appendStatements.get(db);
  if (!s)
    appendStatements.set(
      db,
      (s = {
        last: db.prepare('SELECT hash FROM event ORDER BY id DESC LIMIT 1'),
        insert: db.prepare('INSERT INTO event (at, kind, payload_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?)'),
      }),
    );
  return s;
}

/** Appends one event; call inside the transaction that makes the change it records. */
export function appendEvent(db: Database, kind: EventKind, payload: Record<string, unknown>, at: string): number {
  return appendEvents(db, [{ kind, payload, at }])[0];
}

export type NewEvent = { kind: EventKind; payload: Record<string, unknown>; at: string };

/**
 * Appends events in order, inside the caller's transaction; returns their ids. One check of the
 * write-ahead log and one read of the head for all of them: a merge appends one per answer.
 */
export function appendEvents(db: Database, events: readonly NewEvent[]): number[] {
  if (events.length === 0) return [];
  checkWriteAhead(db);
  const statements = appendStatementsOf(db);
  let prev = (statements.last.get() as { hash: string } | undefined)?.hash ?? GENESIS_HASH;
  const ids = events.map(({ kind, payload, at }) => {
    const payloadJson = canonicalJson(payload);
    // eventHash's text, built from the payload's canonical JSON as it is (canonicalJson of it parsed again is the same text).
    const hash = sha256Of(`${prev}\n[${JSON.stringify(at)},${JSON.stringify(kind)},${payloadJson}]`);
    const id = Number(statements.insert.run(at, kind, payloadJson, prev, hash).lastInsertRowid);
    prev = hash;
    return id;
  });
  scheduleHeadWrite(db);
  return ids;
}

const APPEND_ONLY_TRIGGERS = ['answer_no_update', 'answer_no_delete', 'event_no_update', 'event_no_delete'];

/**
 * Walks the chain from the first row: the first row whose prev_hash is not its predecessor's
 * hash, or whose hash does not match its content, is the break. Then checks that every answer
 * has its event with the same content hash (a truncated log or an edited answer shows here),
 * that the append-only triggers are still in place, and that the log still holds the last event
 * recorded outside the database as committed (`<db>-head`).
 */
export function verifyEventLog(db: Database): IntegrityReport {
  let prev = GENESIS_HASH;
  let checked = 0;
  const answerHashes = new Map<number, string>();
  for (const row of db
    .prepare('SELECT id, at, kind, payload_json, prev_hash, hash FROM event ORDER BY id')
    .iterate() as IterableIterator<EventRow>) {
    const bad = checkRow(row, prev);
    if (bad) return { ok: false, checked, firstBreak: { eventId: row.id, reason: bad } };
    if (row.kind === 'answer') {
      const p = JSON.parse(row.payload_json) as { answerId: number; contentSha256: string };
      answerHashes.set(p.answerId, p.contentSha256);
    }
    prev = row.hash;
    checked++;
  }
  for (const a of db.prepare('SELECT * FROM answer ORDER BY id').iterate() as IterableIterator<AnswerRowContent & { id: number }>) {
    const recorded = answerHashes.get(a.id);
    if (recorded === undefined)
      return {
        ok: false,
        checked,
        firstBreak: {
          eventId: 0,
          reason: `answer ${a.id} has no event in the log (the log was cut short, or the answer was inserted around it)`,
        },
      };
    if (recorded !== answerContentSha256(a))
      return { ok: false, checked, firstBreak: { eventId: 0, reason: `answer ${a.id} differs from what its event recorded` } };
  }
  const present = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map((t) => t.name),
  );
  const missing = APPEND_ONLY_TRIGGERS.filter((t) => !present.has(t));
  if (missing.length)
    return { ok: false, checked, firstBreak: { eventId: 0, reason: `the append-only triggers ${missing.join(', ')} are missing` } };
  const lost = missingTail(db, checked);
  if (lost) return { ok: false, checked, firstBreak: lost };
  return { ok: true, checked, firstBreak: null };
}

/** The head file names an event this log no longer holds: its tail was lost (a deleted WAL) or rewritten after a loss. */
function missingTail(db: Database, checked: number): IntegrityReport['firstBreak'] {
  const file = db.name;
  if (!file || file === ':memory:') return null;
  const head = readHead(file);
  if (!head || holdsHead(db, head)) return null;
  const last = db.prepare('SELECT max(id) AS id FROM event').get() as { id: number | null };
  const name = basename(headPath(file));
  const what =
    (last.id ?? 0) < head.seq
      ? `the log ends at event ${last.id ?? 0} (${checked} events), but event ${head.seq} had been committed (${name}): ${head.seq - (last.id ?? 0)} events at the end are missing, with the answers they recorded`
      : `event ${head.seq} is not the event committed as number ${head.seq} (${name}): the log lost its tail and was written again after it`;
  return {
    eventId: Math.min(head.seq, (last.id ?? 0) + 1),
    reason: `${what} (a deleted or replaced WAL file, or an older copy put in place). Remove ${name} once this is accounted for.`,
  };
}

function checkRow(row: EventRow, prev: string): string | null {
  if (row.prev_hash !== prev)
    return `event ${row.id} does not follow the event before it (prev_hash ${row.prev_hash.slice(0, 12)}…, expected ${prev.slice(0, 12)}…): a row was removed, inserted or changed`;
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload_json);
  } catch {
    return `event ${row.id}: its payload is not valid JSON`;
  }
  if (eventHash(prev, row.at, row.kind, payload) !== row.hash)
    return `event ${row.id} (${row.kind}) does not match its hash: its time, kind or payload was changed`;
  return null;
}

/** The columns of an answer row that its event vouches for. */
export type AnswerRowContent = {
  trial_id: number;
  reader_id: number;
  question_id: string;
  question_version: number;
  version: number;
  supersedes: number | null;
  value_json: string;
  scores_json: string | null;
  display_state_json: string;
  time_to_first_input_ms: number | null;
  time_on_trial_ms: number;
  created_at: string;
  /** Migration 0004: whether the case's AI output / explanation had been opened (NULL in older rows). */
  ai_seen?: 0 | 1 | null;
  explanation_seen?: 0 | 1 | null;
};

/**
 * The content hash an answer's event records. Rows from before migration 0004 (no exposure
 * recorded) hash exactly as they always did, so their events still verify; newer rows add the
 * two exposure flags, so changing them breaks the chain like any other column.
 */
export function answerContentSha256(a: AnswerRowContent): string {
  const base = [
    a.trial_id,
    a.reader_id,
    a.question_id,
    a.question_version,
    a.version,
    a.supersedes,
    a.value_json,
    a.scores_json,
    a.display_state_json,
    a.time_to_first_input_ms,
    a.time_on_trial_ms,
    a.created_at,
  ];
  const exposure =
    (a.ai_seen ?? null) === null && (a.explanation_seen ?? null) === null ? [] : [a.ai_seen ?? null, a.explanation_seen ?? null];
  return sha256Of(canonicalJson([...base, ...exposure]));
}
