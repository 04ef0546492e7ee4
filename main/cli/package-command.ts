// `verdict package`: readers at other sites, headless (issue 17). The coordinator makes a signed
// study package per reader and merges the answer packages that come back; a reader opens their
// package into a reading workspace and writes the answer package. Every command prints the
// fingerprint of the key involved: people compare fingerprints by another channel (a phone call),
// since a key inside a file vouches only for itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { packageEndpoints } from '../../app/api/packages';
import type { StudyPackages } from '../../app/packages';
import { openPackageInto } from '../services/packages/package-service';
import type { Verdict } from '../verdict';
import { openExisting } from './study-command';

export const PACKAGE_USAGE = `usage: verdict package create --db FILE --study ID --reader NAME [--site SITE] --out FILE [--json]
         a signed study package for one assigned reader of a prepared study: the blinded protocol, the
         reader's trials in their seeded order, de-identified pixels and the precomputed maps; no models,
         method names, truth, patient identifiers or original UIDs. Prints the coordinator key's fingerprint
       verdict package list --db FILE --study ID [--json]
         the study's readers: site, packages made, registered key, answer packages merged
       verdict package import FILE... --db FILE [--trust FINGERPRINT] [--json]
         merges answer packages (the same one twice changes nothing). A reader's key is registered on
         first use: the import is refused and prints the key's fingerprint; compare it with the reader's
         by another channel, then import again with --trust "<that fingerprint>"
       verdict package open FILE --data DIR [--passphrase-file FILE] [--json]
         (reader) verifies the package (signature, every part's hash) and opens it into a reading
         workspace, DIR/workspaces/<study>/study.db; the passphrase (from the file, or else stdin, 8+
         characters) is the reader's sign-in from now on. Prints the workspace and both fingerprints:
         compare the coordinator's with the one they told you. Read with: npm run serve -- --db <workspace>
       verdict package answers (--db WORKSPACE | --data DIR) --out FILE [--json]
         (reader) the workspace's answer package (every answer version, display states, timings, the
         event log), signed with DIR's reader key; prints its fingerprint for the coordinator`;

const OPTIONS = {
  db: { type: 'string' },
  data: { type: 'string' },
  study: { type: 'string' },
  reader: { type: 'string' },
  site: { type: 'string' },
  out: { type: 'string' },
  trust: { type: 'string' },
  'passphrase-file': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Values = {
  db?: string;
  data?: string;
  study?: string;
  reader?: string;
  site?: string;
  out?: string;
  trust?: string;
  'passphrase-file'?: string;
  json: boolean;
};

const usage = (why: string) => new VerdictError('api.invalid-args', `verdict package: ${why}\n${PACKAGE_USAGE}`);
const print = (json: boolean, data: unknown, text: string) => console.log(json ? JSON.stringify(data, null, 2) : text);
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export async function packageCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help') {
    console.log(PACKAGE_USAGE);
    return sub ? 0 : 2;
  }
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  if (sub === 'open') return open(positionals, values);
  const run = { create, list, import: importPackages, answers }[sub];
  if (!run) throw usage(`unknown command "${sub}"`);
  const verdict = sub === 'answers' ? openWorkspace(values) : openExisting(values.db, PACKAGE_USAGE);
  try {
    return await run(verdict, positionals, values);
  } finally {
    verdict.close();
  }
}

function studyId(v: Values): number {
  const id = Number(v.study);
  if (!v.study || !Number.isInteger(id) || id < 1) throw usage('--study needs a study id');
  return id;
}

async function create(verdict: Verdict, _args: string[], v: Values): Promise<number> {
  if (!v.reader || !v.out) throw usage('create needs --reader and --out');
  const reader = verdict.readers.byName(v.reader);
  const made = await verdict.packages.create({ studyId: studyId(v), readerId: reader.id, site: v.site?.trim() || null, out: v.out });
  print(
    v.json,
    made,
    [
      `study package for ${made.readerName}${made.site ? ` (${made.site})` : ''}: ${made.file}`,
      `  ${made.trials} trials, ${made.images} images, ${megabytes(made.bytes)}, sha256 ${made.sha256}`,
      `  signed by the coordinator key ${made.fingerprint}`,
      `  tell ${made.readerName} this fingerprint by another channel; they compare it when they open the package`,
    ].join('\n'),
  );
  return 0;
}

async function list(verdict: Verdict, _args: string[], v: Values): Promise<number> {
  const packages = verdict.packages.list(studyId(v));
  print(v.json, packages, formatStudyPackages(packages));
  return 0;
}

/** What the study admin's package panel shows, in plain text. */
export function formatStudyPackages(p: StudyPackages): string {
  const lines = [`coordinator key ${p.coordinatorFingerprint}`];
  for (const r of p.readers) {
    lines.push(`${r.readerName}${r.site ? ` (${r.site})` : ' (this workstation)'}`);
    for (const i of r.issued) lines.push(`  package made ${i.createdAt}, sha256 ${i.sha256.slice(0, 12)}…`);
    lines.push(`  reader key ${r.key ? `${r.key.fingerprint}, trusted ${r.key.trustedAt}` : 'not registered yet'}`);
    for (const i of r.imports)
      lines.push(`  answers merged ${i.importedAt}: ${i.answersAdded} added (Verdict ${i.appVersion}), sha256 ${i.sha256.slice(0, 12)}…`);
  }
  return lines.join('\n');
}

async function importPackages(verdict: Verdict, files: string[], v: Values): Promise<number> {
  if (!files.length) throw usage('import needs at least one answer package');
  const reports = [];
  for (const file of files) {
    try {
      const r = await verdict.packages.import({ file, trust: v.trust });
      reports.push({ file: resolve(file), ...r });
      if (!v.json)
        console.log(
          r.alreadyMerged
            ? `${file}: merged before, nothing changed (${r.readerName}, key ${r.fingerprint})`
            : `${file}: ${r.added} answer version(s) of ${r.readerName}${r.site ? ` (${r.site})` : ''} merged, signed by ${r.fingerprint}`,
        );
    } catch (e) {
      if (e instanceof VerdictError && e.code === 'package.untrusted-key' && !e.detail?.registered) {
        console.error(`verdict: ${e.message}`);
        console.error(`  key fingerprint: ${e.detail!.fingerprint}`);
        console.error(`  if the reader confirms it: verdict package import ${file} --db ${v.db} --trust "${e.detail!.fingerprint}"`);
        return 1;
      }
      throw e;
    }
  }
  if (v.json) console.log(JSON.stringify(reports, null, 2));
  return 0;
}

async function open(args: string[], v: Values): Promise<number> {
  if (args.length !== 1) throw usage('open takes one study package');
  if (!v.data) throw usage('open needs --data DIR (the reader data folder the workspace is made in)');
  const passphrase = readFileSync(v['passphrase-file'] ?? 0, 'utf8').replace(/\r?\n$/, '');
  const parsed = packageEndpoints['packages.open'].input.safeParse({ file: args[0], passphrase });
  if (!parsed.success) throw usage(`${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const opened = await openPackageInto(resolve(v.data), parsed.data);
  print(
    v.json,
    opened,
    [
      `workspace for ${opened.readerName}: "${opened.studyName}" in ${opened.dbPath}`,
      `  the package is signed by the coordinator key ${opened.coordinatorFingerprint}`,
      `  compare it with the fingerprint the coordinator told you; if they differ, do not read this package`,
      `  your reader key, which signs your answers: ${opened.readerFingerprint} (tell it to the coordinator)`,
      `  read: npm run serve -- --db ${opened.dbPath}`,
    ].join('\n'),
  );
  return 0;
}

/** --db WORKSPACE, or --data DIR holding exactly one workspace. */
function openWorkspace(v: Values): Verdict {
  if (v.db) return openExisting(v.db, PACKAGE_USAGE);
  if (!v.data) throw usage('answers needs --db WORKSPACE or --data DIR');
  const root = join(resolve(v.data), 'workspaces');
  const found = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'study.db'))) : [];
  if (found.length !== 1)
    throw usage(
      found.length
        ? `${root} holds ${found.length} workspaces (${found.join(', ')}): name one with --db ${join(root, found[0], 'study.db')}`
        : `no reading workspace in ${root}: open a study package first (verdict package open)`,
    );
  return openExisting(join(root, found[0], 'study.db'), PACKAGE_USAGE);
}

async function answers(verdict: Verdict, _args: string[], v: Values): Promise<number> {
  if (!v.out) throw usage('answers needs --out FILE');
  const made = await verdict.packages.writeAnswers({ out: v.out });
  print(
    v.json,
    made,
    [
      `answer package: ${made.file}`,
      `  ${made.answers} answer version(s), ${megabytes(made.bytes)}, sha256 ${made.sha256}`,
      `  signed by your reader key ${made.fingerprint}; send the file to the coordinator and tell them this fingerprint by another channel`,
    ].join('\n'),
  );
  return 0;
}
