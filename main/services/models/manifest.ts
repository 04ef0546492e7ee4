// The model-pack manifest (models/README.md, format `verdict-model-pack/1`) as a zod schema.
// Everything Verdict does with a pack follows from this file, so it is checked strictly: an
// invalid manifest is refused with the field named, e.g.
// `manifest.json: outputs[1].units[0].name: expected string`.
import { z } from 'zod';
import { NO_TARGET, type ModelTarget } from '../../../app/explain';
import { METHOD_IDS, descriptor, offeredMethods, type MethodId, type MethodNeed } from '../../../app/methods';
import { VerdictError } from '../../../app/errors';

export const MANIFEST_FORMAT = 'verdict-model-pack/1';

const shape = z.array(z.number().int().min(-1)).min(1).max(8);
const tensors = z.record(z.string().min(1), shape);
const graph = z.object({ inputs: tensors, outputs: tensors });
const fileRef = z.object({
  path: z.string().min(1).max(1024),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex SHA-256'),
});
const positive = z.number().int().positive();
const tensorName = z.string().min(1).max(200);

const unit = z.object({
  name: z.string().min(1).max(200),
  label: z.string().max(200).optional(),
  range: z.tuple([z.number(), z.number()]).nullable().optional(),
});

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, ".", "_" or "-"'),
  version: z.string().min(1).max(100),
  name: z.string().min(1).max(300),
  modality: z.enum(['CT', 'dermoscopy']),
  /** demo: a model to read with; sanity-check: randomized weights for hidden catch trials; test: software tests only. */
  purpose: z.enum(['demo', 'sanity-check', 'test']).default('demo'),
  input: z.object({
    kind: z.enum(['ct-crop', 'rgb-image']),
    channels: positive.max(16),
    height: positive.max(4096),
    width: positive.max(4096),
    ct: z
      .object({
        cropPixels: positive.max(4096),
        window: z.object({ center: z.number(), width: z.number().positive() }),
      })
      .optional(),
    normalise: z.object({ mean: z.array(z.number()).min(1), std: z.array(z.number().positive()).min(1) }),
  }),
  /** A pack is one kind: a ViT (`vit`: backbone + tail graphs) or a black-box classifier (`blackBox`: one graph). */
  vit: z
    .object({
      patchSize: positive,
      grid: z.tuple([positive, positive]),
      tokens: positive,
      /** Rows of the residual that are neither CLS nor patches: DINOv2 register tokens, and earlier blocks' CLS rows a linear head reads (models/README.md). */
      extraTokens: z.number().int().nonnegative().optional(),
      dim: positive,
      heads: positive,
      depth: positive.optional(),
    })
    .optional(),
  /**
   * Any ONNX image classifier (graph `files.model`, image → outputs): its input tensor (NCHW
   * float32) and output tensor ([B, K] in the order of `outputs`) by the graph's own names, and
   * whether that output is logits or probabilities. Offers the black-box methods only.
   */
  blackBox: z
    .object({
      input: tensorName,
      output: tensorName,
      outputKind: z.enum(['logits', 'probabilities']),
      /**
       * CAM / Grad-CAM (optional): the graph also puts out its last convolutional feature map
       * (`features`, [B, C, h, w] with C, h and w fixed in graphs.model) and its head is global
       * average pooling + one linear layer whose weights are files.camHead (main/services/models/cam-head.ts).
       */
      cam: z.object({ features: tensorName }).optional(),
    })
    .optional(),
  outputs: z
    .array(z.object({ head: z.string().min(1).max(200), kind: z.enum(['class-logits', 'regression']), units: z.array(unit).min(1) }))
    .min(1),
  /**
   * The methods the exporter meant the pack for. Optional, and no longer what the pack offers:
   * that follows from its graphs and heads (packProvides); each listed method is checked to be
   * one of those, so a list that promises what the pack lacks is refused.
   */
  methods: z
    .array(z.enum(METHOD_IDS as [MethodId, ...MethodId[]]))
    .min(1)
    .optional(),
  /**
   * A ViT pack's backbone and (for the CDAM family) tail graphs; a black-box pack's one graph is
   * `model`. The tail graph carries the CDAM family; a pack whose head is not the ViT's linear head has none.
   */
  files: z.object({ backbone: fileRef.optional(), tail: fileRef.optional(), model: fileRef.optional() }).catchall(fileRef),
  graphs: z.object({ backbone: graph.optional(), tail: graph.optional(), model: graph.optional() }),
  /** Attribute-token packs (ExpLICD / FiLMed): one map per diagnostic axis, whose values are a class-logits head. */
  attributes: z
    .object({
      reference: z.string().min(1),
      tokensPerAxis: positive.optional(),
      axes: z
        .array(z.object({ name: z.string().min(1).max(200), label: z.string().min(1).max(200), head: z.string().min(1).max(200) }))
        .min(1),
    })
    .optional(),
  /** Prototype packs (ProtoFM): class scores are non-negative weighted sums of prototype activations. */
  prototypes: z
    .object({
      reference: z.string().min(1),
      activation: z.string().min(1),
      units: z
        .array(
          z.object({
            name: z.string().min(1).max(200),
            class: z.string().min(1).max(200),
            weights: z.array(z.number().min(0)).min(1),
            exemplars: z
              .array(
                z.object({
                  file: z.string().min(1).max(1024),
                  imageId: z.string().min(1).max(200),
                  patch: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
                  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
                  similarity: z.number(),
                }),
              )
              .max(20),
          }),
        )
        .min(1),
    })
    .optional(),
  card: z.object({
    intendedUse: z.string(),
    training: z.string(),
    metrics: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
    notes: z.array(z.string()).default([]),
  }),
  export: z.record(z.string(), z.unknown()).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;

/** `a.b[2].c` — the form the error message names a field in. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

const invalid = (file: string, field: string, message: string) =>
  new VerdictError('model.invalid-manifest', `${file}: ${field}: ${message}`, { file, field });

/** Parses and checks a manifest's text; `file` names it in messages (e.g. `lidc-pack/manifest.json`). */
export function parseManifest(text: string, file = 'manifest.json'): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalid(file, '(file)', `not valid JSON (${(e as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    // Every wrong field, one line each (the first as before); `detail.fields` lists them all.
    const issues = parsed.error.issues.slice(0, 50);
    const e = invalid(
      file,
      fieldPath(issues[0].path),
      issues.map((i, n) => `${n ? `${file}: ${fieldPath(i.path)}: ` : ''}${i.message}`).join('\n'),
    );
    (e.detail as Record<string, string>).fields = issues.map((i) => fieldPath(i.path)).join(', ');
    throw e;
  }
  checkConsistent(parsed.data, file);
  return parsed.data;
}

/** What the schema cannot say alone: the parts of the manifest must agree with each other. */
function checkConsistent(m: Manifest, file: string): void {
  const names = new Set<string>();
  m.outputs.forEach((o, h) =>
    o.units.forEach((u, i) => {
      if (names.has(u.name))
        throw invalid(file, `outputs[${h}].units[${i}].name`, `target name "${u.name}" is used twice; target names must be unique`);
      if (u.name === NO_TARGET) throw invalid(file, `outputs[${h}].units[${i}].name`, `"${NO_TARGET}" is reserved for the attention map`);
      names.add(u.name);
    }),
  );
  const { input } = m;
  if (input.kind === 'ct-crop' && !input.ct) throw invalid(file, 'input.ct', 'required when input.kind is "ct-crop"');
  if ((input.kind === 'ct-crop') !== (m.modality === 'CT'))
    throw invalid(file, 'input.kind', `"${input.kind}" does not fit modality "${m.modality}"`);
  if (input.kind === 'rgb-image' && input.channels !== 3) throw invalid(file, 'input.channels', 'expected 3 for "rgb-image"');
  for (const k of ['mean', 'std'] as const) {
    const n = input.normalise[k].length;
    if (n !== 1 && n !== input.channels) throw invalid(file, `input.normalise.${k}`, `expected 1 or ${input.channels} values, got ${n}`);
  }
  checkKind(m, file);
  checkExplanationParts(m, file);
  for (const g of graphRoles(m)) {
    for (const io of ['inputs', 'outputs'] as const) {
      for (const [name, rank] of Object.entries(tensorRanks(m)[g]![io])) {
        const got = m.graphs[g]![io][name];
        if (!got) throw invalid(file, `graphs.${g}.${io}`, `missing tensor "${name}"`);
        if (got.length !== rank) throw invalid(file, `graphs.${g}.${io}.${name}`, `expected ${rank} dimensions, got [${got.join(', ')}]`);
        if (got[0] !== -1) throw invalid(file, `graphs.${g}.${io}.${name}[0]`, `the batch dimension must be free (-1), got ${got[0]}`);
      }
    }
  }
}

/**
 * The pack's kind: exactly one of `vit` and `blackBox`, with the parts that kind has and none
 * of the other's (a black-box pack has one graph, `model`, and no ViT heads).
 */
function checkKind(m: Manifest, file: string): void {
  const { input, vit, blackBox } = m;
  if (!vit && !blackBox)
    throw invalid(file, 'vit', 'required: a pack is a ViT ("vit") or a black-box classifier ("blackBox"), and this manifest has neither');
  if (vit && blackBox) throw invalid(file, 'blackBox', 'a pack is one kind: "vit" or "blackBox", not both');
  if (vit) {
    if (!m.files.backbone) throw invalid(file, 'files.backbone', 'required for a ViT pack ("vit")');
    if (!m.graphs.backbone) throw invalid(file, 'graphs.backbone', 'required for a ViT pack ("vit")');
    if (m.graphs.model) throw invalid(file, 'graphs.model', 'only a black-box pack ("blackBox") has a "model" graph');
    const [rows, cols] = vit.grid;
    if (rows * vit.patchSize !== input.height || cols * vit.patchSize !== input.width) {
      throw invalid(
        file,
        'vit.grid',
        `${rows}×${cols} patches of ${vit.patchSize} px do not tile the ${input.height}×${input.width} input`,
      );
    }
    if (vit.tokens !== rows * cols + 1 + (vit.extraTokens ?? 0))
      throw invalid(
        file,
        'vit.tokens',
        `expected ${rows * cols + 1 + (vit.extraTokens ?? 0)} (the patches, CLS and extraTokens), got ${vit.tokens}`,
      );
    return;
  }
  for (const part of ['backbone', 'tail'] as const) {
    if (m.files[part]) throw invalid(file, `files.${part}`, `a black-box pack ("blackBox") has one graph, files.model, and no ${part}`);
    if (m.graphs[part]) throw invalid(file, `graphs.${part}`, `a black-box pack ("blackBox") has one graph, graphs.model, and no ${part}`);
  }
  if (!m.files.model) throw invalid(file, 'files.model', 'required for a black-box pack ("blackBox"): the ONNX graph');
  if (!m.graphs.model) throw invalid(file, 'graphs.model', 'required for a black-box pack ("blackBox"): its input and output tensors');
  for (const part of ['attributes', 'prototypes'] as const)
    if (m[part]) throw invalid(file, part, `needs a ViT pack's maps; a black-box pack ("blackBox") has none`);
  if (blackBox!.input === blackBox!.output) throw invalid(file, 'blackBox.output', `"${blackBox!.output}" is also the input's name`);
  if (blackBox!.outputKind === 'probabilities') {
    const h = m.outputs.findIndex((o) => o.kind !== 'class-logits');
    if (h >= 0)
      throw invalid(
        file,
        `outputs[${h}].kind`,
        `"${m.outputs[h].kind}" cannot be read from an output of probabilities (blackBox.outputKind)`,
      );
  }
  checkCam(m, file);
}

/** blackBox.cam: a feature map of fixed C×h×w beside the logits, and the head's file. */
function checkCam(m: Manifest, file: string): void {
  const cam = m.blackBox?.cam;
  if (!cam) {
    if (m.files.camHead) throw invalid(file, 'files.camHead', 'only a pack that declares blackBox.cam has a CAM head');
    return;
  }
  const bb = m.blackBox!;
  if (bb.outputKind !== 'logits')
    throw invalid(file, 'blackBox.cam', 'CAM reads a linear head, so blackBox.outputKind must be "logits", not "probabilities"');
  if (cam.features === bb.input || cam.features === bb.output)
    throw invalid(file, 'blackBox.cam.features', `"${cam.features}" is also the graph's ${cam.features === bb.input ? 'input' : 'output'}`);
  if (!m.files.camHead) throw invalid(file, 'files.camHead', "required with blackBox.cam: the linear head's weights and bias");
  const shape = m.graphs.model?.outputs[cam.features];
  if (!shape) throw invalid(file, 'graphs.model.outputs', `missing tensor "${cam.features}" (blackBox.cam.features)`);
  if (shape.length !== 4 || shape.slice(1).some((d) => d < 1))
    throw invalid(
      file,
      `graphs.model.outputs.${cam.features}`,
      `expected [-1, C, h, w] with the channels, height and width fixed, got [${shape.join(', ')}]`,
    );
}

/** The pack's kind: a ViT (backbone + tail) or a black-box classifier. */
export const packKind = (m: Manifest): 'vit' | 'black-box' => (m.blackBox ? 'black-box' : 'vit');

/**
 * What a pack provides for explanation methods, from what it has: a ViT's backbone (attention)
 * always, the tail graph, an attribute-token or prototype head's maps, and — with a class head —
 * a classifier a black-box method can score perturbed inputs with. A black-box pack provides
 * only the last.
 */
export function packProvides(m: Manifest): MethodNeed[] {
  const has: [MethodNeed, boolean][] = [
    ['backbone', !!m.vit],
    ['tail', !!m.files.tail],
    ['attribute-maps', !!m.attributes],
    ['prototype-maps', !!m.prototypes],
    ['black-box', m.outputs.some((o) => o.kind === 'class-logits')],
    ['cam', !!m.blackBox?.cam],
  ];
  return has.filter(([, yes]) => yes).map(([need]) => need);
}

/** The methods a pack offers: those whose need it provides (app/methods.ts), in the descriptors' order. */
export const packMethods = (m: Manifest): MethodId[] => offeredMethods(packProvides(m));

/** Where a manifest provides each need, and what it says when a listed method needs what is missing. */
const NEED_PART: Record<MethodNeed, { field: string; missing: (method: MethodId) => string }> = {
  backbone: { field: 'vit', missing: (x) => `required: "${x}" reads a ViT backbone's attention, and this is a black-box pack` },
  tail: { field: 'files.tail', missing: (x) => `required: the pack offers "${x}", which runs the tail graph` },
  'attribute-maps': { field: 'attributes', missing: (x) => `required when methods include "${x}"` },
  'prototype-maps': { field: 'prototypes', missing: (x) => `required when methods include "${x}"` },
  'black-box': { field: 'outputs', missing: (x) => `"${x}" scores a class output, and the pack has no class-logits head` },
  cam: {
    field: 'blackBox.cam',
    missing: (x) => `required: "${x}" reads the last convolutional feature map and the linear head it declares`,
  },
};

export type GraphRole = 'backbone' | 'tail' | 'model';
type GraphShapes = { inputs: Record<string, number[]>; outputs: Record<string, number[]> };

/** The graphs a pack has: a ViT's backbone always, its tail when it offers the CDAM family; a black-box pack's model. */
export const graphRoles = (m: Manifest): GraphRole[] => (m.blackBox ? ['model'] : m.files.tail ? ['backbone', 'tail'] : ['backbone']);

/** The tensors a pack's graphs have (models/README.md), with their ranks. */
function tensorRanks(m: Manifest): Partial<Record<GraphRole, { inputs: Record<string, number>; outputs: Record<string, number> }>> {
  if (m.blackBox)
    return {
      model: {
        inputs: { [m.blackBox.input]: 4 },
        outputs: { [m.blackBox.output]: 2, ...(m.blackBox.cam ? { [m.blackBox.cam.features]: 4 } : {}) },
      },
    };
  return {
    backbone: {
      inputs: { image: 4 },
      outputs: {
        outputs: 2,
        attention: 3,
        residual: 3,
        embedding: 2,
        ...(m.attributes ? { attributeMaps: 3 } : {}),
        ...(m.prototypes ? { prototypeMaps: 3, prototypeActivations: 2 } : {}),
      },
    },
    tail: { inputs: { residual: 3, seed: 2, concept: 2 }, outputs: { outputs: 2, cdam: 2 } },
  };
}

/** The shapes the graphs must have, from the manifest's input, vit, outputs, attributes and prototypes sections. */
export function expectedGraphShapes(m: Manifest): Partial<Record<GraphRole, GraphShapes>> {
  const { input, vit, blackBox } = m;
  const k = outputCount(m);
  if (blackBox)
    return {
      model: {
        inputs: { [blackBox.input]: [-1, input.channels, input.height, input.width] },
        outputs: {
          [blackBox.output]: [-1, k],
          ...(blackBox.cam ? { [blackBox.cam.features]: m.graphs.model?.outputs[blackBox.cam.features] ?? [] } : {}),
        },
      },
    };
  if (!vit) throw new Error('a pack is a ViT or a black-box classifier');
  const n = vit.grid[0] * vit.grid[1];
  const p = m.prototypes?.units.length ?? 0;
  return {
    backbone: {
      inputs: { image: [-1, input.channels, input.height, input.width] },
      outputs: {
        outputs: [-1, k],
        attention: [-1, vit.heads, n],
        residual: [-1, vit.tokens, vit.dim],
        embedding: [-1, vit.dim],
        ...(m.attributes ? { attributeMaps: [-1, m.attributes.axes.length, n] } : {}),
        ...(m.prototypes ? { prototypeMaps: [-1, p, n], prototypeActivations: [-1, p] } : {}),
      },
    },
    tail: {
      inputs: { residual: [-1, vit.tokens, vit.dim], seed: [-1, k], concept: [-1, vit.dim] },
      outputs: { outputs: [-1, k], cdam: [-1, n] },
    },
  };
}

/**
 * The parts are whole and agree: the tail graph's file and shapes come together, the methods a
 * manifest lists are ones its parts provide for, the attributes section's axes name
 * class-logits heads, the prototypes section has weights per diagnosis class and exemplar files
 * the pack lists.
 */
function checkExplanationParts(m: Manifest, file: string): void {
  if (!m.files.tail !== !m.graphs.tail)
    throw invalid(file, m.files.tail ? 'graphs.tail' : 'files.tail', 'files.tail and graphs.tail come together');
  const provided = packProvides(m);
  for (const x of m.methods ?? []) {
    const need = descriptor(x).needs;
    if (!provided.includes(need)) throw invalid(file, NEED_PART[need].field, NEED_PART[need].missing(x));
  }
  const axes = new Set<string>();
  m.attributes?.axes.forEach((a, i) => {
    const head = m.outputs.find((o) => o.head === a.head);
    if (!head)
      throw invalid(
        file,
        `attributes.axes[${i}].head`,
        `no output head "${a.head}"; heads are ${m.outputs.map((o) => `"${o.head}"`).join(', ')}`,
      );
    if (head.kind !== 'class-logits')
      throw invalid(file, `attributes.axes[${i}].head`, `"${a.head}" is ${head.kind}; an axis's values are class logits`);
    if (axes.has(a.name)) throw invalid(file, `attributes.axes[${i}].name`, `axis "${a.name}" is listed twice`);
    axes.add(a.name);
  });
  if (m.prototypes) {
    const classes = m.outputs[0];
    const listed = new Set(Object.values(m.files).map((f) => f?.path));
    const names = new Set<string>();
    m.prototypes.units.forEach((u, i) => {
      const at = `prototypes.units[${i}]`;
      if (names.has(u.name)) throw invalid(file, `${at}.name`, `prototype "${u.name}" is listed twice`);
      names.add(u.name);
      if (!classes.units.some((c) => c.name === u.class))
        throw invalid(file, `${at}.class`, `"${u.class}" is not a unit of the first head "${classes.head}"`);
      if (u.weights.length !== classes.units.length)
        throw invalid(
          file,
          `${at}.weights`,
          `expected ${classes.units.length} (one per unit of "${classes.head}"), got ${u.weights.length}`,
        );
      u.exemplars.forEach((e, j) => {
        if (!listed.has(e.file))
          throw invalid(
            file,
            `${at}.exemplars[${j}].file`,
            `"${e.file}" is not among the pack's files (files.*.path), so its SHA-256 is not checked`,
          );
      });
    });
  }
}

/** K: the number of output units, heads concatenated in manifest order. */
export const outputCount = (m: Manifest): number => m.outputs.reduce((n, o) => n + o.units.length, 0);

/** The pack's targets of each kind (outputs, diagnostic axes, prototypes), as app/explain.ts targetsFor reads them. */
export const targetLists = (m: Manifest) => ({
  targets: targetsOf(m),
  attributes: m.attributes?.axes ?? null,
  prototypes: m.prototypes?.units ?? null,
});

/** Every output unit as an explainable target, in the order of the `outputs` columns. */
export function targetsOf(m: Manifest): ModelTarget[] {
  return m.outputs.flatMap((o) =>
    o.units.map((u) => ({ name: u.name, label: u.label ?? u.name, head: o.head, kind: o.kind, range: u.range ?? null })),
  );
}
