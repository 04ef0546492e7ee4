// The zod schemas of explanation parameters, derived from the method descriptors (methods.ts):
// one per method (its own parameters only, in its own ranges), and the schema requests and
// protocol conditions are checked with at the boundary (every method's parameters; a name two
// methods share is accepted over the union of their ranges, and the method's own schema then
// decides).
import { z } from 'zod';
import { METHOD_DESCRIPTORS, type ExplainParams, type MethodDescriptor, type ParamSpec } from './methods';

const numberOf = (p: Pick<ParamSpec, 'integer' | 'min' | 'max'>) => {
  const n = p.integer ? z.number().int() : z.number();
  return n.min(p.min).max(p.max);
};

/** One method's parameters: only its own, each optional (a default fills it in later), in its range. */
export function methodParamsSchema(d: Pick<MethodDescriptor, 'params'>): z.ZodType<ExplainParams, ExplainParams> {
  return z.object(Object.fromEntries(d.params.map((p) => [p.name, numberOf(p).optional()]))).strict() as unknown as z.ZodType<
    ExplainParams,
    ExplainParams
  >;
}

/** Every parameter any method takes, over the widest range any gives it. */
function allParams(): ParamSpec[] {
  const byName = new Map<string, ParamSpec>();
  for (const p of METHOD_DESCRIPTORS.flatMap((d) => d.params)) {
    const seen = byName.get(p.name);
    byName.set(
      p.name,
      seen ? { ...seen, integer: seen.integer && p.integer, min: Math.min(seen.min, p.min), max: Math.max(seen.max, p.max) } : p,
    );
  }
  return [...byName.values()];
}

/** The parameters a request or a protocol condition may carry (which ones its method takes is checked against the method). */
export const explainParams = methodParamsSchema({ params: allParams() });
