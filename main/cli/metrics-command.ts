// `verdict metrics`: the faithfulness tables of the seed papers for a model on the study's cases —
// the CDAM paper's (fidelity, box sensitivity, class discrimination, compactness) and the LiMA
// paper's (insertion and deletion AUC) — each map judged on the model's predicted class.
import { parseArgs } from 'node:util';
import { METHOD_IDS, NO_TARGET, isMethodId, targetKind, type MethodId } from '../../app/methods';
import { METRIC_IDS, type ExplanationMetric, type MetricId } from '../../app/faithfulness';
import { VerdictError } from '../../app/errors';
import { largestNodule } from '../services/explain/input/model-input';
import { packMethods } from '../services/models/manifest';
import { CDAM_TABLE, LIMA_TABLE, formatTable, metricTable } from '../services/explain/metrics/metric-table';
import { openExisting } from './study-command';

export const METRICS_USAGE = `usage: verdict metrics --db FILE --model PACK [--methods ${METHOD_IDS.join(',')}] [--metrics ID,...] [--cases N] [--json]
  For each case of the model's modality (CT: its largest nodule) and each method, the map of the
  predicted class (a map of no target, such as attention: the map itself) and its metrics,
  stored in the study database; methods: default every one the pack offers that explains an
  output or no target; then
  the CDAM paper's table (${CDAM_TABLE.join(', ')}) and the LiMA paper's (${LIMA_TABLE.join(', ')}).
  metrics: ${METRIC_IDS.join(', ')}; default: both tables' columns`;

export async function metricsCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(METRICS_USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      model: { type: 'string' },
      methods: { type: 'string' },
      metrics: { type: 'string' },
      cases: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.model) throw new VerdictError('api.invalid-args', `--model needs a pack id or folder\n${METRICS_USAGE}`);
  const asked = values.methods?.split(',');
  const bad = asked?.find((m) => !isMethodId(m));
  if (bad) throw new VerdictError('api.invalid-args', `--methods: no method "${bad}"; methods: ${METHOD_IDS.join(', ')}`);
  const notOfPredicted = (asked as MethodId[] | undefined)?.find((m) => !judgedOnPrediction(m));
  if (notOfPredicted)
    throw new VerdictError(
      'api.invalid-args',
      `--methods: "${notOfPredicted}" explains a ${targetKind(notOfPredicted)}, not the predicted class; methods here explain an output or no target`,
    );
  const metrics = (values.metrics?.split(',') ?? [...CDAM_TABLE, ...LIMA_TABLE]) as MetricId[];
  const badMetric = metrics.find((m) => !METRIC_IDS.includes(m));
  if (badMetric) throw new VerdictError('api.invalid-args', `--metrics: no metric "${badMetric}"; metrics: ${METRIC_IDS.join(', ')}`);
  const limit = values.cases === undefined ? Infinity : Number(values.cases);
  if (!(limit >= 1)) throw new VerdictError('api.invalid-args', `--cases needs a number ≥ 1\n${METRICS_USAGE}`);

  const verdict = openExisting(values.db, METRICS_USAGE);
  try {
    const model = await verdict.models.resolve(values.model);
    const methods = (asked as MethodId[] | undefined) ?? packMethods(model.manifest).filter(judgedOnPrediction);
    const cases = verdict.cases
      .list()
      .filter((c) => c.modality === model.manifest.modality)
      .slice(0, limit);
    if (!cases.length)
      throw new VerdictError('not-found', `The study database has no ${model.manifest.modality} case for ${model.manifest.name}.`);
    const results: { case: string; method: string; target: string; metrics: ExplanationMetric[] }[] = [];
    for (const [i, summary] of cases.entries()) {
      const c = verdict.cases.get(summary.id);
      const noduleId = c.modality === 'CT' ? (largestNodule(c)?.id ?? null) : null;
      if (c.modality === 'CT' && noduleId === null) continue;
      const predicted = predictedClass((await verdict.explain.predict({ modelId: model.id, caseId: c.id, noduleId })).outputs);
      for (const method of methods) {
        const target = targetKind(method) === 'none' ? NO_TARGET : predicted;
        const ms = await verdict.metrics.compute({ modelId: model.id, caseId: c.id, noduleId, method, target, metrics });
        results.push({ case: c.label, method, target, metrics: ms });
      }
      if (!values.json) process.stderr.write(`\r${i + 1}/${cases.length} cases`);
    }
    const tables = {
      cdam: metricTable(
        results,
        CDAM_TABLE.filter((m) => metrics.includes(m)),
      ),
      lima: metricTable(
        results,
        LIMA_TABLE.filter((m) => metrics.includes(m)),
      ),
    };
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            model: { packId: model.manifest.id, version: model.manifest.version, sha256: model.sha256 },
            cases: cases.length,
            metrics,
            tables,
            results,
          },
          null,
          1,
        ),
      );
    } else {
      process.stderr.write('\n');
      console.log(
        formatTable(
          `CDAM paper table — ${model.manifest.id}, ${cases.length} cases (mean ± SD)`,
          tables.cdam,
          CDAM_TABLE.filter((m) => metrics.includes(m)),
        ),
      );
      console.log();
      console.log(
        formatTable(
          `LiMA paper table — insertion ↑ / deletion ↓ AUC`,
          tables.lima,
          LIMA_TABLE.filter((m) => metrics.includes(m)),
        ),
      );
    }
    return 0;
  } finally {
    verdict.close();
  }
}

/** A method whose map can be judged on the predicted class: it explains an output, or no target at all. */
const judgedOnPrediction = (m: MethodId): boolean => targetKind(m) === 'output' || targetKind(m) === 'none';

function predictedClass(outputs: { name: string; probability: number | null }[]): string {
  const classes = outputs.filter((o) => o.probability !== null);
  return classes.reduce((a, b) => (b.probability! > a.probability! ? b : a)).name;
}
