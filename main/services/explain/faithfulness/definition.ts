// What a metric's definition holds (Quantus-style: each metric says what it is, where it comes
// from and what it needs, beside its algorithm) and what the caller may give it. A definition is
// the metric's descriptor in app/faithfulness.ts (id, label, category, score direction,
// reference) plus the parts only main knows: the source of its parameters, what its scorer must
// return, what it needs, the blur it applies and how it runs. The metrics service reads only
// these fields, never a metric's id.
import { VerdictError } from '../../../../app/errors';
import { metricDescriptor, type MetricDescriptor, type MetricId } from '../../../../app/faithfulness';
import type { Normalisation } from '../input/normalise';
import type { BlurScale } from './gaussian-blur';
import type { BatchScorer, Curve, ModelImage } from './types';

/** What a metric may need; a definition's `needs` lists the fields it requires besides `saliency`. */
export type MetricInput = {
  /** At input resolution H×W (upsampleGrid brings a patch grid there). */
  saliency: Float32Array;
  image?: ModelImage;
  score?: BatchScorer;
  signal?: AbortSignal;
  /** H×W region ids 0…R−1 (the sub-regions a method painted its map on: LiMA's). */
  regions?: Int32Array;
  /** The model's input normalisation (for the raw-black substrate). */
  normalisation?: Normalisation;
  /** H×W ground truth, non-zero inside. */
  mask?: Uint8Array;
  /** Map-only metrics take the size from here when no image is given. */
  size?: { height: number; width: number };
  /** The map made for another (wrong) target of the same head, on the same input. */
  otherSaliency?: Float32Array;
  /** How a paper's blur σ (set at 224 px) meets the input: scaled by side/224 (default) or as written. */
  blur?: BlurScale;
};
export type Need = 'image' | 'score' | 'regions' | 'normalisation' | 'mask' | 'size' | 'otherSaliency';

export type MetricResult = {
  value: number;
  forwardPasses: number;
  curves?: Record<string, Curve>;
  detail?: Record<string, number | number[]>;
};

type Param = string | number | readonly number[] | Readonly<Record<string, string | number>>;

export type MetricDefinition = MetricDescriptor & {
  id: MetricId;
  /** Where the parameters were read: repository and path. */
  source: string;
  /** What the BatchScorer must return for the explained target; null: no model is run. */
  scorer: 'logit' | 'probability' | null;
  /** The default parameters, as stored with each value. */
  params: Readonly<Record<string, Param | Readonly<Record<string, Param>>>>;
  needs: readonly Need[];
  /** Inputs it uses when given (LiMA's presets: `regions`, the map's own sub-regions). */
  accepts?: readonly Need[];
  /** The blur it applies on a height×width input, for the stored parameters and the table legend. */
  blurAt?: (height: number, width: number, scale?: BlurScale) => { sigma: number; radius?: number };
  /** What the table legend says of a stored value's parameters beyond the blur and the upsampling; null: nothing. */
  measuredAs?: (params: Readonly<Record<string, unknown>>) => string | null;
  evaluate: (input: MetricInput) => Promise<MetricResult>;
};

/** A metric's definition: its descriptor in app/faithfulness.ts and main's part. */
export function defineMetric(id: MetricId, main: Omit<MetricDefinition, keyof MetricDescriptor>): MetricDefinition {
  const descriptor = metricDescriptor(id);
  if (!descriptor) throw new Error(`No descriptor for metric ${id} in app/faithfulness.ts`);
  return { ...descriptor, ...main };
}

/** The input size: the image's, else `size`. */
export const sizeOf = (i: MetricInput): { height: number; width: number } =>
  i.image ? { height: i.image.height, width: i.image.width } : i.size!;

/** A single curve's result: its AUC is the value. */
export const curveResult = (c: Curve): MetricResult => ({ value: c.auc, forwardPasses: c.forwardPasses, curves: { curve: c } });

/** Throws `explain.bad-params` naming the first input the metric needs and did not get. */
export function checkNeeds(d: MetricDefinition, input: MetricInput): void {
  for (const need of d.needs) {
    const present = need === 'size' ? input.size !== undefined || input.image !== undefined : input[need] !== undefined;
    if (!present) throw new VerdictError('explain.bad-params', `${d.label} needs "${need}".`, { metric: d.id, param: need });
  }
  if (!(input.saliency instanceof Float32Array))
    throw new VerdictError('explain.bad-params', `${d.label} needs "saliency" as a Float32Array.`, { metric: d.id, param: 'saliency' });
}
