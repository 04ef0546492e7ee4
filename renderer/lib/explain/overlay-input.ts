// Overlay keys as both viewers forward them: the overlay state handles the key, and asking to
// see map B (flicker, hold B) computes B first if it is not there yet.
import type { ExplainState } from './explain-state.svelte';
import type { OverlayState } from './overlay-state.svelte';

export function overlayKey(overlay: OverlayState, explain: ExplainState | null, key: string, pressed: boolean): boolean {
  if (!overlay.key(key, pressed)) return false;
  const wantsB = overlay.holdingB || overlay.compare !== 'off';
  if (wantsB && explain?.mapA && !explain.mapB && explain.running === null) void explain.runCompare();
  return true;
}
