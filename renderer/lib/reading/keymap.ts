// A reader's keys: which key does which reading action, how a key press is matched, and how a
// remapping is checked. The map itself is stored per reader by main (reading.keymap), starting
// from the contract's DEFAULT_KEYMAP.
import { DEFAULT_KEYMAP, KEY_ACTIONS, type KeyAction, type KeyMap } from '../../../app/study';

export { DEFAULT_KEYMAP, KEY_ACTIONS };

export const ACTION_LABELS: Record<KeyAction, string> = {
  'answer-1': 'Answer 1', 'answer-2': 'Answer 2', 'answer-3': 'Answer 3', 'answer-4': 'Answer 4', 'answer-5': 'Answer 5',
  next: 'Next trial', previous: 'Previous trial', 'overlay-toggle': 'Explanation on/off',
  'opacity-up': 'Explanation opacity +', 'opacity-down': 'Explanation opacity −', help: 'Keys (this help)',
};

/** Keys that keep their browser meaning (focus, leaving a dialog, typing modifiers). */
const RESERVED = new Set(['Tab', 'Escape', 'Enter', ' ', 'Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Dead', 'Unidentified']);

/** Keys that move within the focused control (a scale, a slider, a viewer): there they keep that meaning. */
export const MOVE_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End'];

/** The comparison keys (flicker, hold B) and the viewers' own letters, which a reading action would hide. */
const VIEWER_LETTERS: readonly string[] = ['+', '=', '-', '0', 'r', 'f', 'b'];

/** Letters match either case, so Caps Lock does not change what a key does. */
export const normaliseKey = (key: string): string => (key.length === 1 ? key.toLowerCase() : key);

/** A stored map completed with the defaults for any action it lacks. */
export function completeKeymap(stored: Partial<Record<string, string>> | null | undefined): KeyMap {
  const out = { ...DEFAULT_KEYMAP };
  for (const a of KEY_ACTIONS) {
    const k = stored?.[a];
    if (typeof k === 'string' && k.length > 0) out[a] = k;
  }
  return out;
}

/** The action a key press triggers, or null. Presses with Ctrl, Alt or Meta belong to the browser. */
export function actionFor(map: KeyMap, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): KeyAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  const key = normaliseKey(e.key);
  return KEY_ACTIONS.find((a) => normaliseKey(map[a]) === key) ?? null;
}

/** Why `key` cannot do `action`, or null when it can. */
export function remapProblem(map: KeyMap, action: KeyAction, key: string): string | null {
  if (RESERVED.has(key)) return `${describeKey(key)} keeps its usual meaning and cannot be assigned.`;
  if (VIEWER_LETTERS.includes(normaliseKey(key))) return `${describeKey(key)} is used by the viewer.`;
  const taken = KEY_ACTIONS.find((a) => a !== action && normaliseKey(map[a]) === normaliseKey(key));
  return taken ? `${describeKey(key)} already does “${ACTION_LABELS[taken]}”.` : null;
}

/** How a key is written in the help: the character, or a name for the invisible ones. */
export function describeKey(key: string): string {
  const names: Record<string, string> = { ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓' };
  return names[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

/** Digit of an answer action: 'answer-3' → 3. */
export const answerDigit = (a: KeyAction): number | null => (a.startsWith('answer-') ? Number(a.slice(7)) : null);
