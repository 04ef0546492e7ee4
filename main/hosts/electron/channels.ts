export const CALL_CHANNEL = 'verdict:call';
export const EVENT_CHANNEL = 'verdict:event';
/** The renderer is served from this privileged scheme, never from file:// or the network. */
export const APP_SCHEME = 'verdict-app';
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;
