// The registry of explanation methods. Adding one means one file and one line here.
import type { ExplainParams } from '../../../../app/explain';
import { VerdictError } from '../../../../app/errors';
import { attention } from './attention';
import { attributeMap } from './attribute-map';
import { cdam } from './cdam';
import { conceptCdam } from './concept-cdam';
import { integratedCdam } from './integrated-cdam';
import { lima } from './lima';
import { prototypeMap } from './prototype-map';
import { smoothCdam } from './smooth-cdam';
import type { MethodDefinition } from './types';

export type { MethodDefinition, MethodRun, ResolvedTarget } from './types';

export const METHODS: readonly MethodDefinition[] = [attention, cdam, smoothCdam, integratedCdam, conceptCdam, lima, attributeMap, prototypeMap];

export function method(id: string): MethodDefinition {
  const m = METHODS.find((x) => x.id === id);
  if (!m) throw new VerdictError('not-found', `No explanation method "${id}"; methods: ${METHODS.map((x) => x.id).join(', ')}.`, { method: id });
  return m;
}

/**
 * The parameters that determine a map: only the method's own, defaults filled in, keys sorted
 * (so they can key the cache). A parameter the method does not take is refused, not ignored.
 */
export function normaliseParams(m: MethodDefinition, params: ExplainParams | undefined, heads: number): ExplainParams {
  const given = params ?? {};
  const allowed = Object.keys(m.defaults) as (keyof ExplainParams)[];
  for (const k of Object.keys(given) as (keyof ExplainParams)[]) {
    if (given[k] !== undefined && !allowed.includes(k)) {
      throw new VerdictError('explain.bad-params', `${m.label} takes no "${k}" parameter${allowed.length ? `; it takes ${allowed.join(', ')}` : ''}.`, { method: m.id, param: k });
    }
  }
  if (given.head !== undefined && given.head >= heads) {
    throw new VerdictError('explain.bad-params', `head ${given.head} does not exist: the model has ${heads} heads (0…${heads - 1}).`, { method: m.id, param: 'head' });
  }
  const out: ExplainParams = {};
  for (const k of [...allowed].sort()) {
    const v = given[k] ?? m.defaults[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

