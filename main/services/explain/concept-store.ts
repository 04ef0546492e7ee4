// Named concepts for concept CDAM: the mean CLS embedding of example cases a user picked,
// stored per model as a float32 vector.
import type { Database } from 'better-sqlite3';
import type { Concept } from '../../../app/explain';
import { VerdictError } from '../../../app/errors';
import { sha256Hex } from '../models/pack-files';

type Row = { id: number; model_id: number; name: string; vector: Buffer; examples_json: string; created_at: string };

const toConcept = (r: Row): Concept => ({
  id: r.id,
  modelId: r.model_id,
  name: r.name,
  examples: JSON.parse(r.examples_json) as Concept['examples'],
  createdAt: r.created_at,
});

export function listConcepts(db: Database, modelId: number): Concept[] {
  return (db.prepare('SELECT * FROM concept WHERE model_id = ? ORDER BY name').all(modelId) as Row[]).map(toConcept);
}

export function conceptNames(db: Database, modelId: number): string[] {
  return (db.prepare('SELECT name FROM concept WHERE model_id = ? ORDER BY name').all(modelId) as { name: string }[]).map((r) => r.name);
}

/** A concept's vector and the hash of its bytes (part of the cache key of its maps), or null. */
export function conceptVector(db: Database, modelId: number, name: string): { vector: Float32Array; sha256: string } | null {
  const r = db.prepare('SELECT vector FROM concept WHERE model_id = ? AND name = ?').get(modelId, name) as { vector: Buffer } | undefined;
  if (!r) return null;
  const vector = new Float32Array(r.vector.byteLength / 4);
  new Uint8Array(vector.buffer).set(r.vector);
  return { vector, sha256: sha256Hex(r.vector) };
}

export function assertNewConcept(db: Database, modelId: number, name: string): void {
  if (db.prepare('SELECT 1 FROM concept WHERE model_id = ? AND name = ?').get(modelId, name)) {
    throw new VerdictError('concept.exists', `This model already has a concept named "${name}".`, { modelId, name });
  }
}

export function insertConcept(
  db: Database,
  c: { modelId: number; name: string; vector: Float32Array; examples: Concept['examples']; now: string },
): Concept {
  return db.transaction(() => {
    assertNewConcept(db, c.modelId, c.name);
    const r = db
      .prepare('INSERT INTO concept (model_id, name, vector, examples_json, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.modelId, c.name, Buffer.from(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength), JSON.stringify(c.examples), c.now);
    return toConcept(db.prepare('SELECT * FROM concept WHERE id = ?').get(Number(r.lastInsertRowid)) as Row);
  })();
}
