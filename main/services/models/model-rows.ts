// The `model` table: one row per validated pack content (pack id, version, pack hash). A pack
// whose files change gets a new row; old rows stay so cached explanations keep pointing at the
// model that computed them. "Current" models are the newest row per pack folder.
import type { Database } from 'better-sqlite3';
import type { ModelSummary } from '../../../app/explain';
import { VerdictError } from '../../../app/errors';
import { packMethods, parseManifest, targetsOf, type Manifest } from './manifest';
import type { LoadedPack } from './load-pack';

export type ModelRow = {
  id: number;
  pack_id: string;
  name: string;
  version: string;
  modality: 'CT' | 'dermoscopy';
  path: string;
  sha256: string;
  files_json: string;
  manifest_json: string;
  added_at: string;
  /** The folder the coordinator added the pack from (null: bundled, or added before copies were kept). */
  added_from: string | null;
  /** When the coordinator retired the model (null: in use). */
  retired_at: string | null;
};

export type RegisteredModel = { id: number; dir: string; sha256: string; manifest: Manifest };

/** Whether a pack with this hash was validated and registered before (its graphs need no re-check). */
export const knownHash = (db: Database, sha256: string): boolean =>
  db.prepare('SELECT 1 FROM model WHERE sha256 = ?').get(sha256) !== undefined;

/** Inserts the pack, or (same id, version and hash) updates where it lives. One transaction. */
export function upsertModel(db: Database, pack: LoadedPack, now: string, addedFrom: string | null = null): { id: number; added: boolean } {
  return db.transaction(() => {
    const m = pack.manifest;
    const existing = db
      .prepare('SELECT id FROM model WHERE pack_id = ? AND version = ? AND sha256 = ?')
      .get(m.id, m.version, pack.sha256) as { id: number } | undefined;
    if (existing) {
      // Touch added_at too: the newest row for a folder is the one that folder holds now.
      // A pack added again from a folder keeps the newest origin; a bundled refresh (null) leaves it.
      db.prepare('UPDATE model SET path = ?, added_at = ?, added_from = coalesce(?, added_from) WHERE id = ?').run(
        pack.dir,
        now,
        addedFrom,
        existing.id,
      );
      return { id: existing.id, added: false };
    }
    const r = db
      .prepare(
        `INSERT INTO model (pack_id, name, version, modality, path, sha256, files_json, manifest_json, added_at, added_from)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(m.id, m.name, m.version, m.modality, pack.dir, pack.sha256, JSON.stringify(pack.files), pack.manifestText, now, addedFrom);
    return { id: Number(r.lastInsertRowid), added: true };
  })();
}

const CURRENT_SQL = `SELECT * FROM model m WHERE NOT EXISTS (
  SELECT 1 FROM model n WHERE n.path = m.path AND (n.added_at > m.added_at OR (n.added_at = m.added_at AND n.id > m.id)))`;

export function currentRows(db: Database): ModelRow[] {
  return db.prepare(`${CURRENT_SQL} ORDER BY m.pack_id, m.version, m.id`).all() as ModelRow[];
}

export function modelRow(db: Database, id: number): ModelRow {
  const row = db.prepare('SELECT * FROM model WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new VerdictError('not-found', `No model with id ${id}.`, { modelId: id });
  return row;
}

/** The current row registered under a pack id (the newest, if several folders hold it); never a retired one. */
export function rowByPackId(db: Database, packId: string): ModelRow | undefined {
  return db.prepare(`${CURRENT_SQL} AND m.pack_id = ? AND m.retired_at IS NULL ORDER BY m.added_at DESC, m.id DESC LIMIT 1`).get(packId) as
    ModelRow | undefined;
}

/** The newest retired row under a pack id (to say why the id no longer resolves). */
export const retiredRowByPackId = (db: Database, packId: string): ModelRow | undefined =>
  db.prepare('SELECT * FROM model WHERE pack_id = ? AND retired_at IS NOT NULL ORDER BY retired_at DESC, id DESC LIMIT 1').get(packId) as
    ModelRow | undefined;

/** Marks a model retired (its row, cached maps and studies stay); a no-op for one already retired. */
export function retireModel(db: Database, id: number, now: string): ModelRow {
  modelRow(db, id);
  db.prepare('UPDATE model SET retired_at = ? WHERE id = ? AND retired_at IS NULL').run(now, id);
  return modelRow(db, id);
}

/** Takes a model out of retirement (offered for new maps and protocols again); a no-op for one in use. */
export function restoreModel(db: Database, id: number): ModelRow {
  modelRow(db, id);
  db.prepare('UPDATE model SET retired_at = NULL WHERE id = ?').run(id);
  return modelRow(db, id);
}

export const registered = (row: ModelRow): RegisteredModel => ({
  id: row.id,
  dir: row.path,
  sha256: row.sha256,
  manifest: parseManifest(row.manifest_json, `${row.pack_id}/manifest.json`),
});

export function summaryOf(row: ModelRow, provider: string | null): ModelSummary {
  const m = registered(row).manifest;
  return {
    id: row.id,
    purpose: m.purpose,
    packId: m.id,
    name: m.name,
    version: m.version,
    modality: m.modality,
    sha256: row.sha256,
    // What the pack's graphs and heads provide for, never its manifest's list (packProvides).
    methods: packMethods(m),
    targets: targetsOf(m),
    attentionHeads: m.vit?.heads ?? 0,
    input: { channels: m.input.channels, height: m.input.height, width: m.input.width },
    card: { intendedUse: m.card.intendedUse, training: m.card.training, metrics: m.card.metrics, notes: m.card.notes },
    provider,
    attributes:
      m.attributes?.axes.map((a) => ({
        name: a.name,
        label: a.label,
        head: a.head,
        values: m.outputs.find((o) => o.head === a.head)!.units.map((u) => ({ name: u.name, label: u.label ?? u.name })),
      })) ?? null,
    prototypes: m.prototypes?.units.map((u) => ({ name: u.name, class: u.class, exemplarCount: u.exemplars.length })) ?? null,
  };
}
