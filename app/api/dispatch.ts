// The single entry point both hosts call: validate the arguments against the endpoint's schema,
// run the handler, and turn any failure into a WireError. No host does anything else.
import { endpoints, type EndpointName, type Handlers } from './index';
import type { CallContext } from './endpoint';
import { VerdictError, toWireError, type WireError } from '../errors';

export type CallResult = { ok: true; data: unknown } | { ok: false; error: WireError };

export type DispatchLog = (name: string, error: unknown) => void;

const isEndpointName = (name: unknown): name is EndpointName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(endpoints, name);

export async function dispatch(
  handlers: Handlers,
  caller: CallContext,
  name: unknown,
  args: unknown,
  log: DispatchLog = () => {},
): Promise<CallResult> {
  try {
    if (!isEndpointName(name))
      throw new VerdictError('api.unknown-method', `Unknown API method ${JSON.stringify(String(name)).slice(0, 80)}.`);
    const { access } = endpoints[name];
    if (!caller.allows(access)) {
      throw new VerdictError(
        'api.unauthorised',
        access === 'reader' ? `${name}: sign in first.` : `${name} is for the study coordinator (an admin).`,
        { method: name },
      );
    }
    const parsed = endpoints[name].input.safeParse(args ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? issue.path.join('.') : '(arguments)';
      throw new VerdictError('api.invalid-args', `${name}: invalid ${field}: ${issue.message}`, { method: name, field });
    }
    const handler = handlers[name] as (a: unknown, c: CallContext) => unknown;
    return { ok: true, data: await handler(parsed.data, caller) };
  } catch (e) {
    if (!(e instanceof VerdictError)) log(String(name), e);
    const error = toWireError(e);
    return { ok: false, error: caller.allows('staff') ? error : forReader(error) };
  }
}

/** Detail a reader's side may use: about their own reading and signing in, never about what was computed. */
const READER_DETAIL = new Set(['retryAfterMs', 'field', 'questionId', 'trialId', 'position', 'studyId']);

/**
 * What a reader's connection hears of a failure: only the detail fields above (others may name a
 * model, a method, a target or a file) and, for a missing or changed file, no path (paths name
 * datasets and patients).
 */
function forReader(e: WireError): WireError {
  if (e.code === 'file.not-found' || e.code === 'file.changed')
    return { code: e.code, message: 'An image of this case cannot be read on this workstation; tell the study coordinator.' };
  const detail = Object.fromEntries(Object.entries(e.detail ?? {}).filter(([k]) => READER_DETAIL.has(k)));
  return { code: e.code, message: e.message, ...(Object.keys(detail).length ? { detail } : {}) };
}
