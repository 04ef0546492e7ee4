// `verdict export`: a study's results in the format an analysis tool reads, written to a file.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { EXPORT_FORMATS, type ExportFormat } from '../../app/results';
import { openExisting } from './study-command';

export const EXPORT_USAGE = `usage: verdict export --db FILE --study ID --format ${EXPORT_FORMATS.join('|')} --out PATH [--question ID]
  csv          one row per reader × case × stimulus × question (latest answer versions), all context columns
  comparisons  conditions and phases compared (Obuchowski–Rockette, Hillis ddf; readers and cases random):
               each level's interval, each difference with its interval and p, the global F test
  imrmc        iMRMC input (N0/N1/NR/NM; reader, case, modality = phase, score; truth rows with reader -1)
               for a truth-scored case question; reader and case ids are integers (see mrmc-key)
  rjafroc      the iMRMC file of the cases every reader scored in every phase (RJafroc needs a crossed design):
               RJafroc::DfReadDataFile("….imrmc", format = "iMRMC")
  mrmcaov      MRMCaov long data: reader, treatment, case, truth, rating (also RJafroc's format = "MRMC")
  mrmc-key     the ids of the MRMC and kappa files: reader names, case labels with their truth, answer codes
  kappa        wide reader matrices (item × reader R1…Rn, numeric codes) for Fleiss' and weighted kappa
  icc          long targets / raters / ratings for ICC
  json         the whole study: protocol, readers, cases, trials, stimuli, every answer version
  --question picks the question of imrmc/rjafroc/mrmcaov (default: the first with "truth") and of kappa/icc/mrmc-key (default: all)
  In R: read.csv(file, check.names = FALSE, na.strings = "")`;

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
