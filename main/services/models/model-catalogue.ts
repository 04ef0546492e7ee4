// What the coordinator's Models view shows of a registered model beyond its summary (its card
// text, folders, retirement, the studies that used it), and the two refusals of adding and
// resolving: a pack id that names another pack, and a retired model asked for new work.
import { basename } from 'node:path';
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import type { ModelEntry } from '../../../app/models';
import type { LoadedPack } from './load-pack';
import { currentRows, registered, retiredRowByPackId, summaryOf, type ModelRow } from './model-rows';
import { readVerified, resolvePackPath } from './pack-files';

/** How many studies take stimuli from model row `id` (their resolved models, fixed at creation). */
function studiesUsing(db: Database, id: number): number {
  const rows = db.prepare('SELECT resolved_json FROM study').all() as { resolved_json: string }[];
  return rows.filter((r) => {
    const models = (JSON.parse(r.resolved_json) as { models?: Record<string, { modelId: number }> }).models ?? {};
    return Object.values(models).some((m) => m.modelId === id);
  }).length;
}

/** The pack's card.md, read from its folder with its hash checked; null when the pack has none. */
async function cardText(row: ModelRow): Promise<string | null> {
  const model = registered(row);
  const ref = model.manifest.files.card;
  if (!ref) return null;
  const label = `${basename(model.dir)}/manifest.json`;
  try {
    return (await readVerified(await resolvePackPath(model.dir, 'card', ref.path, label), { role: 'card', ...ref }, label)).toString(
      'utf8',
    );
  } catch (e) {
    // The view still lists the model; the card says why it cannot be shown.
    return `(card.md cannot be read: ${e instanceof VerdictError ? e.message : String(e)})`;
  }
}

export async function catalogueEntry(
  db: Database,
  row: ModelRow,
  provider: string | null,
  bundled: boolean,
  providers: readonly string[],
): Promise<ModelEntry> {
  return {
    ...summaryOf(row, provider),
    retiredAt: row.retired_at,
    bundled,
    path: row.path,
    addedFrom: row.added_from,
    addedAt: row.added_at,
    cardText: await cardText(row),
    providers: [...providers],
    studies: studiesUsing(db, row.id),
  };
}

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;

/**
 * One pack id names one pack: a pack whose id a registered, not retired model already has, with
 * other content, is refused, naming both (the model a study used stays what it was; retiring
 * it first lets a new pack take the id for new protocols).
 */
export function refuseIdCollision(db: Database, pack: LoadedPack): void {
  const m = pack.manifest;
  const other = currentRows(db).find((r) => r.pack_id === m.id && r.retired_at === null && r.sha256 !== pack.sha256);
  if (!other) return;
  throw new VerdictError(
    'model.id-taken',
    `${pack.dir}: pack id "${m.id}" (${m.name} ${m.version}, sha256 ${short(pack.sha256)}) is already taken by model ${other.id} ` +
      `"${other.name}" ${other.version} (sha256 ${short(other.sha256)}, in ${other.path}). A pack id names one pack: give this pack ` +
      `its own id in its manifest.json, or retire model ${other.id} first (studies that used it keep it).`,
    { packId: m.id, path: pack.dir, heldBy: other.path, heldById: other.id, sha256: pack.sha256, heldBySha256: other.sha256 },
  );
}

/** Refuses new work with a retired model named by its pack id (a no-op when none is retired under it). */
export function refuseRetired(db: Database, packId: string): void {
  const r = retiredRowByPackId(db, packId);
  if (!r) return;
  throw new VerdictError(
    'model.retired',
    `Model "${packId}" (${r.name} ${r.version}, id ${r.id}) was retired on ${r.retired_at!.slice(0, 10)}: it is not offered for new maps or protocols. Studies that used it keep it.`,
    { packId, modelId: r.id },
  );
}

/**
 * Refuses to restore a retired model while another active model holds its pack id (a pack added
 * under the id after the retirement): one pack id names one pack, so that one is retired first.
 */
export function refuseRestoreCollision(db: Database, row: ModelRow): void {
  const other = currentRows(db).find((r) => r.pack_id === row.pack_id && r.retired_at === null && r.id !== row.id);
  if (!other) return;
  throw new VerdictError(
    'model.id-taken',
    `Model ${row.id} "${row.name}" ${row.version} cannot be restored: its pack id "${row.pack_id}" is now held by model ${other.id} ` +
      `"${other.name}" ${other.version} (sha256 ${short(other.sha256)}, in ${other.path}). A pack id names one pack: retire model ${other.id} first.`,
    { packId: row.pack_id, modelId: row.id, heldById: other.id, heldBy: other.path },
  );
}
