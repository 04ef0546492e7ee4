// The contract of LiMA black-box attribution (Chen et al., "Less is More: Efficient Black-box
// Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470; RuoyuChen10/LIMA).
// The model is reached only through a BatchEvaluator the caller supplies.

import type { ModelImage } from '../model-image';

/** One image in the model's input space (planar C×H×W, e.g. the normalised RGB or grey input). */
export type { ModelImage };

/**
 * Evaluates a batch of images (each C×H×W, concatenated): per image the target's probability and
 * the model's embedding (CLS, dim D).
 * Optionally the whole class distribution (`probabilities`, batch × `classes`, row-major), which
 * the confidence term 1 − H(p)/log K needs; without it LiMA uses the binary entropy of the target
 * probability (K = 2: target vs the rest), which is exact for a binary classifier.
 * The embedding is read only when the effectiveness weight is not 0 (the N single-region images).
 */
export type BatchEvaluator = (
  images: Float32Array,
  batch: number,
) => Promise<{ probability: Float64Array; embedding: Float32Array; dim: number; probabilities?: Float64Array; classes?: number }>;

export type LimaWeights = { consistency: number; collaboration: number; confidence: number; effectiveness: number };

/**
 * 'bidirectional': the paper's bidirectional greedy search with a pending set (LIMA
 * models/submodular_single_modal.py BlackBoxSingleModalSubModularExplanationEfficient);
 * 'naive': plain greedy forward selection of every region (the paper's baseline);
 * 'bidirectional-cached': ours — the same bidirectional search, but forward scores measured at
 * earlier steps are kept (Minoux's accelerated greedy): each step re-measures only the candidates
 * whose estimate most likely moved (neighbours of the last picks, the oldest estimates) and those
 * whose estimate could still win. ~0.56× the passes; see search.ts and bench/lima.ts;
 * 'greedy-cached': ours — the plain greedy ('naive') with the same cached forward step: no D side,
 * every region ranked by the forward search. ~0.46× the bidirectional search's passes.
 */
export type LimaSearch = 'bidirectional' | 'naive' | 'bidirectional-cached' | 'greedy-cached';

export type LimaParams = {
  regions: number /* ~50 */;
  compactness: number;
  pending: number /* 8 */;
  weights: LimaWeights;
  batchSize: number;
  search: LimaSearch;
  /** The cached searches only: stale candidates re-measured per lazy round (default 2). */
  lazyBatch?: number;
};

export type LimaResult = {
  labels: Int32Array /* H×W region id */;
  regionCount: number;
  ranking: number[] /* region ids, most important first */;
  /** F(prefix_k) − F(prefix_{k−1}) for the k-th ranked region, F the weighted LiMA objective. */
  gains: number[];
  /** H×W in [0, 1]: each pixel gets its region's importance (see importance.ts for the mapping). */
  importance: Float32Array;
  forwardPasses: number;
  /** The target probability as ranked regions are inserted into a black image (regionCount + 1 points). */
  insertion: number[];
  /** The target probability as ranked regions are deleted (blacked out) from the image (regionCount + 1 points). */
  deletion: number[];
};

export type LimaOptions = {
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
  /**
   * The normalisation that produced the image ((x − mean)/std per channel). With it, black is
   * (0 − mean)/std per channel and SLIC measures colour in CIELAB (3 channels) or in the
   * unnormalised grey level (1 channel). Without it, black is 0 and SLIC works on the image's values.
   */
  normalisation?: { mean: readonly number[]; std: readonly number[] };
  /** The value (one, or one per channel) that stands for a removed region; overrides the normalisation's black. */
  substrate?: number | readonly number[];
  /** A ready partition (H×W region ids 0…n−1) instead of SLIC: e.g. SEEDS or SAM regions. */
  labels?: Int32Array;
};
