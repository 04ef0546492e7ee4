// Completing a reader's stored key map with the defaults, shared by main (which stores it) and the
// renderer (which applies it). Maps stored before an action existed still load: the new action
// gets its default key unless the reader already gave that key to another action, in which case it
// stays unbound ('') rather than taking the reader's key away.
import { DEFAULT_KEYMAP, KEY_ACTIONS, type KeyMap } from './study';

/** The key an action has no key: it matches no key press. */
export const UNBOUND = '';

export function completeKeymap(stored: Partial<Record<string, unknown>> | null | undefined): KeyMap {
  const out = { ...DEFAULT_KEYMAP };
  const chosen = new Set<string>();
  for (const a of KEY_ACTIONS) {
    const k = stored?.[a];
    if (typeof k === 'string' && k.length > 0) {
      out[a] = k;
      chosen.add(k.length === 1 ? k.toLowerCase() : k);
    }
  }
  for (const a of KEY_ACTIONS) {
    const k = stored?.[a];
    const own = typeof k === 'string' && k.length > 0;
    const d = DEFAULT_KEYMAP[a];
    if (!own && chosen.has(d.length === 1 ? d.toLowerCase() : d)) out[a] = UNBOUND;
  }
  return out;
}
