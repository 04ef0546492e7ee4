// The Models view's ONNX form: any ONNX image classifier becomes a black-box pack
// (black-box-pack.ts writeBlackBoxPack) in a temporary folder, which is then added like a pack
// folder — copied into the study's data folder, hashes checked — and the temporary folder removed.
// The form's class names arrive as text (one per line, optionally NAME<TAB>LABEL) and are written
// to the temporary folder's labels.txt, so a refusal names its line. Its optional CAM fields
// declare the last feature map and the GAP + linear head (cam-pack.ts); their refusals name the field.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSummary } from '../../../app/explain';
import { VerdictError } from '../../../app/errors';
import { writeBlackBoxPack, type BlackBoxPackOptions } from './black-box-pack';
import type { CamOptions } from './cam-pack';
import type { ModelService } from './model-service';

/** The pack writer's options the form gives, with the class list as text rather than a file's path. */
export type OnnxPackForm = Pick<BlackBoxPackOptions, 'onnx' | 'modality' | 'input' | 'normalise' | 'id' | 'name' | 'outputKind'> & {
  /** labels.txt's text: one class per line, in the order of the output's columns. */
  labels: string;
  intendedUse?: string;
  training?: string;
  /** The CAM declaration (no reference maps: those are the exporter's, for tests). */
  cam?: Omit<CamOptions, 'fixtures'>;
};

/** The form's CAM fields, as the Models view labels them. */
const CAM_FEATURES_FIELD = 'CAM feature-map output';
const CAM_HEAD_FIELD = 'CAM head file';

/**
 * A refusal of the CAM declaration, named by the form field it concerns: the graph has no such
 * output or not a [batch, C, h, w] one (cam-pack.ts), or the head file is missing, malformed or
 * not what the graph computes (cam-head.ts). Other refusals pass unchanged.
 */
function namingCamField(e: unknown, cam: OnnxPackForm['cam']): unknown {
  if (!cam || !(e instanceof VerdictError)) return e;
  const d = e.detail ?? {};
  const field =
    d.tensor === cam.features && d.graph !== undefined
      ? CAM_FEATURES_FIELD
      : d.path === cam.head || /cam-head\.json|camHead/.test(e.message)
        ? CAM_HEAD_FIELD
        : null;
  return field ? new VerdictError(e.code, `${field}: ${e.message}`, { ...d, field }) : e;
}

export async function addOnnxClassifier(models: ModelService, form: OnnxPackForm): Promise<ModelSummary> {
  if (!models.copiesPacks)
    throw new VerdictError('internal', 'This study keeps no copies of model packs (an in-memory database): add a pack folder instead.');
  const tmp = await mkdtemp(join(tmpdir(), 'verdict-onnx-pack-'));
  try {
    const labels = join(tmp, 'labels.txt');
    await writeFile(labels, form.labels);
    const cam = form.cam && { features: form.cam.features.trim(), head: form.cam.head.trim() };
    const { dir } = await writeBlackBoxPack({
      onnx: form.onnx,
      out: join(tmp, 'pack'),
      modality: form.modality,
      input: form.input,
      normalise: form.normalise,
      labels,
      id: form.id || undefined,
      name: form.name || undefined,
      outputKind: form.outputKind,
      card: {
        ...(form.intendedUse?.trim() ? { intendedUse: form.intendedUse.trim() } : {}),
        ...(form.training?.trim() ? { training: form.training.trim() } : {}),
      },
      cam,
    }).catch((e: unknown) => {
      throw namingCamField(e, cam);
    });
    return await models.add(dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
