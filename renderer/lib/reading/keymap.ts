// A reader's keys: which key does which reading action, how a key press is matched, and how a
// remapping is checked. The map itself is stored per reader by main (reading.keymap), starting
// from the contract's DEFAULT_KEYMAP.
import { DEFAULT_KEYMAP, KEY_ACTIONS, type KeyAction, type KeyMap } from '../../../app/study';
import { completeKeymap, UNBOUND } from '../../../app/keymap';

export { DEFAULT_KEYMAP, KEY_ACTIONS, completeKeymap };

export const ACTION_LABELS: Record<KeyAction, string> = {
  'answer-1': 'Answer 1',
  'answer-2': 'Answer 2',
  'answer-3': 'Answer 3',
  'answer-4': 'Answer 4',
  'answer-5': 'Answer 5',
  'answer-6': 'Answer 6',
  'answer-7': 'Answer 7',
  'answer-8': 'Answer 8',
  'answer-9': 'Answer 9',
  next: 'Next trial',
  previous: 'Previous trial',
  'overlay-toggle': 'Explanation on/off',
  'opacity-up': 'Explanation opacity +',
  'opacity-down': 'Explanation opacity −',
  help: 'Keys (this help)',
};

/** Keys that keep their browser meaning (focus, leaving a dialog, typing modifiers). */
const RESERVED = new Set(['Tab', 'Escape', 'Enter', ' ', 'Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Dead', 'Unidentified']);

/**
 * The comparison keys (flicker, hold B), the viewers' own letters (R reset, J jump to the
 * explanation's slice) and C (closes an evidence outline), which a reading action would hide.
 */
const VIEWER_LETTERS: readonly string[] = ['+', '=', '-', '0', 'r', 'f', 'b', 'j', 'c'];

/** Letters match either case, so Caps Lock does not change what a key does. */
export const normaliseKey = (key: string): string => (key.length === 1 ? key.toLowerCase() : key);

/** The action a key press triggers, or null. Presses with Ctrl, Alt or Meta belong to the browser. */
export function actionFor(map: KeyMap, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): KeyAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  const key = normaliseKey(e.key);
  return KEY_ACTIONS.find((a) => map[a] !== UNBOUND && normaliseKey(map[a]) === key) ?? null;
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
  const names: Record<string, string> = { [UNBOUND]: '—', ' ': 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓' };
  return names[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

/** Digit of an answer action: 'answer-3' → 3. */
export const answerDigit = (a: KeyAction): number | null => (a.startsWith('answer-') ? Number(a.slice(7)) : null);

/** Letters that answer a list's 10th, 11th, … option: a–z less any the reader or a viewer uses. */
export function extraChoiceLetters(map: KeyMap): string[] {
  const taken = new Set([...KEY_ACTIONS.map((a) => normaliseKey(map[a])), ...VIEWER_LETTERS]);
  return [...'abcdefghijklmnopqrstuvwxyz'].filter((c) => !taken.has(c));
}

/** The key that answers option `i` (0-based) of a list: the answer-(i+1) key up to nine, then a letter. */
export function choiceKey(map: KeyMap, i: number): string | null {
  if (i < 9) {
    const k = map[`answer-${i + 1}` as KeyAction];
    return k === UNBOUND ? null : k;
  }
  return extraChoiceLetters(map)[i - 9] ?? null;
}

/** The option number (10, 11, …) a letter beyond the nine answer keys picks, or null. */
export function extraChoiceNumber(map: KeyMap, e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): number | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  const i = extraChoiceLetters(map).indexOf(normaliseKey(e.key));
  return i < 0 ? null : 10 + i;
}
