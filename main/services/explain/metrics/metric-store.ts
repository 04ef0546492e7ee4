// Stored faithfulness metrics: one row per explanation × metric × parameters (migration 0003).
import type { Database } from 'better-sqlite3';
import type { ExplanationMetric, MetricCurve, MetricId } from '../../../../app/faithfulness';
import { canonicalJson } from '../../db/canonical-json';

type Row = {
  explanation_id: number;
  metric: MetricId;
  params_json: string;
  value: number | null;
  detail_json: string;
  provider: string;
  forward_passes: number;
  compute_ms: number;
  created_at: string;
};

const toMetric = (r: Row): ExplanationMetric => {
  const detail = JSON.parse(r.detail_json) as { curves: MetricCurve[]; parts: ExplanationMetric['parts'] };
  return {
    explanationId: r.explanation_id,
    metric: r.metric,
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    value: r.value,
    curves: detail.curves,
    parts: detail.parts,
    provider: r.provider,
    forwardPasses: r.forward_passes,
    ms: r.compute_ms,
    createdAt: r.created_at,
  };
};

export function readMetric(
  db: Database,
  explanationId: number,
  metric: MetricId,
  params: Record<string, unknown>,
): ExplanationMetric | null {
  const r = db
    .prepare('SELECT * FROM explanation_metric WHERE explanation_id = ? AND metric = ? AND params_json = ?')
    .get(explanationId, metric, canonicalJson(params)) as Row | undefined;
  return r ? toMetric(r) : null;
}

/** Saves a computed metric; the same one computed meanwhile by another job is kept as it was. */
export function saveMetric(db: Database, m: Omit<ExplanationMetric, 'createdAt'>, now: string): ExplanationMetric {
  db.prepare(
    `INSERT INTO explanation_metric (explanation_id, metric, params_json, value, detail_json, provider, forward_passes, compute_ms, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (explanation_id, metric, params_json) DO NOTHING`,
  ).run(
    m.explanationId,
    m.metric,
    canonicalJson(m.params),
    Number.isFinite(m.value) ? m.value : null,
    JSON.stringify({ curves: m.curves, parts: m.parts }),
    m.provider,
    m.forwardPasses,
    m.ms,
    now,
  );
  return readMetric(db, m.explanationId, m.metric, m.params)!;
}
