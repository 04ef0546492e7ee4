// Which target a request names, checked against the kind of target the method explains (its
// descriptor's `targets`): an output of the model, one of the model's concepts, "attention" for
// a map of no target, a diagnostic axis or a prototype.
import type { Database } from 'better-sqlite3';
import { VerdictError } from '../../../app/errors';
import { NO_TARGET } from '../../../app/methods';
import { targetsOf, type Manifest } from '../models/manifest';
import { conceptNames, conceptVector } from './concept-store';
import type { MethodDefinition, ResolvedTarget } from './methods';

const badTarget = (message: string, target: string, valid: string[]) =>
  new VerdictError('explain.bad-target', message, { target, valid: valid.join(', ') });

export function resolveTarget(
  db: Database,
  modelId: number,
  manifest: Manifest,
  m: MethodDefinition,
  target: string,
): { target: ResolvedTarget; conceptSha256: string | null } {
  if (m.targets === 'none') {
    if (target !== NO_TARGET) throw badTarget(`${m.label} maps have one target, "${NO_TARGET}" (not "${target}").`, target, [NO_TARGET]);
    return { target: { kind: 'none', name: NO_TARGET }, conceptSha256: null };
  }
  if (m.targets === 'concept') {
    const c = conceptVector(db, modelId, target);
    if (!c) {
      const names = conceptNames(db, modelId);
      throw badTarget(
        names.length
          ? `"${target}" is not a concept of ${manifest.name}; its concepts are ${names.map((n) => `"${n}"`).join(', ')}.`
          : `${manifest.name} has no concepts yet; create one (concepts.create) before asking for concept CDAM of "${target}".`,
        target,
        names,
      );
    }
    return { target: { kind: 'concept', name: target, vector: c.vector }, conceptSha256: c.sha256 };
  }
  if (m.targets === 'axis' || m.targets === 'prototype') {
    const names =
      m.targets === 'axis' ? (manifest.attributes?.axes ?? []).map((a) => a.name) : (manifest.prototypes?.units ?? []).map((u) => u.name);
    const index = names.indexOf(target);
    if (index < 0) {
      const what = m.targets === 'axis' ? 'diagnostic axis' : 'prototype';
      throw badTarget(
        `"${target}" is not a ${what} of ${manifest.name}; valid targets are ${names.map((n) => `"${n}"`).join(', ')}.`,
        target,
        names,
      );
    }
    return { target: { kind: m.targets, name: target, index }, conceptSha256: null };
  }
  const names = targetsOf(manifest).map((t) => t.name);
  const index = names.indexOf(target);
  if (index < 0)
    throw badTarget(
      `"${target}" is not an output of ${manifest.name}; valid targets are ${names.map((n) => `"${n}"`).join(', ')}.`,
      target,
      names,
    );
  return { target: { kind: 'output', name: target, index }, conceptSha256: null };
}
