// `verdict export`: a study's results in the format an analysis tool reads, written to a file.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { EXPORT_FORMATS, type ExportFormat } from '../../app/results';
import { openExisting } from './study-command';

export const EXPORT_USAGE = `usage: verdict export --db FILE --study ID --format ${EXPORT_FORMATS.join('|')} --out PATH [--question ID]
  csv      one row per reader × case × stimulus × question (latest answer versions), all context columns
  imrmc    iMRMC input (reader, case, modality = phase, score; truth rows) for a truth-scored case question
  mrmcaov  MRMCaov long data: reader, treatment, case, truth, rating
  kappa    wide reader matrices (item × reader) for Fleiss' and weighted kappa
  icc      long targets / raters / ratings for ICC
  json     the whole study: protocol, readers, cases, trials, stimuli, every answer version
  --question picks the question of imrmc/mrmcaov (default: the first with "truth") and of kappa/icc (default: all)`;

export async function exportCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(EXPORT_USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      study: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      question: { type: 'string' },
    },
  });
  const studyId = Number(values.study);
  if (!values.study || !Number.isInteger(studyId) || studyId < 1)
    throw new VerdictError('api.invalid-args', `--study needs a study id\n${EXPORT_USAGE}`);
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format))
    throw new VerdictError(
      'api.invalid-args',
      `--format must be one of ${EXPORT_FORMATS.join(', ')}${values.format ? ` (got "${values.format}")` : ''}\n${EXPORT_USAGE}`,
    );
  if (!values.out) throw new VerdictError('api.invalid-args', `--out needs the file to write\n${EXPORT_USAGE}`);
  const verdict = openExisting(values.db, EXPORT_USAGE);
  try {
    const out = resolve(values.out);
    const file = verdict.exports.write(studyId, format, out, values.question);
    console.error(`wrote ${format} export of study ${studyId} to ${out} (${file.bytes} bytes)`);
    return 0;
  } finally {
    verdict.close();
  }
}
