// Keys for the explanation overlay, shared by the CT and dermoscopy viewers. None of them is a
// key either viewer already uses (arrows, pages, Home/End, +/−, 0, R, digits).

export type OverlayKeyAction =
  { kind: 'toggle' } | { kind: 'opacity'; delta: number } | { kind: 'flicker' } | { kind: 'hold'; pressed: boolean };

export const OPACITY_STEP = 0.1;

/** The action for a key going down (`pressed`) or up; only "hold B" acts on release. */
export function overlayKeyAction(key: string, pressed: boolean): OverlayKeyAction | null {
  const k = key.length === 1 ? key.toLowerCase() : key;
  if (k === 'b') return { kind: 'hold', pressed };
  if (!pressed) return null;
  switch (k) {
    case 'h':
      return { kind: 'toggle' };
    case ']':
      return { kind: 'opacity', delta: OPACITY_STEP };
    case '[':
      return { kind: 'opacity', delta: -OPACITY_STEP };
    case 'f':
      return { kind: 'flicker' };
    default:
      return null;
  }
}

export const OVERLAY_KEY_HELP = 'H: heatmap on/off · [ / ]: heatmap opacity −/+ · F: flicker A/B · hold B: show map B';
