// `verdict localisation`: the localisation check of an attribute-token model — per diagnostic
// axis, the pointing game and IoU of its map against each ISIC Task 2 attribute mask of the
// study's cases (only cases that have such masks).
import { parseArgs } from 'node:util';
import { VerdictError } from '../../app/errors';
import { attributeLocalisation, type LocalisationRow } from '../services/explain/metrics/attribute-localisation';
import { openExisting } from './study-command';

export const LOCALISATION_USAGE = `usage: verdict localisation --db FILE --model PACK [--json]
  For an attribute-token model (e.g. isic-explicd): each axis's map against each ISIC Task 2
  attribute mask (globules, milia-like cysts, negative network, pigment network, streaks) of the
  study's cases — pointing game (15 px per 224) and IoU of the ≥ 50%-of-maximum region.`;

export async function localisationCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(LOCALISATION_USAGE);
    return 0;
  }
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.model) throw new VerdictError('api.invalid-args', `--model needs a pack id or folder\n${LOCALISATION_USAGE}`);
  const verdict = openExisting(values.db, LOCALISATION_USAGE);
  try {
    const model = await verdict.models.resolve(values.model);
    const rows = await attributeLocalisation(
      { db: verdict.study.db, models: verdict.models, cases: verdict.cases, imaging: verdict.imaging, explain: verdict.explain },
      model.id,
    );
    if (!rows.length)
      throw new VerdictError(
        'not-found',
        'No case in the study database has ISIC Task 2 attribute masks to check against; import ISIC_0000000 with its masks (the demo study has it).',
      );
    if (values.json)
      console.log(
        JSON.stringify({ model: { packId: model.manifest.id, version: model.manifest.version, sha256: model.sha256 }, rows }, null, 1),
      );
    else console.log(formatRows(model.manifest.id, rows));
    return 0;
  } finally {
    verdict.close();
  }
}

/** One line per axis: for each attribute, "hit/IoU" (· where the case has no such structure). */
export function formatRows(packId: string, rows: LocalisationRow[]): string {
  const attributes = [...new Set(rows.map((r) => r.attribute))];
  const axes = [...new Set(rows.map((r) => r.axis))];
  const cases = new Set(rows.map((r) => r.case)).size;
  const cell = (axis: string, attribute: string) => {
    const hits = rows.filter((r) => r.axis === axis && r.attribute === attribute);
    if (!hits.length) return '·';
    const pointing = hits.filter((r) => r.pointingHit).length / hits.length;
    const iou = hits.reduce((s, r) => s + r.iou, 0) / hits.length;
    return `${pointing.toFixed(2)} / ${iou.toFixed(2)}`;
  };
  const width = Math.max(...attributes.map((a) => a.length), 13);
  const lines = [
    `Attribute localisation — ${packId}, ${cases} case${cases === 1 ? '' : 's'} with Task 2 masks (pointing game / IoU)`,
    `${'axis'.padEnd(22)}${attributes.map((a) => a.padEnd(width + 2)).join('')}`,
  ];
  for (const axis of axes) lines.push(`${axis.padEnd(22)}${attributes.map((a) => cell(axis, a).padEnd(width + 2)).join('')}`);
  return lines.join('\n');
}
