// `verdict model pack`: writes a black-box model pack from an ONNX image classifier
// (services/models/black-box-pack.ts); `verdict model add` then registers it.
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { writeBlackBoxPack, type BlackBoxNormalise } from '../services/models/black-box-pack';

export const MODEL_PACK_USAGE = `usage: verdict model pack --onnx MODEL.onnx --modality dermoscopy|CT --input PX --normalise imagenet|none|MEAN/STD
                          --labels labels.txt --out DIR [--id ID] [--name NAME] [--output-kind logits|probabilities]
                          [--purpose demo|sanity-check|test] [--intended-use TEXT] [--training TEXT] [--note TEXT]... [--json]
         a black-box pack from any ONNX image classifier: input NCHW float32 with a free batch, output
         float32 [batch, K], K = the lines of labels.txt (one class per line, optionally NAME<TAB>LABEL);
         --normalise MEAN/STD as comma lists, e.g. 0.5,0.5,0.5/0.25,0.25,0.25`;

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
    },
  });
  for (const flag of ['onnx', 'modality', 'input', 'normalise', 'labels', 'out'] as const)
    if (!values[flag]) throw new VerdictError('api.invalid-args', `--${flag} is required\n${MODEL_PACK_USAGE}`, { field: flag });
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
    card:
      values['intended-use'] || values.training || values.note
        ? { intendedUse: values['intended-use'], training: values.training, notes: values.note }
        : undefined,
  });
  if (values.json) console.log(JSON.stringify({ dir, manifest }, null, 1));
  else
    console.log(
      `pack ${manifest.id} written to ${dir}: ${manifest.blackBox!.input} ${JSON.stringify(manifest.graphs.model!.inputs[manifest.blackBox!.input])} → ${manifest.blackBox!.output} (${manifest.outputs[0].units.length} classes, ${manifest.blackBox!.outputKind})`,
    );
  return 0;
}
