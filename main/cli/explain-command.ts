// `verdict explain`: one explanation map from the command line, through the same services as
// the app — prints the model's outputs, the provider that ran it, timings and a summary of the map.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { METHOD_IDS, type ExplainParams, type ExplanationMap } from '../../app/explain';
import { explainParams } from '../../app/api/explain';
import { VerdictError } from '../../app/errors';
import { createVerdict } from '../verdict';
import { silentLog } from '../log';
import { largestNodule } from '../services/explain/input/model-input';

export const EXPLAIN_USAGE = `usage: verdict explain --db FILE --model PACK --case ID --method ${METHOD_IDS.join('|')} --target NAME [--nodule ID] [--json]
    [--samples N] [--noise-level X] [--seed N] [--steps N] [--head N]
  PACK is a model pack folder or a registered pack id; ID is a case id or label (CT-001);
  for a CT case without --nodule the largest nodule is explained`;

const OPTIONS = {
  db: { type: 'string' },
  model: { type: 'string' },
  case: { type: 'string' },
  method: { type: 'string' },
  target: { type: 'string' },
  nodule: { type: 'string' },
  json: { type: 'boolean', default: false },
  samples: { type: 'string' },
  'noise-level': { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  head: { type: 'string' },
} as const;

export type MapSummary = { grid: string; min: number; max: number; mean: number; top: { row: number; col: number; value: number }[] };

/** Grid, range, mean and the strongest patches (by value: evidence first for signed maps). */
export function summariseMap(m: ExplanationMap, topN = 5): MapSummary {
  const v = new Float32Array(m.values);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const top = [...v.keys()]
    .sort((a, b) => v[b] - v[a])
    .slice(0, topN)
    .map((i) => ({ row: Math.floor(i / m.grid.cols), col: i % m.grid.cols, value: v[i] }));
  return { grid: `${m.grid.rows}×${m.grid.cols}`, min: m.range.min, max: m.range.max, mean, top };
}

function params(values: Record<string, string | boolean | undefined>): ExplainParams {
  const raw: Record<string, number> = {};
  for (const [flag, key] of [
    ['samples', 'samples'],
    ['noise-level', 'noiseLevel'],
    ['seed', 'seed'],
    ['steps', 'steps'],
    ['head', 'head'],
  ] as const) {
    if (values[flag] !== undefined) raw[key] = Number(values[flag]);
  }
  const parsed = explainParams.safeParse(raw);
  if (!parsed.success)
    throw new VerdictError(
      'api.invalid-args',
      `verdict explain: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`,
    );
  return parsed.data;
}

export async function explainCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: OPTIONS });
  if (!values.db || !values.model || !values.case || !values.method || !values.target)
    throw new VerdictError('api.invalid-args', EXPLAIN_USAGE);
  const dbPath = resolve(values.db);
  if (!existsSync(dbPath))
    throw new VerdictError('file.not-found', `No study database at ${dbPath}; import cases first (verdict import).`, { path: dbPath });
  const verdict = createVerdict({ dbPath, host: 'cli', log: silentLog });
  try {
    const t0 = performance.now();
    const model = await verdict.models.resolve(values.model);
    const caseRef = values.case;
    const summary = /^\d+$/.test(caseRef) ? { id: Number(caseRef) } : verdict.cases.list().find((c) => c.label === caseRef);
    if (!summary) throw new VerdictError('not-found', `No case labelled ${caseRef}.`, { case: caseRef });
    const detail = verdict.cases.get(summary.id);
    const noduleId =
      values.nodule !== undefined ? Number(values.nodule) : detail.modality === 'CT' ? (largestNodule(detail)?.id ?? null) : null;
    const map = await verdict.explain.map({
      modelId: model.id,
      caseId: detail.id,
      noduleId,
      method: values.method,
      target: values.target,
      params: params(values),
    });
    const wallMs = performance.now() - t0;
    const result = {
      model: { id: model.id, packId: model.manifest.id, version: model.manifest.version },
      case: { id: detail.id, label: detail.label, noduleId: map.noduleId },
      method: map.method,
      target: map.target,
      params: map.params,
      provider: map.provider,
      cached: map.cached,
      computeMs: map.ms,
      wallMs,
      outputs: map.outputs,
      placement: map.placement,
      map: summariseMap(map),
    };
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else printText(result);
    return 0;
  } finally {
    verdict.close();
  }
}

function printText(r: {
  model: { packId: string; version: string };
  case: { label: string; noduleId: number | null };
  method: string;
  target: string;
  params: ExplainParams;
  provider: string;
  cached: boolean;
  computeMs: number;
  wallMs: number;
  outputs: ExplanationMap['outputs'];
  map: MapSummary;
}) {
  const f = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3));
  console.log(
    `${r.model.packId} ${r.model.version} on ${r.case.label}${r.case.noduleId != null ? ` nodule ${r.case.noduleId}` : ''}: ${r.method} of ${r.target} ${JSON.stringify(r.params)}`,
  );
  console.log(
    `provider ${r.provider}, ${r.cached ? 'from the cache (computed in' : 'computed in'} ${r.computeMs.toFixed(1)} ms${r.cached ? ')' : ''}, ${r.wallMs.toFixed(1)} ms in all`,
  );
  console.log('outputs:');
  for (const o of r.outputs)
    console.log(`  ${o.name.padEnd(16)} ${f(o.value).padStart(10)}${o.probability !== null ? `  p=${o.probability.toFixed(4)}` : ''}`);
  console.log(`map ${r.map.grid}: min ${f(r.map.min)}, max ${f(r.map.max)}, mean ${f(r.map.mean)}`);
  console.log(`top patches (row, col): ${r.map.top.map((t) => `(${t.row}, ${t.col}) ${f(t.value)}`).join('; ')}`);
}
