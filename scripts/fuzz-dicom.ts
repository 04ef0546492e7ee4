// npm run fuzz: the seeded DICOM mutation test over ../shared/data/dicom-conformance (issue 16).
// Every mutant goes through import and view in a child process; the run fails on any crash, any
// hang over 10 s, any file the import accepted and the viewer then refused, or a peak RSS of 1 GB.
//   npm run fuzz -- [--mutants 2000] [--seed 16] [--workers 2]
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runFuzz } from '../main/services/imaging/dicom/fuzz/run-fuzz';
import { sharedData } from '../tests/support/data';

const { values } = parseArgs({
  options: { mutants: { type: 'string', default: '2000' }, seed: { type: 'string', default: '16' }, workers: { type: 'string' } },
});
const mutants = Number(values.mutants);
const seed = Number(values.seed);
const workers = Number(values.workers ?? Math.max(1, Math.min(availableParallelism(), 4)));
const RSS_LIMIT_MB = 1024;

const report = await runFuzz({
  root: join(sharedData, 'dicom-conformance'),
  seed,
  mutants,
  workers,
  onResult: (done) => {
    if (done % 250 === 0) process.stderr.write(`  ${done}/${mutants}\n`);
  },
});

const lines = [
  `DICOM mutation test: ${report.mutants} mutants (seed ${seed}, ${workers} child processes) in ${report.seconds} s`,
  `  refused at import:  ${report.refusedAtImport}  (${Object.entries(report.importCodes)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')})`,
  `  accepted and shown: ${report.accepted}`,
  `  refused at view:    ${report.refusedAtView}`,
  `  crashes:            ${report.crashes.length}`,
  `  hangs (> 10 s):     ${report.hangs.length}`,
  `  peak RSS:           ${Math.round(report.peakRssMb)} MB (per child process)`,
  `  slowest mutant:     #${report.slowest.index} (${report.slowest.source}) ${report.slowest.ms} ms; ${report.slow.length} took over 1 s`,
  ...[...report.crashes, ...report.hangs, ...report.viewRefusals]
    .slice(0, 20)
    .map((i) => `  #${i.index} ${i.source ?? ''} ${i.kind ?? ''}: ${i.what}`),
];
console.log(lines.join('\n'));
const failed = report.crashes.length + report.hangs.length + report.refusedAtView > 0 || report.peakRssMb >= RSS_LIMIT_MB;
process.exit(failed ? 1 : 0);
