// Keyboard map of the CT viewer (when it has focus), as radiologists expect from a PACS:
// arrows step one slice, PageUp/PageDown ten, Home/End the ends; digits pick window presets.
import { WINDOW_PRESETS, type WindowPreset } from './window-presets';

export type CtKeyAction =
  | { kind: 'step'; delta: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'preset'; preset: WindowPreset }
  | { kind: 'zoom'; factor: number }
  | { kind: 'reset' };

export const PAGE_STEP = 10;

export function ctKeyAction(key: string): CtKeyAction | null {
  switch (key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      return { kind: 'step', delta: -1 };
    case 'ArrowDown':
    case 'ArrowRight':
      return { kind: 'step', delta: 1 };
    case 'PageUp':
      return { kind: 'step', delta: -PAGE_STEP };
    case 'PageDown':
      return { kind: 'step', delta: PAGE_STEP };
    case 'Home':
      return { kind: 'first' };
    case 'End':
      return { kind: 'last' };
    case '+':
    case '=':
      return { kind: 'zoom', factor: 1.25 };
    case '-':
      return { kind: 'zoom', factor: 0.8 };
    case 'r':
    case 'R':
    case '0':
      return { kind: 'reset' };
    default: {
      const preset = WINDOW_PRESETS.find((p) => p.key === key);
      return preset ? { kind: 'preset', preset } : null;
    }
  }
}

export const CT_KEY_HELP =
  'Wheel/↑↓: slice · PgUp/PgDn: ±10 · Home/End · drag: W/L · Shift/middle-drag: pan · Ctrl/right-drag: zoom · 1–3: presets · R: reset';
