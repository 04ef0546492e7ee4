// The `explanation` table as a cache: a map is keyed by what determines it — the model pack's
// hash, case, nodule, method, target (and, for a concept, its vector), the normalised
// parameters and the version of the input pipeline — so the same request is answered from the
// database, with the provider that computed it.
import type { Database } from 'better-sqlite3';
import type { ExplainParams, ExplanationMap, MapPlacement, MethodId, PredictedOutput } from '../../../app/explain';
import { sha256Hex } from '../models/pack-files';

/**
 * Bump when preprocessing or every method's computation changes, so old maps are not served
 * (rows already pinned as study stimuli stay; only new requests miss). 2: LiMA's confidence term
 * over the head's whole distribution instead of target-vs-rest. One method's change bumps that
 * method's `version` instead (methods/types.ts), which leaves the other methods' maps valid.
 */
export const PIPELINE_VERSION = 2;

export type CacheKeyParts = {
  modelSha256: string;
  caseId: number;
  noduleId: number | null;
  method: MethodId;
  target: string;
  params: ExplainParams;
  conceptSha256?: string | null;
  /** The method's own map version; 1 or absent keys as before versions existed. */
  methodVersion?: number;
};

export function cacheKey(p: CacheKeyParts): string {
  const params = Object.fromEntries(
    Object.entries(p.params)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const parts: unknown[] = [PIPELINE_VERSION, p.modelSha256, p.caseId, p.noduleId, p.method, p.target, params, p.conceptSha256 ?? null];
  if (p.methodVersion !== undefined && p.methodVersion !== 1) parts.push({ methodVersion: p.methodVersion });
  return sha256Hex(JSON.stringify(parts));
}

type Row = {
  id: number;
  model_id: number;
  case_id: number;
  nodule_id: number | null;
  method: MethodId;
  target: string;
  params_json: string;
  provider: string;
  outputs_json: string;
  grid_rows: number;
  grid_cols: number;
  map: Buffer;
  placement_json: string;
  compute_ms: number;
};

export function mapRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length ? { min, max } : { min: 0, max: 0 };
}

function toMap(r: Row, signed: boolean, cached: boolean): ExplanationMap {
  const values = new Float32Array(r.map.byteLength / 4);
  new Uint8Array(values.buffer).set(r.map);
  return {
    id: r.id,
    modelId: r.model_id,
    caseId: r.case_id,
    noduleId: r.nodule_id,
    method: r.method,
    target: r.target,
    params: JSON.parse(r.params_json) as ExplainParams,
    signed,
    grid: { rows: r.grid_rows, cols: r.grid_cols },
    values: values.buffer,
    range: mapRange(values),
    placement: JSON.parse(r.placement_json) as MapPlacement,
    provider: r.provider,
    cached,
    ms: r.compute_ms,
    outputs: JSON.parse(r.outputs_json) as PredictedOutput[],
  };
}

export function readCached(db: Database, key: string, signed: boolean): ExplanationMap | null {
  const r = db.prepare('SELECT * FROM explanation WHERE cache_key = ?').get(key) as Row | undefined;
  return r ? toMap(r, signed, true) : null;
}

export type NewMap = {
  key: string;
  modelId: number;
  caseId: number;
  noduleId: number | null;
  method: MethodId;
  target: string;
  params: ExplainParams;
  provider: string;
  outputs: PredictedOutput[];
  grid: { rows: number; cols: number };
  values: Float32Array;
  placement: MapPlacement;
  ms: number;
};

/** Stores a computed map (one transaction; an identical map stored meanwhile is kept) and returns it. */
export function saveMap(db: Database, m: NewMap, signed: boolean, now: string): ExplanationMap {
  return db.transaction(() => {
    db.prepare(
      `INSERT INTO explanation (cache_key, model_id, case_id, nodule_id, method, target, params_json, provider, outputs_json,
        grid_rows, grid_cols, map, placement_json, compute_ms, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cache_key) DO NOTHING`,
    ).run(
      m.key,
      m.modelId,
      m.caseId,
      m.noduleId,
      m.method,
      m.target,
      JSON.stringify(m.params),
      m.provider,
      JSON.stringify(m.outputs),
      m.grid.rows,
      m.grid.cols,
      Buffer.from(m.values.buffer, m.values.byteOffset, m.values.byteLength),
      JSON.stringify(m.placement),
      m.ms,
      now,
    );
    const r = db.prepare('SELECT * FROM explanation WHERE cache_key = ?').get(m.key) as Row;
    return toMap(r, signed, false);
  })();
}
