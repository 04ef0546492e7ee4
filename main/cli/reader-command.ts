// `verdict reader add`: a reader profile from the command line, so a study can be set up
// headless. The passphrase comes from a file or stdin (never from the command line, where it
// would sit in the shell history and the process list); the same rules as the app apply.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { studyEndpoints } from '../../app/api/study';
import { openExisting } from './study-command';

export const READER_USAGE = `usage: verdict reader add --db FILE --name NAME --role reader|admin [--specialty TEXT] [--years N] [--passphrase-file FILE] [--json]
  the passphrase is read from --passphrase-file, or else from stdin (at least 8 characters);
  the first profile of a study database must be the coordinator's (--role admin)`;

const OPTIONS = {
  db: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  specialty: { type: 'string' },
  years: { type: 'string' },
  'passphrase-file': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export async function readerCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: OPTIONS });
  if (sub !== 'add' || !values.name || !values.role) throw new VerdictError('api.invalid-args', READER_USAGE);
  const passphrase = readFileSync(values['passphrase-file'] ?? 0, 'utf8').replace(/\r?\n$/, '');
  const parsed = studyEndpoints['readers.create'].input.safeParse({
    name: values.name,
    role: values.role,
    specialty: values.specialty ?? null,
    yearsExperience: values.years !== undefined ? Number(values.years) : null,
    passphrase,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VerdictError('api.invalid-args', `verdict reader add: ${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  }
  const verdict = openExisting(values.db, READER_USAGE);
  try {
    const profile = await verdict.readers.create(parsed.data);
    if (values.json) console.log(JSON.stringify(profile, null, 2));
    else console.log(`reader ${profile.id} "${profile.name}" (${profile.role}) added`);
    return 0;
  } finally {
    verdict.close();
  }
}
