// `verdict info --db FILE [--json]`: what a study database holds.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { VerdictError } from '../../app/errors';
import { createVerdict } from '../verdict';
import { silentLog } from '../log';

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (!values.db) throw new VerdictError('api.invalid-args', 'usage: verdict info --db FILE [--json]');
  const dbPath = resolve(values.db);
  // `info` only reads: it must not create a database that is not there.
  if (!existsSync(dbPath)) throw new VerdictError('file.not-found', `No study database at ${dbPath}.`, { path: dbPath });
  const verdict = createVerdict({ dbPath, host: 'cli', log: silentLog });
  try {
    const cases = verdict.cases.list().map((c) => {
      const d = verdict.cases.get(c.id);
      return {
        id: c.id,
        label: c.label,
        source: c.source,
        modality: c.modality,
        series: d.series.map((s) => ({
          uid: s.seriesInstanceUid,
          slices: s.sliceCount,
          spacing: s.sliceSpacing,
          pixelSpacing: s.pixelSpacing,
          gapsAfter: s.gapsAfter,
        })),
        nodules: d.nodules.map((n) => ({
          label: n.label,
          readers: n.readerCount,
          diameterMm: n.diameterMm,
          medianMalignancy: n.medianMalignancy,
        })),
        readers: d.readerCount,
        images: c.imageCount,
        diagnosis: c.diagnosis,
        masks: d.images.flatMap((i) => i.masks.map((m) => m.name)),
      };
    });
    const info = {
      database: dbPath,
      schemaVersion: verdict.study.schemaVersion,
      cases: cases.length,
      bySource: Object.fromEntries(['lidc', 'isic', 'other'].map((s) => [s, cases.filter((c) => c.source === s).length])),
      nodules: cases.reduce((n, c) => n + c.nodules.length, 0),
      caseList: cases,
    };
    if (values.json) console.log(JSON.stringify(info, null, 2));
    else {
      console.log(
        `${dbPath}: schema ${info.schemaVersion}, ${info.cases} case(s) (LIDC ${info.bySource.lidc}, ISIC ${info.bySource.isic}, other ${info.bySource.other}), ${info.nodules} nodule(s)`,
      );
      for (const c of cases)
        console.log(
          `  ${c.label} ${c.modality}${c.series.length ? ` ${c.series[0].slices} slices` : ''}${c.nodules.length ? `, ${c.nodules.length} nodule(s), ${c.readers} reader(s)` : ''}${c.diagnosis ? `, ${c.diagnosis}` : ''}`,
        );
    }
    return 0;
  } finally {
    verdict.close();
  }
}
