// The four terms of the LiMA objective for a subset S of sub-regions (x_S: the image keeping only
// S, the rest black; x − x_S: the image with S blacked out), as RuoyuChen10/LIMA computes them:
//   consistency   s_cons(S) = p_y(x_S)
//   collaboration s_colla(S) = 1 − p_y(x − x_S)
//   confidence    s_conf(S) = 1 − H(p(x_S)) / log K,  H(p) = −Σ_k p_k log(p_k + 1e−7)
//   effectiveness s_eff(S) = Σ_{i∈S} min_{j∈S, j≠i} arccos(cos∠(e_i, e_j)) / π,  0 when |S| ≤ 1,
//                 e_i the embedding of the image keeping region i alone
//   F(S) = λ_cons·s_cons + λ_colla·s_colla + λ_conf·s_conf + λ_eff·s_eff
// Sources: models/submodular_single_modal.py (proccess_compute_consistency_score,
// proccess_compute_confidence_score, the collaboration as 1 − consistency of org_img − merge)
// and models/submodular_vit_torch.py (calculate_distance_of_each_element,
// proccess_compute_effectiveness_score: min over the distance row with the diagonal raised to 1,
// zero for singletons). For models without an evidential head LiMA uses this entropy confidence
// (the ICLR 2024 SMDL used an EDL uncertainty model instead, models/submodular_cub_v2.py).
import { VerdictError } from '../../../../app/errors';
import type { LimaWeights } from './types';

/** One evaluated image: the target's probability and the prediction's confidence. */
export type Evaluated = { p: number; conf: number };
/** An image keeping a set T (`inside`, x_T) and its complement (`outside`, x − x_T). */
export type PairEvaluated = { inside: Evaluated; outside: Evaluated };

const EPS = 1e-7;

/** 1 − H(p)/log K over a whole distribution (K = probs.length ≥ 2). */
export function entropyConfidence(probs: ArrayLike<number>, offset = 0, classes = probs.length): number {
  if (classes < 2) return 1;
  let h = 0;
  for (let k = 0; k < classes; k++) {
    const p = probs[offset + k];
    h -= p * Math.log(p + EPS);
  }
  return 1 - h / Math.log(classes);
}

/** The binary case (target vs the rest): the fallback when the evaluator gives only p_y. */
export function binaryConfidence(p: number): number {
  return entropyConfidence([p, 1 - p]);
}

/** arccos of the cosine similarity between region embeddings, over π: an n×n matrix in [0, 1]. */
export function embeddingDistances(embeddings: Float32Array, n: number, dim: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += embeddings[i * dim + d] ** 2;
    norms[i] = Math.max(Math.sqrt(s), 1e-12); // F.normalize's eps
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += embeddings[i * dim + d] * embeddings[j * dim + d];
      const cos = Math.min(1, Math.max(-1, dot / (norms[i] * norms[j])));
      out[i * n + j] = out[j * n + i] = finiteTerm('effectiveness', Math.acos(cos) / Math.PI, `the embeddings of regions ${i} and ${j}`);
    }
  }
  return out;
}

/** s_eff of the regions in `members` (ids), from the distance matrix. */
export function effectiveness(members: readonly number[], dist: Float64Array | null, n: number): number {
  if (!dist || members.length <= 1) return 0;
  let total = 0;
  for (const i of members) {
    let min = 1; // the diagonal raised to 1 (distances are ≤ 1)
    for (const j of members) if (j !== i && dist[i * n + j] < min) min = dist[i * n + j];
    total += min;
  }
  return total;
}

export type Term = keyof LimaWeights;

/**
 * A term's value, refused unless finite: a NaN would make every comparison of the search false,
 * and the greedy pick would fall to the lowest region id without a word (it did, for a
 * regression output's raw value). Checked whatever the term's weight, since 0 · NaN is NaN.
 */
export function finiteTerm(term: Term, value: number, where: string): number {
  if (!Number.isFinite(value)) {
    throw new VerdictError(
      'explain.inference-failed',
      `LiMA: the ${term} term is ${value} for ${where}; the search cannot rank regions by it (is the target a class probability?).`,
      { method: 'lima', term },
    );
  }
  return value;
}

/** The model-dependent part of F (everything but effectiveness) for a set whose pair was evaluated. */
export function modelScore(w: LimaWeights, e: PairEvaluated): number {
  return (
    w.consistency * finiteTerm('consistency', e.inside.p, 'the image keeping the set') +
    w.collaboration * finiteTerm('collaboration', 1 - e.outside.p, 'the image without the set') +
    w.confidence * finiteTerm('confidence', e.inside.conf, 'the image keeping the set')
  );
}
