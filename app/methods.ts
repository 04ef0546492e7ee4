// The explanation methods, one descriptor each: what the rest of the app needs to know of a
// method — its label, the kind of target it explains, its parameters, whether its maps are
// signed, what it needs of a model pack, and its reference. Main adds the computation
// (main/services/explain/methods/<id>.ts); the renderer, the protocol editor and its checks,
// the CLI and the demo set-up switch on these properties, never on a method's id (STYLE 14), so
// a new method of a known kind is one entry here and one compute file in main.
// The list's order is the order menus offer the methods in, and breaks ties where a default is
// picked (the panel's first method, the demo's first map of each kind).

/**
 * What a method's map explains: a model output (a class or a rating), a concept the user saved,
 * nothing in particular (the attention map: target name NO_TARGET), a diagnostic axis of an
 * attribute-token model, or a prototype of a prototype model.
 */
export type TargetKind = 'output' | 'concept' | 'none' | 'axis' | 'prototype';

/**
 * What a method needs of a pack: the backbone graph alone (its attention output), the tail
 * graph (the CDAM family), the attribute or prototype maps a self-explaining head puts out, or
 * only a classifier to score perturbed inputs (black-box: any pack with a class-logits head), or
 * a CNN's last feature map and its global-average-pool + linear head (cam: a black-box pack
 * that declares blackBox.cam).
 */
export type MethodNeed = 'backbone' | 'tail' | 'attribute-maps' | 'prototype-maps' | 'black-box' | 'cam';

/** A numeric parameter: its range, whether it is whole, and its default (absent: the method does without, e.g. attention's head). */
export type ParamSpec = { name: string; description: string; integer: boolean; min: number; max: number; default?: number };

export type MethodDescriptor = {
  id: string;
  /** The method's one name for staff, everywhere they see it (panel, editor, results, CLI). Readers never see it. */
  label: string;
  /** Words for the colour bar's low and high ends that name no method (what the values measure). */
  ends: readonly [string, string];
  targets: TargetKind;
  params: readonly ParamSpec[];
  /** Signed maps are evidence (> 0) vs counter-evidence (< 0); unsigned ones are ≥ 0 or a ranking. */
  signed: boolean;
  needs: MethodNeed;
  reference: string;
};

/** The target name of maps that explain no particular target (the attention map): what protocols and requests name. */
export const NO_TARGET = 'attention';

const EVIDENCE: readonly [string, string] = ['◀ counter-evidence', 'evidence ▶'];
const ATTENTION: readonly [string, string] = ['low attention', 'high attention'];

const DESCRIPTORS = [
  {
    id: 'attention',
    label: 'Attention',
    ends: ATTENTION,
    targets: 'none',
    params: [{ name: 'head', description: 'One attention head (0-based); absent: the mean over heads', integer: true, min: 0, max: 64 }],
    signed: false,
    needs: 'backbone',
    reference:
      'Caron et al., "Emerging Properties in Self-Supervised Vision Transformers", ICCV 2021; obzai/CDAM maps.py get_attention_map',
  },
  {
    id: 'cdam',
    label: 'CDAM',
    ends: EVIDENCE,
    targets: 'output',
    params: [],
    signed: true,
    needs: 'tail',
    reference:
      'Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers", arXiv:2312.02364; obzai/CDAM maps.py get_concept_map',
  },
  {
    id: 'smooth-cdam',
    label: 'Smooth CDAM',
    ends: EVIDENCE,
    targets: 'output',
    params: [
      { name: 'samples', description: 'Number of noisy samples', integer: true, min: 1, max: 500, default: 50 },
      {
        name: 'noiseLevel',
        description: "Noise σ as a share of the residual stream's range",
        integer: false,
        min: 0,
        max: 1,
        default: 0.05,
      },
      {
        name: 'seed',
        description: 'Seed of the noise (with the case, nodule and target), so a map can be reproduced',
        integer: true,
        min: 0,
        max: 2 ** 32 - 1,
        default: 0,
      },
    ],
    signed: true,
    needs: 'tail',
    reference:
      'Smilkov et al., "SmoothGrad: removing noise by adding noise", arXiv:1706.03825; Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_smoothgrad. ' +
      "As the code, which averages whole CDAM maps at the noisy inputs, not the paper's Eq. 5/6 form (the clean tokens times the averaged gradient); noise seeded per case, nodule, target and seed",
  },
  {
    id: 'integrated-cdam',
    label: 'Integrated CDAM',
    ends: EVIDENCE,
    targets: 'output',
    params: [{ name: 'steps', description: 'Steps from the zero baseline (step 0 dropped)', integer: true, min: 2, max: 500, default: 50 }],
    signed: true,
    needs: 'tail',
    reference:
      'Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks", ICML 2017; Brocki, Binda & Chung, arXiv:2312.02364; obzai/CDAM maps.py concept_map_intgrad. ' +
      "As the code, which averages whole CDAM maps at the scaled inputs (steps 1…m−1, the scaling before the LayerNorm), not the paper's Eq. 5/6 form (the tokens' difference from the baseline times the path-averaged gradient)",
  },
  {
    id: 'concept-cdam',
    label: 'Concept CDAM',
    ends: EVIDENCE,
    targets: 'concept',
    params: [],
    signed: true,
    needs: 'tail',
    reference: 'Brocki, Binda & Chung, "Class-Discriminative Attention Maps for Vision Transformers", arXiv:2312.02364, concept-based CDAM',
  },
  {
    id: 'lima',
    label: 'LiMA',
    ends: ['low importance', 'high importance'],
    targets: 'output',
    params: [
      { name: 'regions', description: 'Number of superpixel sub-regions asked of SLICO', integer: true, min: 4, max: 400, default: 50 },
      {
        name: 'pending',
        description: 'Candidates kept pending in the bidirectional greedy search',
        integer: true,
        min: 1,
        max: 64,
        default: 8,
      },
    ],
    signed: false,
    needs: 'black-box',
    reference:
      'Chen et al., "Less is More: Efficient Black-box Attribution via Minimal Interpretable Subset Selection", arXiv:2504.00470; RuoyuChen10/LIMA. Class outputs only (no regression variant is published). ' +
      "Differs from the reference code: SLICO in CIELAB with connectivity (LIMA: OpenCV SLICO, 20 iterations on BGR, no connectivity); 49 regions on our 64×64 inputs (1,610 passes for the bidirectional search, 2,450 for naive greedy, not 1,668 and 2,550); pending 8 (LIMA's ViT script: 12)",
  },
  {
    id: 'cam',
    label: 'CAM',
    ends: EVIDENCE,
    targets: 'output',
    params: [],
    // Σ_c W_kc A_c: its mean over the grid plus the bias is the output, so negative cells count against it.
    signed: true,
    needs: 'cam',
    reference:
      'Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016. ' +
      'The last feature map weighted by the linear head after global average pooling, brought to the input size bilinearly',
  },
  {
    id: 'grad-cam',
    label: 'Grad-CAM',
    ends: ['low importance', 'high importance'],
    targets: 'output',
    params: [],
    signed: false,
    needs: 'cam',
    reference:
      'Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization", ICCV 2017; jacobgil/pytorch-grad-cam GradCAM ' +
      '(ReLU, min-max scaling, bilinear resize to the input, scaled again). For a global-average-pool + linear head it is ReLU(CAM) scaled to 0…1',
  },
  {
    id: 'rise',
    label: 'RISE',
    ends: ['low importance', 'high importance'],
    targets: 'output',
    params: [
      { name: 'masks', description: 'Number of random masks (N)', integer: true, min: 1, max: 20000, default: 4000 },
      { name: 'cells', description: 'Cells per side of the random grid (s)', integer: true, min: 2, max: 64, default: 7 },
      { name: 'keep', description: 'Probability that a cell is kept (p)', integer: false, min: 0.01, max: 1, default: 0.5 },
      {
        name: 'seed',
        description: 'Seed of the masks (with the case, nodule and target), so a map can be reproduced',
        integer: true,
        min: 0,
        max: 2 ** 32 - 1,
        default: 0,
      },
    ],
    signed: false,
    needs: 'black-box',
    reference:
      'Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box Models", BMVC 2018 (arXiv:1806.07421); eclique/RISE explanations.py. ' +
      "Class outputs only (the masks are weighed by the class probability, as the authors' softmax-wrapped models); N = 4000, s = 7, p = 0.5 (the paper's ResNet-50 setting; the repository's notebook uses 6000, 8, 0.1); masks drawn from mulberry32 seeded per case, nodule, target and seed",
  },
  {
    id: 'occlusion',
    label: 'Occlusion',
    ends: EVIDENCE,
    targets: 'output',
    params: [
      {
        name: 'window',
        description: 'Side of the square occluding window, in model-input pixels',
        integer: true,
        min: 1,
        max: 4096,
        default: 16,
      },
      { name: 'stride', description: 'Step between windows, in model-input pixels', integer: true, min: 1, max: 4096, default: 8 },
      {
        name: 'baseline',
        description: 'Value the window is set to, in the normalised model input (0: the normalisation mean)',
        integer: false,
        min: -10,
        max: 10,
        default: 0,
      },
    ],
    signed: true,
    needs: 'black-box',
    reference:
      'Zeiler & Fergus, "Visualizing and Understanding Convolutional Networks", ECCV 2014; as Captum\'s Occlusion defines it: each pixel gets the mean, over the windows covering it, of f(x) − f(x with the window at the baseline). ' +
      'f is the class probability (a regression output: its value); pixels no window covers get 0 (Captum: 0/0)',
  },
  {
    id: 'attribute-map',
    label: 'Attribute map',
    ends: ATTENTION,
    targets: 'axis',
    params: [],
    signed: false,
    needs: 'attribute-maps',
    reference:
      'Gao et al., "Aligning Human Knowledge with Visual Concepts Towards Explainable Medical Image Classification" (ExpLICD), MICCAI 2024',
  },
  {
    id: 'prototype-map',
    label: 'Prototype similarity',
    ends: ['◀ unlike the prototype', 'like the prototype ▶'],
    targets: 'prototype',
    params: [],
    // Cosine similarities: negative means the patch points away from the prototype.
    signed: true,
    needs: 'prototype-maps',
    reference:
      'Turbé et al., "Tell me why: Visual foundation models as self-explainable classifiers" (ProtoFM), 2025; Chen et al., "This Looks Like That", NeurIPS 2019',
  },
] as const satisfies readonly MethodDescriptor[];

export type MethodId = (typeof DESCRIPTORS)[number]['id'];
type ParamName = (typeof DESCRIPTORS)[number]['params'][number]['name'];
/** Every method's parameters, by name; a request or condition gives only its method's own. */
export type ExplainParams = { [P in ParamName]?: number };

export const METHOD_DESCRIPTORS: readonly (MethodDescriptor & { id: MethodId })[] = DESCRIPTORS;
export const METHOD_IDS: readonly MethodId[] = DESCRIPTORS.map((d) => d.id);

export const isMethodId = (id: string): id is MethodId => (METHOD_IDS as readonly string[]).includes(id);

export function descriptor(id: MethodId): MethodDescriptor & { id: MethodId } {
  const d = METHOD_DESCRIPTORS.find((x) => x.id === id);
  if (!d) throw new Error(`No explanation method "${id}"; methods: ${METHOD_IDS.join(', ')}.`);
  return d;
}

/** The staff label of a method id; an unknown id (e.g. from an old export) as it is. */
export const methodLabel = (id: string): string => (isMethodId(id) ? descriptor(id).label : id);

/** The kind of target a method explains. */
export const targetKind = (id: MethodId): TargetKind => descriptor(id).targets;

/** Whether a method takes the parameter `name` (e.g. attention's "head"). */
export const takesParam = (id: MethodId, name: string): boolean => descriptor(id).params.some((p) => p.name === name);

/** A parameter's default (undefined: the method does without it unless asked). */
export const paramDefault = (id: MethodId, name: string): number | undefined => descriptor(id).params.find((p) => p.name === name)?.default;

/** The methods a pack offers: those whose need it provides, in the list's order. */
export const offeredMethods = (provides: readonly MethodNeed[]): MethodId[] =>
  METHOD_DESCRIPTORS.filter((d) => provides.includes(d.needs)).map((d) => d.id);
