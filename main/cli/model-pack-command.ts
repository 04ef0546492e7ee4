// `verdict model pack`: writes a black-box model pack from an ONNX image classifier
// (services/models/black-box-pack.ts); `verdict model add` then registers it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { VerdictError } from '../../app/errors';
import { writeBlackBoxPack, type BlackBoxNormalise } from '../services/models/black-box-pack';

export const MODEL_PACK_USAGE = `usage: verdict model pack --onnx MODEL.onnx --modality dermoscopy|CT --input PX --normalise imagenet|none|MEAN/STD
                          --labels labels.txt --out DIR [--id ID] [--name NAME] [--output-kind logits|probabilities]
                          [--purpose demo|sanity-check|test] [--intended-use TEXT] [--training TEXT] [--note TEXT]... [--json]
                          [--card CARD.json] [--cam-features TENSOR --cam-head HEAD.json [--fixtures FILE]]
         a black-box pack from any ONNX image classifier: input NCHW float32 with a free batch, output
         float32 [batch, K], K = the lines of labels.txt (one class per line, optionally NAME<TAB>LABEL);
         --normalise MEAN/STD as comma lists, e.g. 0.5,0.5,0.5/0.25,0.25,0.25;
         --card: the model card as JSON {intendedUse, training, metrics: {name: value}, notes: [...]}
         (--intended-use, --training and --note override its fields);
         --cam-features names the graph's output holding its last convolutional feature map [batch, C, h, w]
         and --cam-head its global-average-pool + linear head {"weight": [K][C], "bias": [K]}: the pack then
         offers CAM and Grad-CAM (the head is checked against the graph's logits)`;

function normalise(v: string | undefined): BlackBoxNormalise {
  if (v === 'imagenet' || v === 'none') return v;
  const parts = v?.split('/');
  const nums = parts?.map((p) => p.split(',').map(Number));
  if (!nums || nums.length !== 2 || nums.some((a) => !a.length || a.some((x) => !Number.isFinite(x))))
    throw new VerdictError(
      'api.invalid-args',
      `--normalise: expected imagenet, none or MEAN/STD (comma lists), got "${v ?? ''}"\n${MODEL_PACK_USAGE}`,
      {
        field: 'normalise',
      },
    );
  return { mean: nums[0], std: nums[1] };
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new VerdictError('api.invalid-args', `${flag}: expected ${allowed.join(' or ')}, got "${v}"\n${MODEL_PACK_USAGE}`, {
      field: flag,
    });
  return v as T;
}

type Card = NonNullable<Parameters<typeof writeBlackBoxPack>[0]['card']>;

const cardFile = z.object({
  intendedUse: z.string().optional(),
  training: z.string().optional(),
  metrics: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  notes: z.array(z.string()).optional(),
});

/** The card from --card (JSON) with the single-field flags over it; undefined when none is given. */
function cardOf(path: string | undefined, flags: Card): Card | undefined {
  let card: Card = {};
  if (path) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new VerdictError('api.invalid-args', `--card: ${path}: ${(e as Error).message}`, { field: 'card', path });
    }
    const parsed = cardFile.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VerdictError('api.invalid-args', `--card: ${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, {
        field: 'card',
        path,
      });
    }
    card = parsed.data;
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) (card as Record<string, unknown>)[k] = v;
  return Object.keys(card).length ? card : undefined;
}

export async function modelPackCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(MODEL_PACK_USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      onnx: { type: 'string' },
      modality: { type: 'string' },
      input: { type: 'string' },
      normalise: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      'output-kind': { type: 'string' },
      purpose: { type: 'string' },
      'intended-use': { type: 'string' },
      training: { type: 'string' },
      note: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'cam-features': { type: 'string' },
      'cam-head': { type: 'string' },
      fixtures: { type: 'string' },
      card: { type: 'string' },
    },
  });
  for (const flag of ['onnx', 'modality', 'input', 'normalise', 'labels', 'out'] as const)
    if (!values[flag]) throw new VerdictError('api.invalid-args', `--${flag} is required\n${MODEL_PACK_USAGE}`, { field: flag });
  if (!values['cam-features'] !== !values['cam-head'])
    throw new VerdictError('api.invalid-args', `--cam-features and --cam-head come together\n${MODEL_PACK_USAGE}`, {
      field: values['cam-features'] ? 'cam-head' : 'cam-features',
    });
  if (values.fixtures && !values['cam-head'])
    throw new VerdictError(
      'api.invalid-args',
      `--fixtures holds CAM reference maps: it needs --cam-features and --cam-head\n${MODEL_PACK_USAGE}`,
      {
        field: 'fixtures',
      },
    );
  const input = Number(values.input);
  const { dir, manifest } = await writeBlackBoxPack({
    onnx: values.onnx!,
    out: values.out!,
    modality: oneOf('--modality', values.modality, ['CT', 'dermoscopy'] as const)!,
    input,
    normalise: normalise(values.normalise),
    labels: values.labels!,
    id: values.id,
    name: values.name,
    outputKind: oneOf('--output-kind', values['output-kind'], ['logits', 'probabilities'] as const),
    purpose: oneOf('--purpose', values.purpose, ['demo', 'sanity-check', 'test'] as const),
    card: cardOf(values.card, { intendedUse: values['intended-use'], training: values.training, notes: values.note }),
    cam: values['cam-features'] ? { features: values['cam-features'], head: values['cam-head']!, fixtures: values.fixtures } : undefined,
  });
  if (values.json) console.log(JSON.stringify({ dir, manifest }, null, 1));
  else
    console.log(
      `pack ${manifest.id} written to ${dir}: ${manifest.blackBox!.input} ${JSON.stringify(manifest.graphs.model!.inputs[manifest.blackBox!.input])} → ${manifest.blackBox!.output} (${manifest.outputs[0].units.length} classes, ${manifest.blackBox!.outputKind})`,
    );
  return 0;
}
