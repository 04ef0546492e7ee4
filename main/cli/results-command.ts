// `verdict results`: the dashboard's answer to the study's question, headless — each question's
// conditions or phases compared (Obuchowski–Rockette, Hillis ddf; readers and cases random), each
// level with its interval, each difference with its interval and p-value, then the scoring rules.
// --json prints the whole results object (what the dashboard gets).
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import type { Comparison } from '../../app/results';
import { openExisting } from './study-command';

export const RESULTS_USAGE = `usage: verdict results --db FILE --study ID [--json]
  the comparisons of conditions (stimulus questions) and phases (case questions): mean rating, and for
  truth-scored questions accuracy and the empirical ROC area, with 95% CIs and p-values (readers and cases random)
  --json  the whole results object: ratings, agreement, accuracy, timings, comparisons, rules`;

const fixed = (x: number | null | undefined, digits: number): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
const interval = (ci: [number, number] | null, digits: number): string =>
  ci ? `[${fixed(ci[0], digits)}, ${fixed(ci[1], digits)}]` : '[—]';
const pText = (p: number | null): string => (p === null || !Number.isFinite(p) ? 'p —' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** One comparison as text lines. */
export function comparisonText(c: Comparison): string[] {
  const digits = c.fom === 'mean' ? 2 : 3;
  const where = c.factor === 'phase' ? 'phases' : `conditions in phase ${c.phase}`;
  const lines = [`${c.questionId} · ${c.fom} · ${where}: ${c.rule}`];
  if (!c.levels.length) return [...lines, `  ${c.note ?? 'no analysis'}`];
  lines.push(`  ${c.readers} readers × ${c.cases} cases`);
  const label = new Map(c.levels.map((l) => [l.id, l.label]));
  for (const l of c.levels)
    lines.push(`  ${l.label}: ${fixed(l.estimate.estimate, digits)} ${interval(l.estimate.ci, digits)} (df ${fixed(l.estimate.df, 1)})`);
  for (const d of c.differences)
    lines.push(
      `  ${label.get(d.a)} − ${label.get(d.b)}: ${fixed(d.estimate, digits)} ${interval(d.ci, digits)}, t(${fixed(d.df, 1)}) = ${fixed(d.t, 2)}, ${pText(d.p)}`,
    );
  if (c.global && c.levels.length > 2)
    lines.push(`  all equal: F(${c.global.df1}, ${fixed(c.global.df2, 1)}) = ${fixed(c.global.f, 2)}, ${pText(c.global.p)}`);
  if (c.note) lines.push(`  note: ${c.note}`);
  return lines;
}

export async function resultsCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(RESULTS_USAGE);
    return 0;
  }
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, study: { type: 'string' }, json: { type: 'boolean' } } });
  const studyId = Number(values.study);
  if (!values.study || !Number.isInteger(studyId) || studyId < 1)
    throw new VerdictError('api.invalid-args', `--study needs a study id\n${RESULTS_USAGE}`);
  const verdict = openExisting(values.db, RESULTS_USAGE);
  try {
    const r = verdict.results.of(studyId);
    if (values.json) {
      console.log(JSON.stringify(r, null, 2));
      return 0;
    }
    console.log(
      `Study ${r.studyId} "${r.name}" (protocol ${r.protocol.id} v${r.protocol.version}): ${r.readers.length} readers, ${r.answers} answers`,
    );
    console.log('95% CIs and p-values: Obuchowski–Rockette, Hillis (2007) ddf, jackknife covariances; readers and cases random.\n');
    for (const c of r.comparisons) console.log(`${comparisonText(c).join('\n')}\n`);
    console.log(`Rules:\n${r.rules.map((x) => `  - ${x}`).join('\n')}`);
    return 0;
  } finally {
    verdict.close();
  }
}
