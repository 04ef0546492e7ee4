// The single entry point both hosts call: validate the arguments against the endpoint's schema,
// run the handler, and turn any failure into a WireError. No host does anything else.
import { endpoints, type EndpointName, type Handlers } from './index';
import { VerdictError, toWireError, type WireError } from '../errors';

export type CallResult = { ok: true; data: unknown } | { ok: false; error: WireError };

export type DispatchLog = (name: string, error: unknown) => void;

const isEndpointName = (name: unknown): name is EndpointName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(endpoints, name);

export async function dispatch(handlers: Handlers, name: unknown, args: unknown, log: DispatchLog = () => {}): Promise<CallResult> {
  try {
    if (!isEndpointName(name)) throw new VerdictError('api.unknown-method', `Unknown API method ${JSON.stringify(String(name)).slice(0, 80)}.`);
    const parsed = endpoints[name].input.safeParse(args ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? issue.path.join('.') : '(arguments)';
      throw new VerdictError('api.invalid-args', `${name}: invalid ${field}: ${issue.message}`, { method: name, field });
    }
    const handler = handlers[name] as (a: unknown) => unknown;
    return { ok: true, data: await handler(parsed.data) };
  } catch (e) {
    if (!(e instanceof VerdictError)) log(String(name), e);
    return { ok: false, error: toWireError(e) };
  }
}

/** Joins handler maps, refusing a name defined twice. */
export function mergeHandlers<T extends object>(...maps: T[]): T {
  const out: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [k, v] of Object.entries(map)) {
      if (k in out) throw new Error(`Handler ${k} is defined twice.`);
      out[k] = v;
    }
  }
  return out as T;
}
