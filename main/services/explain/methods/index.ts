// The registry of explanation methods: each is its descriptor (app/methods.ts) plus its compute
// file here. Adding one means one descriptor, one file and one line here (the record below
// does not compile without it).
import { VerdictError } from '../../../../app/errors';
import { METHOD_IDS, descriptor, isMethodId, type ExplainParams, type MethodId } from '../../../../app/methods';
import { attention } from './attention';
import { attributeMap } from './attribute-map';
import { cam } from './cam';
import { cdam } from './cdam';
import { conceptCdam } from './concept-cdam';
import { gradCam } from './grad-cam';
import { integratedCdam } from './integrated-cdam';
import { lima } from './lima';
import { occlusion } from './occlusion';
import { prototypeMap } from './prototype-map';
import { rise } from './rise';
import { smoothCdam } from './smooth-cdam';
import type { MethodDefinition } from './types';

export type { MethodDefinition, MethodRun, ResolvedTarget } from './types';

const BY_ID: Record<MethodId, MethodDefinition> = {
  attention,
  cdam,
  'smooth-cdam': smoothCdam,
  'integrated-cdam': integratedCdam,
  'concept-cdam': conceptCdam,
  lima,
  rise,
  occlusion,
  cam,
  'grad-cam': gradCam,
  'attribute-map': attributeMap,
  'prototype-map': prototypeMap,
};

/** In the descriptors' order. */
export const METHODS: readonly MethodDefinition[] = METHOD_IDS.map((id) => BY_ID[id]);

export function method(id: string): MethodDefinition {
  if (!isMethodId(id))
    throw new VerdictError('not-found', `No explanation method "${id}"; methods: ${METHOD_IDS.join(', ')}.`, { method: id });
  return BY_ID[id];
}

const badParam = (m: MethodDefinition, param: string, message: string) =>
  new VerdictError('explain.bad-params', message, { method: m.id, param });

/**
 * The parameters that determine a map: only the method's own (as its descriptor lists them),
 * each in its range, defaults filled in, keys sorted (so they can key the cache). A parameter
 * the method does not take is refused, not ignored; so is an attention head the model lacks.
 */
export function normaliseParams(m: MethodDefinition, params: ExplainParams | undefined, heads: number): ExplainParams {
  const given: Record<string, number | undefined> = params ?? {};
  const specs = descriptor(m.id).params;
  for (const k of Object.keys(given)) {
    if (given[k] !== undefined && !specs.some((p) => p.name === k)) {
      throw badParam(
        m,
        k,
        `${m.label} takes no "${k}" parameter${specs.length ? `; it takes ${specs.map((p) => p.name).join(', ')}` : ''}.`,
      );
    }
  }
  const out: Record<string, number> = {};
  for (const p of [...specs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const v = given[p.name] ?? p.default;
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v < p.min || v > p.max || (p.integer && !Number.isInteger(v))) {
      throw badParam(
        m,
        p.name,
        `${m.label}: ${p.name} must be ${p.integer ? 'a whole number' : 'a number'} from ${p.min} to ${p.max} (got ${v}).`,
      );
    }
    out[p.name] = v;
  }
  // The one parameter whose range depends on the model.
  if (out.head !== undefined && out.head >= heads) {
    throw badParam(m, 'head', `head ${out.head} does not exist: the model has ${heads} heads (0…${heads - 1}).`);
  }
  return out as ExplainParams;
}
