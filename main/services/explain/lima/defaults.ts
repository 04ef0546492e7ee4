// LiMA's published settings and the forward-pass count each search needs.
import { paramDefault } from '../../../../app/methods';
import type { LimaParams, LimaSearch, LimaWeights } from './types';

/**
 * Objective weights per model type, as RuoyuChen10/LIMA runs them (λ names as in the paper:
 * consistency, collaboration, confidence, effectiveness; the multimodal CLI orders them
 * confidence/effectiveness/consistency/collaboration, scripts/lambda_ablation.sh maps the two).
 */
export const LIMA_WEIGHTS = {
  /** A single-modal classifier (their ViT-L/16, ours the LIDC/ISIC ViTs): models/submodular_single_modal.py
   *  defaults and scripts/vitl.sh (20, 5, 0.01); that objective has no effectiveness term. */
  classifier: { consistency: 20, collaboration: 5, confidence: 0.01, effectiveness: 0 },
  /** A vision–language model (CLIP ViT-L zero-shot): scripts/efficientv2-clip_vitl_multigpu.sh. */
  'vision-language': { consistency: 20, collaboration: 1, confidence: 0, effectiveness: 0.05 },
  /** The paper-facing baseline of the λ sensitivity study, scripts/lambda_ablation.sh. */
  'ablation-baseline': { consistency: 20, collaboration: 5, confidence: 0.05, effectiveness: 0.01 },
} as const satisfies Record<string, LimaWeights>;

export type LimaModelType = keyof typeof LIMA_WEIGHTS;

/**
 * ~50 regions (SEEDS with num_superpixels = 50, or SLICO region_size 30 on 224², in the repo),
 * SLICO (compactness 0; see slic.ts), 8 pending samples (scripts/efficientv2-*.sh), the
 * paper's bidirectional search.
 */
export const LIMA_DEFAULTS: LimaParams = {
  // The method's descriptor holds the two a request can set (50 and 8).
  regions: paramDefault('lima', 'regions')!,
  compactness: 0,
  pending: paramDefault('lima', 'pending')!,
  weights: { ...LIMA_WEIGHTS.classifier },
  batchSize: 32,
  search: 'bidirectional',
};

/** What each search is: the bidirectional search with a D side or plain greedy, and whether its forward step is cached. */
export const SEARCH_SHAPES = {
  bidirectional: { bidirectional: true, cached: false },
  naive: { bidirectional: false, cached: false },
  'bidirectional-cached': { bidirectional: true, cached: true },
  'greedy-cached': { bidirectional: false, cached: true },
} as const satisfies Record<LimaSearch, { bidirectional: boolean; cached: boolean }>;

/**
 * Forward passes the search needs for `n` regions: the exact count for 'naive' and
 * 'bidirectional' (search.ts derives both); for a cached search, which never measures a candidate
 * twice in a step, its full counterpart's count is the upper bound. With an effectiveness term,
 * n more: one image per region for the embeddings.
 */
export function plannedPasses(n: number, pending: number, search: LimaSearch, withEffectiveness: boolean): number {
  let total = withEffectiveness ? n : 0;
  if (!SEARCH_SHAPES[search].bidirectional) return total + n * (n + 1);
  let r = n;
  while (r > 1) {
    if (r > pending) {
      total += 2 * r + 2 * pending;
      r -= 2;
    } else {
      total += 2 * r;
      r -= 1;
    }
  }
  return total + 2;
}
