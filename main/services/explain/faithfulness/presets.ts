// The registry of faithfulness and localisation metrics, each with its reference, the source its
// exact parameters were taken from, what its scorer must return, and which way is better.
// Adding one means one file and one entry here. Every entry runs on the engine or helpers of
// this folder; the typed functions it wraps can also be called directly.
import { VerdictError } from '../../../../app/errors';
import type { Normalisation } from '../input/normalise';
import { BOX_SENSITIVITY, boxSensitivity } from './box-sensitivity';
import { CDAM_FIDELITY, cdamFidelity, cdamSigma } from './cdam-fidelity';
import { blurAtInput, type BlurScale } from './gaussian-blur';
import { classDiscrimination } from './class-discrimination';
import { COMPACTNESS, compactness } from './compactness';
import { LIMA, limaDeletion, limaInsertion } from './lima';
import { MAP_IOU, mapIou } from './map-iou';
import { QUANTUS_PIXEL_FLIPPING, pixelFlipping } from './pixel-flipping';
import { POINTING_GAME, pointingGame } from './pointing-game';
import { RISE, riseBlur, riseDeletion, riseInsertion } from './rise';
import type { BatchScorer, Curve, ModelImage } from './types';

export type PresetId =
  | 'cdam-fidelity'
  | 'rise-deletion'
  | 'rise-insertion'
  | 'lima-insertion'
  | 'lima-deletion'
  | 'pixel-flipping'
  | 'box-sensitivity'
  | 'compactness'
  | 'class-discrimination'
  | 'pointing-game'
  | 'iou';

/** What a metric may need; `needs` lists the fields an entry requires besides `saliency`. */
export type MetricInput = {
  /** At input resolution H×W (upsampleGrid brings a patch grid there). */
  saliency: Float32Array;
  image?: ModelImage;
  score?: BatchScorer;
  signal?: AbortSignal;
  /** H×W region ids 0…R−1 (LiMA's sub-regions). */
  regions?: Int32Array;
  /** The model's input normalisation (for the raw-black substrate). */
  normalisation?: Normalisation;
  /** H×W ground truth, non-zero inside. */
  mask?: Uint8Array;
  /** Map-only metrics take the size from here when no image is given. */
  size?: { height: number; width: number };
  /** The map made for a wrong target (class discrimination). */
  otherSaliency?: Float32Array;
  /** How a paper's blur σ (set at 224 px) meets the input: scaled by side/224 (default) or as written. */
  blur?: BlurScale;
};
type Need = 'image' | 'score' | 'regions' | 'normalisation' | 'mask' | 'size' | 'otherSaliency';

export type PresetResult = { value: number; forwardPasses: number; curves?: Record<string, Curve>; detail?: Record<string, number | number[]> };

export type FaithfulnessPreset = {
  id: PresetId;
  label: string;
  category: 'faithfulness' | 'complexity' | 'class-sensitivity' | 'localisation';
  scoreDirection: 'higher' | 'lower';
  /** What the BatchScorer must return for the explained target; null: no model is run. */
  scorer: 'logit' | 'probability' | null;
  reference: string;
  /** Where the parameters were read: repository and path. */
  source: string;
  params: Readonly<Record<string, string | number | readonly number[] | Readonly<Record<string, string | number>>>>;
  needs: readonly Need[];
  /** Inputs it uses when given (LiMA's presets: `regions`, the map's own sub-regions). */
  accepts?: readonly Need[];
  /** The blur it applies on a height×width input, for the stored parameters and the table legend. */
  blurAt?: (height: number, width: number, scale?: BlurScale) => { sigma: number; radius?: number };
  evaluate: (input: MetricInput) => Promise<PresetResult>;
};

const CDAM_PAPER = 'Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers", arXiv:2312.02364';
const OBZAI = 'github.com/obzai/obzai src/obz/xai/eval_tool.py';
const RISE_PAPER = 'Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box Models", BMVC 2018';
const RISE_CODE = 'github.com/eclique/RISE evaluation.py (CausalMetric, auc), Evaluation.ipynb';
const LIMA_PAPER = 'Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470';
const LIMA_CODE = 'github.com/RuoyuChen10/LIMA evals/eval_single_modal_vitl_baseline.py (xplique Insertion/Deletion, other maps), evals/eval_AUC_faithfulness.py and utils.py SubRegionDivision (LiMA\'s own)';
const CDAM_BLUR = (height: number, width: number, scale?: BlurScale) => ({ sigma: cdamSigma(height, width, { blur: scale }) });
const BLURRED = 'σ·side/224 by default (the paper\'s σ at 224 px), or as written with blur = \'paper\'';

const LIMA_PARAMS = {
  otherMaps: { ...LIMA.pixel, baseline: '0 on the normalised input (mean colour)', auc: 'mean of the trapezoids (xplique)' },
  limaMaps: { ...LIMA.region, steps: 'one region per step' },
} as const;

const size = (i: MetricInput) => (i.image ? { height: i.image.height, width: i.image.width } : i.size!);
const curveResult = (c: Curve): PresetResult => ({ value: c.auc, forwardPasses: c.forwardPasses, curves: { curve: c } });

export const PRESETS: readonly FaithfulnessPreset[] = [
  {
    id: 'cdam-fidelity', label: 'Fidelity (MIF/LIF)', category: 'faithfulness', scoreDirection: 'higher', scorer: 'logit',
    reference: CDAM_PAPER, source: OBZAI,
    params: { unit: 'pixel', steps: CDAM_FIDELITY.steps, substrate: 'blur', sigma: CDAM_FIDELITY.sigma, sigmaAt: BLURRED, auc: 'trapezoid over [0, 1]', value: 'A_LIF − A_MIF' },
    needs: ['image', 'score'],
    blurAt: CDAM_BLUR,
    evaluate: async (i) => {
      const r = await cdamFidelity(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur });
      return { value: r.fidelity, forwardPasses: r.forwardPasses, curves: { mif: r.mif, lif: r.lif } };
    },
  },
  {
    id: 'rise-deletion', label: 'Deletion AUC (RISE)', category: 'faithfulness', scoreDirection: 'lower', scorer: 'probability',
    reference: RISE_PAPER, source: RISE_CODE,
    params: { unit: 'pixel', pixelsPerStep: 'image width (224)', substrate: RISE.deletionSubstrate, order: 'most-first' },
    needs: ['image', 'score'],
    evaluate: async (i) => curveResult(await riseDeletion(i.image!, i.saliency, i.score!, { signal: i.signal })),
  },
  {
    id: 'rise-insertion', label: 'Insertion AUC (RISE)', category: 'faithfulness', scoreDirection: 'higher', scorer: 'probability',
    reference: RISE_PAPER, source: RISE_CODE,
    params: { unit: 'pixel', pixelsPerStep: 'image width (224)', substrate: 'blur', sigma: RISE.insertionSigma, radius: RISE.insertionRadius, sigmaAt: BLURRED, order: 'most-first' },
    needs: ['image', 'score'],
    blurAt: riseBlur,
    evaluate: async (i) => curveResult(await riseInsertion(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur })),
  },
  {
    id: 'lima-insertion', label: 'Insertion AUC (LiMA)', category: 'faithfulness', scoreDirection: 'higher', scorer: 'probability',
    reference: LIMA_PAPER, source: LIMA_CODE,
    params: LIMA_PARAMS,
    needs: ['image', 'score', 'normalisation'],
    accepts: ['regions'],
    evaluate: async (i) => curveResult(await limaInsertion(i.image!, i.saliency, i.regions, i.normalisation!, i.score!, { signal: i.signal })),
  },
  {
    id: 'lima-deletion', label: 'Deletion AUC (LiMA)', category: 'faithfulness', scoreDirection: 'lower', scorer: 'probability',
    reference: LIMA_PAPER, source: LIMA_CODE,
    params: LIMA_PARAMS,
    needs: ['image', 'score', 'normalisation'],
    accepts: ['regions'],
    evaluate: async (i) => curveResult(await limaDeletion(i.image!, i.saliency, i.regions, i.normalisation!, i.score!, { signal: i.signal })),
  },
  {
    id: 'pixel-flipping', label: 'Pixel flipping (Quantus)', category: 'faithfulness', scoreDirection: 'lower', scorer: 'probability',
    reference: 'Bach et al., PLoS ONE 10(7):e0130140 (2015); Hedström et al., "Quantus", JMLR 24(34) (2023)',
    source: 'github.com/understandable-machine-intelligence-lab/Quantus quantus/metrics/faithfulness/pixel_flipping.py',
    params: { featuresInStep: 'image width (224, the ImageNet tutorial)', perturbBaseline: 'black = x.min()', substrate: QUANTUS_PIXEL_FLIPPING.perturbBaseline, auc: 'np.trapz(dx = 1) after each flip' },
    needs: ['image', 'score'],
    evaluate: async (i) => {
      const r = await pixelFlipping(i.image!, i.saliency, i.score!, { signal: i.signal });
      return { value: r.quantusAuc, forwardPasses: r.curve.forwardPasses, curves: { curve: r.curve }, detail: { quantusCurve: r.quantusCurve, normalisedAuc: r.curve.auc } };
    },
  },
  {
    id: 'box-sensitivity', label: 'Box sensitivity', category: 'faithfulness', scoreDirection: 'higher', scorer: 'logit',
    reference: `Ancona et al., "Towards better understanding of gradient-based attribution methods for deep neural networks", ICLR 2018 (sensitivity-n); ${CDAM_PAPER}`,
    source: `${OBZAI} (box_sensitivity)`,
    params: { sides: BOX_SENSITIVITY.sides, samples: BOX_SENSITIVITY.samples, substrate: 'blur', sigma: BOX_SENSITIVITY.sigma, sigmaAt: BLURRED, seed: 0, value: 'area under f_box(s) (Pearson r per side) over the sides rescaled to [0, 1]' },
    needs: ['image', 'score'],
    blurAt: (h, w, scale) => blurAtInput({ sigma: BOX_SENSITIVITY.sigma }, h, w, scale),
    evaluate: async (i) => {
      const r = await boxSensitivity(i.image!, i.saliency, i.score!, { signal: i.signal, blur: i.blur });
      return { value: r.area, forwardPasses: r.forwardPasses, detail: { sides: r.sizes.map((s) => s.side), correlations: r.sizes.map((s) => s.correlation) } };
    },
  },
  {
    id: 'compactness', label: 'Compactness', category: 'complexity', scoreDirection: 'higher', scorer: null,
    reference: CDAM_PAPER, source: `${OBZAI} (compactness)`,
    params: { threshold: COMPACTNESS.threshold, signed: 'absolute value' },
    needs: [],
    evaluate: async (i) => ({ value: compactness(i.saliency), forwardPasses: 0 }),
  },
  {
    id: 'class-discrimination', label: 'Class discrimination (ΔA)', category: 'class-sensitivity', scoreDirection: 'higher', scorer: 'logit',
    reference: CDAM_PAPER, source: `${OBZAI} (get_MIF_LIF); the wrong target is the caller's choice`,
    params: { measure: 'fidelity', steps: CDAM_FIDELITY.steps, sigma: CDAM_FIDELITY.sigma, sigmaAt: BLURRED, value: 'fidelity(own map) − fidelity(wrong target\'s map)' },
    needs: ['image', 'score', 'otherSaliency'],
    blurAt: CDAM_BLUR,
    evaluate: async (i) => {
      const r = await classDiscrimination(i.image!, i.saliency, i.otherSaliency!, i.score!, { signal: i.signal, blur: i.blur });
      return { value: r.delta, forwardPasses: r.forwardPasses, detail: { own: r.own, other: r.other } };
    },
  },
  {
    id: 'pointing-game', label: 'Pointing game', category: 'localisation', scoreDirection: 'higher', scorer: null,
    reference: 'Zhang et al., "Top-Down Neural Attention by Excitation Backprop", IJCV 126:1084–1102 (2018)',
    source: 'the paper (15-pixel tolerance), scaled to 15 px per 224 px of input side',
    params: { tolerance: POINTING_GAME.tolerance, atSide: POINTING_GAME.atSide },
    needs: ['mask', 'size'],
    evaluate: async (i) => {
      const { height, width } = size(i);
      const r = pointingGame(i.saliency, i.mask!, height, width);
      return { value: r.hit, forwardPasses: 0, detail: { x: r.point.x, y: r.point.y, tolerance: r.tolerance } };
    },
  },
  {
    id: 'iou', label: 'IoU with ground truth', category: 'localisation', scoreDirection: 'higher', scorer: null,
    reference: 'Intersection over union of the thresholded map and the ground-truth mask',
    source: 'this project (threshold ≥ 50% of the map maximum)',
    params: { threshold: MAP_IOU.threshold.kind, fraction: MAP_IOU.threshold.fraction },
    needs: ['mask', 'size'],
    evaluate: async (i) => {
      const { height, width } = size(i);
      const r = mapIou(i.saliency, i.mask!, height, width);
      return { value: r.iou, forwardPasses: 0, detail: { kept: r.kept, intersection: r.intersection, union: r.union } };
    },
  },
];

export function preset(id: string): FaithfulnessPreset {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new VerdictError('not-found', `No faithfulness metric "${id}"; metrics: ${PRESETS.map((x) => x.id).join(', ')}.`, { metric: id });
  return p;
}

/** Looks the metric up, checks that the input has what it needs, and runs it. */
export async function evaluatePreset(id: string, input: MetricInput): Promise<PresetResult> {
  const p = preset(id);
  for (const need of p.needs) {
    const present = need === 'size' ? input.size !== undefined || input.image !== undefined : input[need] !== undefined;
    if (!present) throw new VerdictError('explain.bad-params', `${p.label} needs "${need}".`, { metric: p.id, param: need });
  }
  if (!(input.saliency instanceof Float32Array)) throw new VerdictError('explain.bad-params', `${p.label} needs "saliency" as a Float32Array.`, { metric: p.id, param: 'saliency' });
  return p.evaluate(input);
}
