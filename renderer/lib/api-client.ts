// The typed API as the renderer's state classes use it: `api.call('cases.get', { caseId })`.
// A failed call throws ApiError carrying the stable error code from main.
import type { Bridge } from '../../app/bridge';
import type { ArgsOf, EndpointName, ResultOf } from '../../app/api';
import type { ErrorCode, WireError } from '../../app/errors';
import type { EventName, Events } from '../../app/events';
import { connectWsBridge } from './ws-bridge';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail?: Record<string, string | number>;
  constructor(error: WireError) {
    super(error.message);
    this.code = error.code;
    this.detail = error.detail;
  }
}

export class ApiClient {
  readonly #bridge: Bridge;
  constructor(bridge: Bridge) {
    this.#bridge = bridge;
  }
  async call<N extends EndpointName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
    const result = await this.#bridge.call(name, args);
    if (!result.ok) throw new ApiError(result.error);
    return result.data as ResultOf<N>;
  }
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.#bridge.on(event, listener);
  }
}

declare global {
  interface Window {
    verdict?: Bridge;
  }
}

/** Electron's preload provides `window.verdict`; otherwise connect to the loopback host. */
export async function connectApi(): Promise<ApiClient> {
  if (window.verdict) return new ApiClient(window.verdict);
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api`;
  return new ApiClient(await connectWsBridge(wsUrl));
}
