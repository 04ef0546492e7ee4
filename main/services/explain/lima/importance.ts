// From a ranking and its insertion/deletion trace to a map, gains and AUCs.
//
// Importance map — RuoyuChen10/LIMA tools/assigned_value.py add_value_decrease: the k-th ranked
// region's step is δ_k = [p(x_{P_k}) + 1 − p(x − x_{P_k})] − [the same for P_{k−1}] (the change of
// consistency + collaboration as it joins the prefix P); walking the ranking, its value is
// v_k = −Σ_{i≤k} |δ_i|; the map is min–max normalised, so the first region is 1, the last 0 and
// regions that moved the scores more are further apart. When every step after the first is 0 (the
// official code would divide 0 by 0) the map falls back to the rank: (N − k)/(N − 1).
//
// AUC — evals/eval_AUC_faithfulness.py: the trapezoid (sklearn metrics.auc) of the insertion and
// deletion curves over the fraction of the image's pixels inserted/deleted so far (the repo counts
// non-black pixels; we count the ranked regions' pixels, which differs only where the image is black).
import { trapezoid } from '../faithfulness/stats';
import { effectiveness } from './scores';
import type { Trace } from './search';
import type { LimaWeights } from './types';

export function regionValues(trace: Trace): Float64Array {
  const n = trace.ranking.length;
  const both = (k: number) => trace.insertion[k] + 1 - trace.deletion[k];
  const v = new Float64Array(n);
  let acc = 0;
  for (let k = 1; k <= n; k++) {
    acc -= Math.abs(both(k) - both(k - 1));
    v[k - 1] = acc;
  }
  const hi = v[0],
    lo = v[n - 1];
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = hi > lo ? (v[k] - lo) / (hi - lo) : n > 1 ? (n - 1 - k) / (n - 1) : 1;
  return out; // by rank
}

/** H×W: each pixel gets its region's value (regionValues). */
export function importanceMap(labels: Int32Array, trace: Trace): Float32Array {
  const byRank = regionValues(trace);
  const byRegion = new Float64Array(trace.ranking.length);
  trace.ranking.forEach((r, k) => (byRegion[r] = byRank[k]));
  const out = new Float32Array(labels.length);
  for (let p = 0; p < labels.length; p++) out[p] = byRegion[labels[p]];
  return out;
}

/** F(P_k) − F(P_{k−1}) for each ranked region, F the weighted objective on the prefixes. */
export function objectiveGains(trace: Trace, w: LimaWeights, dist: Float64Array | null, n: number): number[] {
  const F = (k: number) =>
    w.consistency * trace.insertion[k] +
    w.collaboration * (1 - trace.deletion[k]) +
    w.confidence * trace.confidence[k] +
    (w.effectiveness ? w.effectiveness * effectiveness(trace.ranking.slice(0, k), dist, n) : 0);
  const values = Array.from({ length: n + 1 }, (_, k) => F(k));
  return trace.ranking.map((_, k) => values[k + 1] - values[k]);
}

/** The fraction of the image's pixels covered by the first k ranked regions, k = 0…N. */
export function areaFractions(labels: Int32Array, ranking: readonly number[]): number[] {
  const sizes = new Float64Array(ranking.length);
  for (let p = 0; p < labels.length; p++) sizes[labels[p]]++;
  const out = [0];
  let acc = 0;
  for (const r of ranking) out.push((acc += sizes[r]) / labels.length);
  return out;
}

/** Insertion AUC (higher is better) and deletion AUC (lower is better) over the pixel fraction. */
export function insertionDeletionAuc(r: {
  labels: Int32Array;
  ranking: readonly number[];
  insertion: readonly number[];
  deletion: readonly number[];
}): { insertion: number; deletion: number } {
  const x = areaFractions(r.labels, r.ranking);
  return { insertion: trapezoid(x, r.insertion), deletion: trapezoid(x, r.deletion) };
}
