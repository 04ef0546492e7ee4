// Study exports: the long CSV, the MRMC and agreement files, the JSON dump. Each is built from the
// database in one read transaction (a consistent snapshot while readers go on answering) and
// written to a temporary file that is renamed into place, so a failed export never leaves half a
// file where a statistician expects a whole one.
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { ExportFormat, ExportedFile } from '../../../app/results';
import { answerRecords, studyRecords } from './answer-records';
import { longCsv } from './long-csv';
import { imrmcFile, mrmcaovFile } from './mrmc-files';
import { iccFile, kappaFile } from './agreement-files';
import { studyJson } from './study-json';
import { keyFile } from './study-key';
import { comparisonsCsv } from '../results/comparisons-file';
import { studyComparisons } from '../results/comparisons';
import { studyContext } from '../study/study-rows';
import { VerdictError } from '../../../app/errors';

const MEDIA: Record<ExportFormat, { ext: string; mediaType: string }> = {
  csv: { ext: 'csv', mediaType: 'text/csv' },
  comparisons: { ext: 'csv', mediaType: 'text/csv' },
  imrmc: { ext: 'imrmc', mediaType: 'text/plain' },
  // RJafroc's DfReadDataFile(format = "iMRMC") insists on the .imrmc extension.
  rjafroc: { ext: 'imrmc', mediaType: 'text/plain' },
  'mrmc-key': { ext: 'csv', mediaType: 'text/csv' },
  mrmcaov: { ext: 'csv', mediaType: 'text/csv' },
  kappa: { ext: 'csv', mediaType: 'text/csv' },
  icc: { ext: 'csv', mediaType: 'text/csv' },
  json: { ext: 'json', mediaType: 'application/json' },
};

const SUFFIX: Record<ExportFormat, string> = {
  csv: 'answers-long',
  comparisons: 'comparisons',
  imrmc: 'imrmc',
  rjafroc: 'rjafroc-crossed',
  'mrmc-key': 'key',
  mrmcaov: 'mrmcaov-long',
  kappa: 'kappa-wide',
  icc: 'icc-long',
  json: 'study',
};

export class ExportService {
  readonly #db: Database;
  readonly #appVersion: string;
  readonly #now: () => Date;

  constructor(db: Database, appVersion: string, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#appVersion = appVersion;
    this.#now = now;
  }

  /** The file's content and a suggested name; `question` picks the question of the MRMC, kappa and ICC files. */
  build(studyId: number, format: ExportFormat, question?: string): ExportedFile {
    const content = this.#db
      .transaction(() => {
        if (format === 'json') return studyJson(this.#db, studyContext(this.#db, studyId), this.#appVersion, this.#now().toISOString());
        if (format === 'csv') {
          const { ctx, records } = answerRecords(this.#db, studyId);
          return longCsv(ctx, records, this.#appVersion);
        }
        const { ctx, records } = studyRecords(this.#db, studyId);
        switch (format) {
          case 'comparisons':
            return comparisonsCsv(studyComparisons(ctx, records));
          case 'imrmc':
            return imrmcFile(ctx, records, question);
          case 'rjafroc':
            return imrmcFile(ctx, records, question, true);
          case 'mrmc-key':
            return keyFile(ctx, records, question);
          case 'mrmcaov':
            return mrmcaovFile(ctx, records, question);
          case 'kappa':
            return kappaFile(ctx, records, question);
          case 'icc':
            return iccFile(records, question);
        }
      })
      .deferred();
    const m = MEDIA[format];
    return {
      fileName: `verdict-study-${studyId}-${SUFFIX[format]}${question ? `-${question}` : ''}.${m.ext}`,
      mediaType: m.mediaType,
      content,
    };
  }

  /** Writes the export to `path` (replacing a file there only once the new one is complete). */
  write(studyId: number, format: ExportFormat, path: string, question?: string): ExportedFile & { bytes: number } {
    const file = this.build(studyId, format, question);
    const partial = `${path}.partial-${process.pid}`;
    try {
      // 0600 (POSIX): an export carries unblinded answers and reader names.
      writeFileSync(partial, file.content, { encoding: 'utf8', mode: 0o600 });
      renameSync(partial, path);
    } catch (e) {
      try {
        unlinkSync(partial);
      } catch {
        /* nothing was written */
      }
      throw new VerdictError('export.write-failed', `Could not write the ${format} export to ${path}: ${(e as Error).message}`, { path });
    }
    return { ...file, bytes: Buffer.byteLength(file.content, 'utf8') };
  }
}
