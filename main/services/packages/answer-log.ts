// What an answer package holds, checked before any of it is merged: its three parts parse to the
// rows the workspace wrote; its event log is one intact hash chain (as verifyEventLog walks a
// study's own log), so an event removed, inserted, changed or moved breaks it even when the
// reader signed the package again; and every answer version is the one its 'answer' event
// vouches for (answerContentSha256), with none of the reader's answers left out.
import { z } from 'zod';
import { VerdictError } from '../../../app/errors';
import { answerContentSha256, eventHash, GENESIS_HASH } from '../db/event-log';
import type { OpenedPackage } from './package-archive';
import { ANSWER_PARTS, type LogRow, type PackagedAnswer, type VisitRow } from './answer-package';

const id = z.number().int().positive();
// As toISOString writes them (every time Verdict records); a merge records the reader's times as given.
const time = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'expected a UTC time as Verdict writes it');
const flag = z.union([z.literal(0), z.literal(1), z.null()]).optional();
const answerRow = z.object({
  id,
  trial_id: id,
  reader_id: id,
  question_id: z.string(),
  question_version: z.number().int(),
  version: z.number().int().min(1),
  supersedes: id.nullable(),
  value_json: z.string(),
  scores_json: z.string().nullable(),
  display_state_json: z.string(),
  time_to_first_input_ms: z.number().nullable(),
  time_on_trial_ms: z.number(),
  created_at: z.string(),
  ai_seen: flag,
  explanation_seen: flag,
});
const visitRow = z.object({ trial_id: id, first_opened_at: time });
const logRow = z.object({ id, at: time, kind: z.string(), payload_json: z.string(), prev_hash: z.string(), hash: z.string() });

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
  const answers = parsePart(pkg, ANSWER_PARTS.answers, answerRow, refuse) as PackagedAnswer[];
  const visits = parsePart(pkg, ANSWER_PARTS.visits, visitRow, refuse);
  const log = parsePart(pkg, ANSWER_PARTS.log, logRow, refuse);
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

function parsePart<T>(pkg: OpenedPackage, part: string, row: z.ZodType<T>, refuse: Refuse): T[] {
  let value: unknown;
  try {
    value = JSON.parse(pkg.parts.get(part)?.toString('utf8') ?? 'null');
  } catch {
    throw refuse('package.invalid', part, 'it is not JSON');
  }
  const parsed = z.array(row).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw refuse('package.invalid', part, `${issue.path.length ? `row ${issue.path.join('.')}` : 'the list'}: ${issue.message}`);
  }
  return parsed.data;
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
