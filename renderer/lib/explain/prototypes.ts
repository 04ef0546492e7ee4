// A prototype model as the panel shows it: its prototypes grouped by the class they were learned
// for (the picker's option groups), and each prototype's part in a class score in words.
import type { PrototypeScore, PrototypeSummary } from '../../../app/explain';

export type PrototypeGroup = { class: string; names: string[] };

/** Prototypes grouped by class, classes and prototypes in the model's order. */
export function prototypesByClass(prototypes: readonly PrototypeSummary[]): PrototypeGroup[] {
  const groups: PrototypeGroup[] = [];
  for (const p of prototypes) {
    let g = groups.find((x) => x.class === p.class);
    if (!g) groups.push((g = { class: p.class, names: [] }));
    g.names.push(p.name);
  }
  return groups;
}

/** "0.42 × 0.91 = 0.38": the class weight times the prototype's activation on this case. */
export const contributionText = (r: Pick<PrototypeScore, 'weight' | 'activation' | 'contribution'>): string =>
  `${r.weight.toFixed(2)} × ${r.activation.toFixed(2)} = ${r.contribution.toFixed(2)}`;

/** 0.3412 → "34.1%". */
export const percent = (p: number): string => `${(p * 100).toFixed(1)}%`;
