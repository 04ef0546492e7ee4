// What an answer package holds, checked before any of it is merged: its three parts parse to the
// rows the workspace wrote; its event log is one intact hash chain (as verifyEventLog walks a
// study's own log), so an event removed, inserted, changed or moved breaks it even when the
// reader signed the package again; and every answer version is the one its 'answer' event
// vouches for (answerContentSha256), with none of the reader's answers left out.
import { VerdictError } from '../../../app/errors';
import { answerContentSha256, eventHash, GENESIS_HASH } from '../db/event-log';
import type { OpenedPackage } from './package-archive';
import { ANSWER_PARTS, type LogRow, type PackagedAnswer, type VisitRow } from './answer-package';

// Each part's columns and what each must hold. Checked by hand: thousands of rows per package, and
// a schema library's generic walk was a fifth of a merge's time (npm run bench).
type Column = [what: string, ok: (v: unknown) => boolean];
const id: Column = ['a positive whole number', (v) => Number.isSafeInteger(v) && (v as number) > 0];
const whole: Column = ['a whole number', (v) => Number.isSafeInteger(v)];
const text: Column = ['text', (v) => typeof v === 'string'];
const number: Column = ['a number', (v) => typeof v === 'number' && Number.isFinite(v)];
// As toISOString writes them (every time Verdict records); a merge records the reader's times as given.
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const time: Column = ['a UTC time as Verdict writes it', (v) => typeof v === 'string' && TIME.test(v)];
const orNull = ([what, ok]: Column): Column => [`${what} or null`, (v) => v === null || ok(v)];
// Rows from before migration 0004 have no exposure flags.
const flag: Column = ['0, 1 or null', (v) => v === undefined || v === null || v === 0 || v === 1];

const ANSWER_COLUMNS: Record<string, Column> = {
  id,
  trial_id: id,
  reader_id: id,
  question_id: text,
  question_version: whole,
  version: id,
  supersedes: orNull(id),
  value_json: text,
  scores_json: orNull(text),
  display_state_json: text,
  time_to_first_input_ms: orNull(number),
  time_on_trial_ms: number,
  created_at: time,
  ai_seen: flag,
  explanation_seen: flag,
};
const VISIT_COLUMNS: Record<string, Column> = { trial_id: id, first_opened_at: time };
const LOG_COLUMNS: Record<string, Column> = { id, at: time, kind: text, payload_json: text, prev_hash: text, hash: text };

/** An answer package's content, checked: the answers, the trials' first openings and the event log, with each answer's event. */
export type AnswerContent = {
  answers: PackagedAnswer[];
  visits: VisitRow[];
  log: LogRow[];
  /** Per remote answer id: the seq (workspace event id) of its 'answer' event. */
  answerEvent: Map<number, number>;
  /** Per trial: when the reader's workspace first showed its stimuli, and the maps' hashes by slot. */
  shown: Map<number, { at: string; mapSha256: string[] }>;
};

type Refuse = (code: 'package.invalid' | 'package.forged', part: string, why: string, detail?: Record<string, number>) => VerdictError;

/** Parses and verifies the parts; refusals name the file and the part ('package.invalid': unreadable, 'package.forged': inconsistent). */
export function checkAnswerContent(pkg: OpenedPackage, readerId: number): AnswerContent {
  const refuse: Refuse = (code, part, why, detail = {}) =>
    new VerdictError(code, `${pkg.file} is refused: ${part}: ${why}.`, { file: pkg.file, part, ...detail });
  const answers = parsePart<PackagedAnswer>(pkg, ANSWER_PARTS.answers, ANSWER_COLUMNS, refuse);
  const visits = parsePart<VisitRow>(pkg, ANSWER_PARTS.visits, VISIT_COLUMNS, refuse);
  const log = parsePart<LogRow>(pkg, ANSWER_PARTS.log, LOG_COLUMNS, refuse);
  const payloads = verifyChain(log, refuse);

  const answerEvents = new Map<number, { seq: number; contentSha256: string }>();
  const shown = new Map<number, { at: string; mapSha256: string[] }>();
  for (const [i, row] of log.entries()) {
    const p = payloads[i] as Record<string, unknown>;
    if (row.kind === 'answer' && p.readerId === readerId)
      answerEvents.set(Number(p.answerId), { seq: row.id, contentSha256: String(p.contentSha256) });
    if (row.kind === 'stimulus.shown' && !shown.has(Number(p.trialId))) {
      const stimuli = Array.isArray(p.stimuli) ? (p.stimuli as { slot: number; mapSha256: string }[]) : [];
      shown.set(Number(p.trialId), { at: row.at, mapSha256: [...stimuli].sort((a, b) => a.slot - b.slot).map((s) => s.mapSha256) });
    }
  }
  const held = new Set<number>();
  for (const a of answers) {
    if (a.reader_id !== readerId)
      throw refuse(
        'package.forged',
        ANSWER_PARTS.answers,
        `answer ${a.id} is reader ${a.reader_id}'s, not the package's reader ${readerId}'s`,
        {
          answerId: a.id,
        },
      );
    const ev = answerEvents.get(a.id);
    if (!ev)
      throw refuse('package.forged', ANSWER_PARTS.answers, `answer ${a.id} has no 'answer' event in ${ANSWER_PARTS.log}`, {
        answerId: a.id,
      });
    if (ev.contentSha256 !== answerContentSha256(a))
      throw refuse(
        'package.forged',
        ANSWER_PARTS.answers,
        `answer ${a.id} differs from what its event ${ev.seq} in ${ANSWER_PARTS.log} recorded`,
        {
          answerId: a.id,
          eventId: ev.seq,
        },
      );
    held.add(a.id);
  }
  for (const [answerId, ev] of answerEvents)
    if (!held.has(answerId))
      throw refuse(
        'package.forged',
        ANSWER_PARTS.log,
        `event ${ev.seq} records answer ${answerId}, which ${ANSWER_PARTS.answers} does not hold`,
        {
          answerId,
          eventId: ev.seq,
        },
      );
  return { answers, visits, log, answerEvent: new Map([...answerEvents].map(([a, ev]) => [a, ev.seq])), shown };
}

function parsePart<T>(pkg: OpenedPackage, part: string, columns: Record<string, Column>, refuse: Refuse): T[] {
  let value: unknown;
  try {
    value = JSON.parse(pkg.parts.get(part)?.toString('utf8') ?? 'null');
  } catch {
    throw refuse('package.invalid', part, 'it is not JSON');
  }
  if (!Array.isArray(value)) throw refuse('package.invalid', part, 'it is not a list of rows');
  const checks = Object.entries(columns);
  for (const [i, row] of value.entries()) {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw refuse('package.invalid', part, `row ${i} is not an object`);
    for (const [name, [what, ok]] of checks)
      if (!ok((row as Record<string, unknown>)[name])) throw refuse('package.invalid', part, `row ${i}: ${name} is not ${what}`);
  }
  return value as T[];
}

/** Walks the chain from the genesis hash, as verifyEventLog does; returns each event's parsed payload. */
function verifyChain(log: LogRow[], refuse: Refuse): unknown[] {
  let prev = GENESIS_HASH;
  let lastId = 0;
  return log.map((row) => {
    const at = { eventId: row.id };
    if (row.id <= lastId)
      throw refuse('package.forged', ANSWER_PARTS.log, `event ${row.id} comes after event ${lastId}: the log's events were reordered`, at);
    if (row.prev_hash !== prev)
      throw refuse(
        'package.forged',
        ANSWER_PARTS.log,
        `the event log's chain breaks at event ${row.id}: it does not follow the event before it (events were removed, inserted or reordered)`,
        at,
      );
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload_json);
    } catch {
      throw refuse('package.forged', ANSWER_PARTS.log, `event ${row.id}'s payload is not JSON`, at);
    }
    if (eventHash(prev, row.at, row.kind, payload) !== row.hash)
      throw refuse(
        'package.forged',
        ANSWER_PARTS.log,
        `event ${row.id} (${row.kind}) does not match its hash: its time, kind or payload was changed`,
        at,
      );
    prev = row.hash;
    lastId = row.id;
    return payload;
  });
}
