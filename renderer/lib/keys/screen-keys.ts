// The keys of each screen, as the "?" help lists them. One list per viewer, so the workstation's
// help and the reading view's help say the same thing about the same viewer.
import { PAGE_STEP } from '../ct/ct-keys';
import { WINDOW_PRESETS } from '../ct/window-presets';
import { JUMP_KEY } from '../explain/off-slice';

export type KeyRow = { keys: string; does: string };
export type KeySection = { title: string; rows: readonly KeyRow[] };
/** What the workstation shows: a CT case, a dermoscopy case, or no image. */
export type WorkstationScreen = 'ct' | 'dermo' | 'none';

export const CT_KEYS: readonly KeyRow[] = [
  { keys: '↑ ↓ ← → · wheel', does: 'Previous / next slice' },
  { keys: 'PgUp PgDn', does: `${PAGE_STEP} slices back / on` },
  { keys: 'Home End', does: 'First / last slice' },
  { keys: WINDOW_PRESETS.map((p) => p.key).join(' '), does: `Window: ${WINDOW_PRESETS.map((p) => p.label).join(' / ')}` },
  { keys: '+ −', does: 'Zoom in / out' },
  { keys: 'R · 0', does: 'Reset zoom, pan and window' },
  { keys: 'drag · Shift-drag · Ctrl-drag', does: 'Window/level · pan · zoom' },
];

export const DERMO_KEYS: readonly KeyRow[] = [
  { keys: '+ − · wheel', does: 'Zoom in / out' },
  { keys: '↑ ↓ ← → · drag', does: 'Pan' },
  { keys: '0 · R', does: 'Fit the image' },
];

export const EXPLANATION_KEYS: readonly KeyRow[] = [
  { keys: 'H', does: 'Explanation on / off' },
  { keys: '[ ]', does: 'Explanation opacity − / +' },
  { keys: 'F', does: 'Flicker between maps A and B' },
  { keys: 'hold B', does: 'Show map B' },
];

export const JUMP_ROW: KeyRow = { keys: JUMP_KEY.toUpperCase(), does: 'Go to the slice the explanation was computed on' };

export const PAGE_KEYS: readonly KeyRow[] = [
  { keys: '?', does: 'These keys' },
  { keys: 'Tab', does: 'Next control; the first Tab offers “Skip to image”' },
  { keys: 'Esc', does: 'Close a dialog' },
];

/** The sections of the workstation's help for what it shows. */
export function workstationKeys(screen: WorkstationScreen): KeySection[] {
  const page: KeySection = { title: 'Page', rows: PAGE_KEYS };
  if (screen === 'none') return [page];
  const viewer: KeySection = screen === 'ct' ? { title: 'CT viewer', rows: CT_KEYS } : { title: 'Dermoscopy viewer', rows: DERMO_KEYS };
  const explanation: KeySection = {
    title: 'Explanation overlay',
    rows: screen === 'ct' ? [...EXPLANATION_KEYS, JUMP_ROW] : EXPLANATION_KEYS,
  };
  return [viewer, explanation, page];
}

/** Whether a key press opens the help: "?", without Ctrl, Alt or Meta (Shift makes the "?"). */
export const opensHelp = (e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): boolean =>
  e.key === '?' && !e.ctrlKey && !e.altKey && !e.metaKey;
