// `verdict model`: the coordinator's Models view, headless. `add` validates a pack folder, copies
// it into the study's data folder (model-packs/ beside the database) and registers the copy;
// `list` shows every model, retired ones too; `retire` takes a model out of new work (studies
// that used it keep it); `restore` brings a retired model back into new work.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { methodLabel } from '../../app/methods';
import type { ModelEntry } from '../../app/models';
import { VerdictError } from '../../app/errors';
import { silentLog } from '../log';
import { createVerdict, type Verdict } from '../verdict';
import { openExisting } from './study-command';
import { MODEL_PACK_USAGE, modelPackCommand } from './model-pack-command';

export const MODEL_USAGE = `usage: verdict model add PATH --db FILE [--json]
         a model pack folder (manifest.json and the files it lists): validated, copied into
         model-packs/ beside the study database (hashes checked after the copy) and registered
       verdict model list --db FILE [--json]
         every registered model, retired ones too: id, pack id, version, modality, purpose,
         status, SHA-256, methods, execution provider
       verdict model retire ID|PACK-ID --db FILE [--json]
         not offered for new maps or protocols; studies and maps that used it keep it
       verdict model restore ID|PACK-ID --db FILE [--json]
         a retired model offered for new maps and protocols again (its pack's hashes checked;
         refused while another model holds its pack id)
       ${MODEL_PACK_USAGE.replace('usage: ', '')}`;

const OPTIONS = { db: { type: 'string' }, json: { type: 'boolean', default: false } } as const;

type Values = { db?: string; json: boolean };
type Sub = (verdict: Verdict, args: string[], values: Values) => Promise<number>;

const SUBCOMMANDS: Record<string, { run: Sub; creates?: boolean }> = {
  add: { run: add, creates: true },
  list: { run: list },
  retire: { run: retire },
  restore: { run: restore },
};

export async function modelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') {
    console.log(MODEL_USAGE);
    return sub ? 0 : 2;
  }
  // `pack` writes a pack folder and needs no study database.
  if (sub === 'pack') return modelPackCommand(rest);
  const command = SUBCOMMANDS[sub];
  if (!command) throw new VerdictError('api.invalid-args', `unknown model command "${sub}"\n${MODEL_USAGE}`);
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  let verdict: Verdict;
  if (command.creates) {
    // Adding a pack to a study that has no cases yet is fine: the database is created.
    if (!values.db) throw new VerdictError('api.invalid-args', MODEL_USAGE);
    const dbPath = resolve(values.db);
    mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 });
    verdict = createVerdict({ dbPath, host: 'cli', log: silentLog });
  } else verdict = openExisting(values.db, MODEL_USAGE);
  try {
    return await command.run(verdict, positionals, values);
  } finally {
    verdict.close();
  }
}

async function add(verdict: Verdict, args: string[], values: Values): Promise<number> {
  if (args.length !== 1) throw new VerdictError('api.invalid-args', `verdict model add takes one pack folder\n${MODEL_USAGE}`);
  const added = await verdict.models.add(resolve(args[0]));
  const entry = (await verdict.models.catalogue()).find((m) => m.id === added.id)!;
  if (values.json) console.log(JSON.stringify(entry, null, 1));
  else
    console.log(
      `model ${entry.id}: ${entry.packId} ${entry.version} (${entry.name}), sha256 ${entry.sha256.slice(0, 12)}…, in ${entry.path}`,
    );
  return 0;
}

async function list(verdict: Verdict, _args: string[], values: Values): Promise<number> {
  const entries = await verdict.models.catalogue();
  if (values.json) console.log(JSON.stringify(entries, null, 1));
  else console.log(formatModels(entries));
  return 0;
}

async function retire(verdict: Verdict, args: string[], values: Values): Promise<number> {
  if (args.length !== 1) throw new VerdictError('api.invalid-args', `verdict model retire takes one model id or pack id\n${MODEL_USAGE}`);
  const which = /^\d+$/.test(args[0]) ? Number(args[0]) : args[0];
  const retired = await verdict.models.retire(which);
  const entry = (await verdict.models.catalogue()).find((m) => m.id === retired.id)!;
  if (values.json) console.log(JSON.stringify(entry, null, 1));
  else
    console.log(
      `model ${entry.id}: ${entry.packId} ${entry.version} retired on ${entry.retiredAt!.slice(0, 10)}; ${entry.studies} stud${entry.studies === 1 ? 'y keeps' : 'ies keep'} it`,
    );
  return 0;
}

async function restore(verdict: Verdict, args: string[], values: Values): Promise<number> {
  if (args.length !== 1) throw new VerdictError('api.invalid-args', `verdict model restore takes one model id or pack id\n${MODEL_USAGE}`);
  const which = /^\d+$/.test(args[0]) ? Number(args[0]) : args[0];
  const restored = await verdict.models.restore(which);
  const entry = (await verdict.models.catalogue()).find((m) => m.id === restored.id)!;
  if (values.json) console.log(JSON.stringify(entry, null, 1));
  else console.log(`model ${entry.id}: ${entry.packId} ${entry.version} active: offered for new maps and protocols`);
  return 0;
}

/** One block per model: what the Models view shows, in plain text. */
export function formatModels(entries: ModelEntry[]): string {
  if (!entries.length) return 'No models are registered.';
  return entries
    .map((m) =>
      [
        `${m.id}  ${m.packId} ${m.version}  ${m.modality}  ${m.purpose}  ${m.retiredAt ? `retired ${m.retiredAt.slice(0, 10)}` : 'active'}  sha256 ${m.sha256.slice(0, 12)}`,
        `    ${m.name}`,
        `    methods: ${m.methods.map(methodLabel).join(', ')}`,
        `    provider: ${m.provider ?? `not opened yet (tries ${m.providers.join(' → ')})`}`,
        `    ${m.bundled ? 'bundled' : `copied from ${m.addedFrom ?? '(unknown)'}`}: ${m.path}`,
      ].join('\n'),
    )
    .join('\n');
}
