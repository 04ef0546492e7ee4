// `verdict import PATH --db FILE [--json]`
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { ImportReport } from '../../app/domain';
import { VerdictError } from '../../app/errors';
import { createVerdict } from '../verdict';
import { silentLog } from '../log';

export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1 || !values.db) throw new VerdictError('api.invalid-args', 'usage: verdict import PATH --db FILE [--json]');
  const verdict = createVerdict({ dbPath: resolve(values.db), host: 'cli', log: values.json ? silentLog : undefined });
  try {
    const report = await verdict.imports.run(positionals[0], {
      onProgress:
        values.json || !process.stderr.isTTY ? undefined : (p) => process.stderr.write(`\r${p.phase} ${p.done}/${p.total}`.padEnd(40)),
    });
    if (!values.json && process.stderr.isTTY) process.stderr.write('\n');
    console.log(values.json ? JSON.stringify(importSummary(report), null, 2) : formatReport(report));
    return report.status === 'done' ? 0 : 1;
  } finally {
    verdict.close();
  }
}

/** The JSON the CLI prints: cases, series, nodules, readers and refused files with reasons. */
export function importSummary(report: ImportReport) {
  return {
    status: report.status,
    root: report.root,
    cases: report.cases.map((c) => ({
      id: c.caseId,
      label: c.label,
      source: c.source,
      series: c.series,
      nodules: c.nodules,
      readers: c.readers,
      images: c.images,
    })),
    series: report.cases.flatMap((c) => c.series),
    nodules: report.cases.reduce((n, c) => n + c.nodules, 0),
    readers: Math.max(0, ...report.cases.map((c) => c.readers)),
    refused: report.refused,
    skipped: report.skipped,
    warnings: report.warnings,
    error: report.error,
  };
}

function formatReport(r: ImportReport): string {
  const lines = [`Import of ${r.root}: ${r.status}${r.error ? ` — ${r.error}` : ''}`];
  for (const c of r.cases) {
    const series = c.series
      .map((s) => `series ${s.uid}: ${s.slices} slices${s.spacing ? `, ${s.spacing.toFixed(2)} mm apart` : ''}`)
      .join('; ');
    lines.push(
      `  ${c.label} (${c.source}) ${series || `${c.images} image(s)`}${c.nodules ? `; ${c.nodules} nodule(s), ${c.readers} reader(s)` : ''}`,
    );
  }
  if (r.refused.length) lines.push(`Refused ${r.refused.length} file(s):`, ...r.refused.map((f) => `  ${f.path}: ${f.reason}`));
  if (r.skipped.length) lines.push(`Skipped ${r.skipped.length} file(s):`, ...r.skipped.map((f) => `  ${f.path}: ${f.reason}`));
  if (r.warnings.length) lines.push('Warnings:', ...r.warnings.map((w) => `  ${w}`));
  return lines.join('\n');
}
