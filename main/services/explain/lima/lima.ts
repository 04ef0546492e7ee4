// LiMA black-box attribution: divide the image into sub-regions, rank them by submodular subset
// selection through the caller's evaluator, and turn the ranking into a map and
// insertion/deletion curves. Chen, Liang, Li, Liu, Liu, Zhang & Cao, "Less is More: Efficient
// Black-box Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470 (2025);
// RuoyuChen10/LIMA. Its predecessor: Chen et al., "Less is More: Fewer Interpretable Region via
// Submodular Subset Selection", ICLR 2024; RuoyuChen10/SMDL-Attribution.
import { VerdictError } from '../../../../app/errors';
import { rawBlack } from '../model-image';
import { plannedPasses, SEARCH_SHAPES } from './defaults';
import { importanceMap, objectiveGains } from './importance';
import { membership, RegionOracle } from './region-oracle';
import { embeddingDistances } from './scores';
import { regionNeighbours } from './neighbours';
import { bidirectionalGreedy, greedy } from './search';
import { slic, type Superpixels } from './slic';
import type { BatchEvaluator, LimaOptions, LimaParams, LimaResult, LimaSearch, ModelImage } from './types';

const SEARCHES = Object.keys(SEARCH_SHAPES) as LimaSearch[];

function bad(message: string, param: string): never {
  throw new VerdictError('explain.bad-params', message, { method: 'lima', param });
}

function checkParams(image: ModelImage, p: LimaParams) {
  const { channels, height, width } = image;
  if (!(channels >= 1) || !(height >= 1) || !(width >= 1) || image.data.length !== channels * height * width) {
    bad(`LiMA: ${image.data.length} values for a ${channels}×${height}×${width} image.`, 'image');
  }
  if (!Number.isInteger(p.regions) || p.regions < 1) bad(`LiMA: regions must be a positive integer (got ${p.regions}).`, 'regions');
  if (!Number.isFinite(p.compactness) || p.compactness < 0)
    bad(`LiMA: compactness must be ≥ 0 (0: SLICO; got ${p.compactness}).`, 'compactness');
  if (!Number.isInteger(p.pending) || p.pending < 1) bad(`LiMA: pending must be a positive integer (got ${p.pending}).`, 'pending');
  if (!Number.isInteger(p.batchSize) || p.batchSize < 1)
    bad(`LiMA: batchSize must be a positive integer (got ${p.batchSize}).`, 'batchSize');
  if (p.lazyBatch !== undefined && (!Number.isInteger(p.lazyBatch) || p.lazyBatch < 1))
    bad(`LiMA: lazyBatch must be a positive integer (got ${p.lazyBatch}).`, 'lazyBatch');
  if (!SEARCHES.includes(p.search)) bad(`LiMA: search must be one of ${SEARCHES.join(', ')} (got ${p.search}).`, 'search');
  for (const k of ['consistency', 'collaboration', 'confidence', 'effectiveness'] as const) {
    if (!Number.isFinite(p.weights?.[k])) bad(`LiMA: weight ${k} must be a finite number (got ${p.weights?.[k]}).`, k);
  }
}

/** A caller's partition: H×W ids 0…n−1, each present. */
function givenLabels(labels: Int32Array, image: ModelImage): Superpixels {
  if (labels.length !== image.height * image.width)
    bad(`LiMA: ${labels.length} labels for a ${image.height}×${image.width} image.`, 'labels');
  let max = -1;
  for (let p = 0; p < labels.length; p++) {
    if (!Number.isInteger(labels[p]) || labels[p] < 0) bad(`LiMA: label ${labels[p]} at pixel ${p}; labels are ids 0…n−1.`, 'labels');
    if (labels[p] > max) max = labels[p];
  }
  const seen = new Uint8Array(max + 1);
  for (let p = 0; p < labels.length; p++) seen[labels[p]] = 1;
  const missing = seen.indexOf(0);
  if (missing >= 0) bad(`LiMA: region ${missing} has no pixels; labels must be 0…${max} without gaps.`, 'labels');
  return { labels: Int32Array.from(labels), count: max + 1 };
}

/** What a removed region becomes: the caller's value, else raw black under the normalisation (model-image.ts, shared with the metrics), else 0. */
function substrateValues(channels: number, opts: LimaOptions): Float32Array {
  const out = opts.substrate === undefined && opts.normalisation ? rawBlack(opts.normalisation, channels) : new Float32Array(channels);
  if (opts.substrate !== undefined) {
    const v = opts.substrate;
    for (let c = 0; c < channels; c++) out[c] = typeof v === 'number' ? v : v.length === 1 ? v[0] : v[c];
  }
  for (let c = 0; c < channels; c++)
    if (!Number.isFinite(out[c])) bad(`LiMA: the substrate for channel ${c} is not a finite number.`, 'substrate');
  return out;
}

export async function limaAttribution(
  image: ModelImage,
  evaluate: BatchEvaluator,
  params: LimaParams,
  opts: LimaOptions = {},
): Promise<LimaResult> {
  checkParams(image, params);
  const { labels, count } = opts.labels
    ? givenLabels(opts.labels, image)
    : slic(image, params.regions, params.compactness, { normalisation: opts.normalisation });
  const w = params.weights;
  const oracle = new RegionOracle({
    image,
    labels,
    regionCount: count,
    substrate: substrateValues(image.channels, opts),
    evaluate,
    batchSize: params.batchSize,
    signal: opts.signal,
    progress: opts.progress,
  });
  oracle.total = plannedPasses(count, params.pending, params.search, w.effectiveness !== 0);
  let dist: Float64Array | null = null;
  if (w.effectiveness !== 0) {
    const singles = Array.from({ length: count }, (_, r) => membership(count, [r]));
    const { embeddings, dim } = await oracle.images(singles, true);
    dist = embeddingDistances(embeddings, count, dim);
  }
  const { bidirectional, cached } = SEARCH_SHAPES[params.search];
  const neighbours = cached ? regionNeighbours(labels, image.width, count) : [];
  const ctx = { oracle, weights: w, dist, pending: params.pending, lazyBatch: params.lazyBatch ?? 2, neighbours };
  const trace = bidirectional ? await bidirectionalGreedy(ctx, cached) : await greedy(ctx, cached);
  opts.progress?.(oracle.passes, oracle.passes);
  return {
    labels,
    regionCount: count,
    ranking: trace.ranking,
    gains: objectiveGains(trace, w, dist, count),
    importance: importanceMap(labels, trace),
    forwardPasses: oracle.passes,
    insertion: trace.insertion,
    deletion: trace.deletion,
  };
}
