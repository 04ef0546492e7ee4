// `verdict study create|assign|status`: set up and follow a reader study headless, through the
// same services as the app (the CLI has the coordinator's access: it holds the file).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import type { StudySummary } from '../../app/study';
import { createVerdict, type Verdict } from '../verdict';
import { silentLog } from '../log';
import { answerListing } from '../services/study/answer-listing';

export const STUDY_USAGE = `usage: verdict study create --db FILE --protocol FILE [--name NAME] [--json]
       verdict study assign --db FILE --study ID --reader NAME [--json]
       verdict study status --db FILE [--study ID] [--json]
  create validates and saves the protocol (JSON, format verdict-protocol/1; see protocol.schema.json),
  creates a study from it and prints the study's id`;

const OPTIONS = {
  db: { type: 'string' },
  protocol: { type: 'string' },
  name: { type: 'string' },
  study: { type: 'string' },
  reader: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** Opens an existing study database (a study needs imported cases). */
export function openExisting(db: string | undefined, usage: string): Verdict {
  if (!db) throw new VerdictError('api.invalid-args', usage);
  const dbPath = resolve(db);
  if (!existsSync(dbPath))
    throw new VerdictError('file.not-found', `No study database at ${dbPath}; import cases first (verdict import).`, { path: dbPath });
  return createVerdict({ dbPath, host: 'cli', log: silentLog });
}

export async function studyCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: OPTIONS });
  if (sub !== 'create' && sub !== 'assign' && sub !== 'status') throw new VerdictError('api.invalid-args', STUDY_USAGE);
  const verdict = openExisting(values.db, STUDY_USAGE);
  try {
    if (sub === 'create') return await create(verdict, values);
    if (sub === 'assign') return assign(verdict, values);
    return status(verdict, values);
  } finally {
    verdict.close();
  }
}

type Values = { protocol?: string; name?: string; study?: string; reader?: string; json: boolean };

async function create(verdict: Verdict, v: Values): Promise<number> {
  if (!v.protocol) throw new VerdictError('api.invalid-args', STUDY_USAGE);
  const path = resolve(v.protocol);
  if (!existsSync(path)) throw new VerdictError('file.not-found', `No protocol file at ${path}.`, { path });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new VerdictError('protocol.invalid', `protocol: (file): not valid JSON (${(e as Error).message})`, { field: '(file)' });
  }
  const saved = await verdict.protocols.save(json);
  const created = await verdict.studies.create(saved.rowId, v.name ?? saved.title);
  // Headless: wait for the stimuli, so the study is ready to read when the command returns.
  const study = await verdict.studies.prepared(created.id);
  const perReader = await verdict.protocols.validate(json);
  if (v.json) console.log(JSON.stringify({ ...study, trialsPerReader: perReader.trialsPerReader }, null, 2));
  else {
    console.log(study.id);
    console.error(
      `study ${study.id} "${study.name}" created: protocol ${saved.id} v${saved.version} (sha256 ${saved.sha256.slice(0, 12)}…), ${study.cases} case(s), ${perReader.trialsPerReader} trials per reader`,
    );
  }
  return 0;
}

function studyId(v: Values): number {
  const id = Number(v.study);
  if (!v.study || !Number.isInteger(id) || id < 1) throw new VerdictError('api.invalid-args', `--study needs a study id\n${STUDY_USAGE}`);
  return id;
}

function assign(verdict: Verdict, v: Values): number {
  if (!v.reader) throw new VerdictError('api.invalid-args', STUDY_USAGE);
  const reader = verdict.readers.byName(v.reader);
  const study = verdict.studies.assign(studyId(v), reader.id);
  const mine = study.readers.find((r) => r.readerId === reader.id)!;
  if (v.json) console.log(JSON.stringify(mine, null, 2));
  else console.log(`${reader.name} reads study ${study.id}: ${mine.total} trials, seed ${mine.seed}`);
  return 0;
}

function status(verdict: Verdict, v: Values): number {
  const studies: StudySummary[] = v.study ? [verdict.studies.summary(studyId(v))] : verdict.studies.list();
  const integrity = verdict.studies.integrity();
  const detailed = studies.map((s) => ({
    ...s,
    readers: s.readers.map((r) => ({ ...r, orderReproducible: verdict.studies.reproduce(s.id, r.readerId).same })),
    answerList: answerListing(verdict.study.db, s.id),
  }));
  if (v.json) {
    console.log(JSON.stringify({ integrity, studies: detailed }, null, 2));
    return 0;
  }
  console.log(
    `event log: ${integrity.ok ? `intact (${integrity.checked} events)` : `BROKEN at event ${integrity.firstBreak!.eventId}: ${integrity.firstBreak!.reason}`}`,
  );
  for (const s of detailed) {
    console.log(
      `study ${s.id} "${s.name}" (${s.status}): protocol ${s.protocol.id} v${s.protocol.version}, ${s.cases} case(s), ${s.answers} answer(s)`,
    );
    for (const r of s.readers)
      console.log(
        `  ${r.name.padEnd(24)} ${r.done}/${r.total} done, ${(r.timeSpentMs / 60_000).toFixed(1)} min, seed ${r.seed}${r.site ? ` (at ${r.site})` : ''}`,
      );
  }
  return 0;
}
