// The prototype score sheet ("this looks like that"): a class score of a prototype model is
// Σ_p W[class, p] · a_p with W ≥ 0, so each prototype's contribution is exactly its weight times
// its activation on this case, and the rows sorted by contribution are the model's own account
// of the score. Turbé et al., ProtoFM (2025); Chen et al., "This Looks Like That" (2019).
import type { PrototypeScore } from '../../../../app/explain';
import type { Manifest } from '../../models/manifest';

export type SheetRow = Omit<PrototypeScore, 'exemplars'>;

/**
 * Rows for class `classIndex` (a unit of the first head), largest contribution first (ties by
 * manifest order). `activations`: the P prototype activations of one image.
 */
export function prototypeRows(manifest: Manifest, activations: Float32Array, classIndex: number): SheetRow[] {
  const units = manifest.prototypes?.units ?? [];
  const rows = units.map((u, p) => ({
    p,
    name: u.name,
    class: u.class,
    activation: activations[p],
    weight: u.weights[classIndex],
    contribution: u.weights[classIndex] * activations[p],
  }));
  const positive = rows.reduce((s, r) => s + Math.max(0, r.contribution), 0);
  return rows
    .sort((a, b) => b.contribution - a.contribution || a.p - b.p)
    .map(({ p: _p, ...r }) => ({ ...r, share: positive > 0 ? Math.max(0, r.contribution) / positive : 0 }));
}
