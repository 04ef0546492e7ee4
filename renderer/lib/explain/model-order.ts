// The order models are offered in a case's explanation panel; the first is the one it opens on.
import type { ModelSummary } from '../../../app/explain';

const PURPOSE_RANK = { demo: 0, 'sanity-check': 1, test: 2 } as const;

/** A self-explaining pack (attribute tokens, prototypes) has its own head instead of the ViT's linear one. */
export const isSelfExplaining = (m: Pick<ModelSummary, 'attributes' | 'prototypes'>): boolean =>
  m.attributes !== null || m.prototypes !== null;

/** A black-box pack (any ONNX classifier, e.g. a CNN): no ViT backbone, so no attention heads. */
export const isBlackBox = (m: Pick<ModelSummary, 'attentionHeads'>): boolean => m.attentionHeads === 0;

/** Plain ViT classifiers, then the self-explaining packs on them, then black-box packs. */
const kindRank = (m: ModelSummary): number => (isSelfExplaining(m) ? 1 : isBlackBox(m) ? 2 : 0);

/**
 * Models to read with first; sanity-check and test packs after them, never the default. Among
 * the models to read with, the plain classifiers come before the self-explaining packs trained
 * on top of them, and black-box packs (a CNN, a user's ONNX classifier) last: the plain one is
 * what the others are compared against, and adding a pack must not change which model a case opens on.
 */
export function byPanelOrder(a: ModelSummary, b: ModelSummary): number {
  return PURPOSE_RANK[a.purpose] - PURPOSE_RANK[b.purpose] || kindRank(a) - kindRank(b) || a.id - b.id;
}
