// The reader's keys on a trial, looked at before the viewer sees them (so 1–9 answer a question
// even while the CT viewer, whose digits pick window presets, has focus). Typing in a text field
// or number box is left alone, as are keys with Ctrl, Alt or Meta, and a focused scale, slider or
// viewer keeps its arrow keys (the default next/previous are → and ←).
import type { KeyAction, KeyMap } from '../../../app/study';
import { OPACITY_STEP } from '../explain/overlay-keys';
import { MOVE_KEYS, actionFor, answerDigit, extraChoiceNumber } from './keymap';

export type ReadingKeyTarget = {
  digit: (n: number) => boolean;
  next: () => void;
  previous: () => void;
  toggleOverlay: () => void;
  opacity: (delta: number) => void;
  help: () => void;
};

/** Elements where a key is text being typed, not a command. */
export function isTyping(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) return !['radio', 'checkbox', 'range', 'button', 'submit'].includes(el.type);
  return (el as HTMLElement).isContentEditable === true;
}

/** Elements that move something with the arrow keys: a radio group, a slider, a viewer. */
export function movesWithArrows(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'range')) return true;
  return el.closest('[role=application], [role=slider], [role=radiogroup]') !== null;
}

/** Runs the action a key press maps to; returns it (the caller stops the event) or null. */
export function readingKey(map: KeyMap, e: KeyboardEvent, target: ReadingKeyTarget): KeyAction | 'answer-letter' | null {
  const focused = document.activeElement;
  if (isTyping(focused) || (MOVE_KEYS.includes(e.key) && movesWithArrows(focused))) return null;
  const action = actionFor(map, e);
  if (!action) {
    // Options beyond nine answer by letters; the returned action names the press as an answer.
    const n = extraChoiceNumber(map, e);
    return n !== null && target.digit(n) ? 'answer-letter' : null;
  }
  const digit = answerDigit(action);
  if (digit !== null) return target.digit(digit) ? action : null;
  if (action === 'next') target.next();
  else if (action === 'previous') target.previous();
  else if (action === 'overlay-toggle') target.toggleOverlay();
  else if (action === 'opacity-up') target.opacity(OPACITY_STEP);
  else if (action === 'opacity-down') target.opacity(-OPACITY_STEP);
  else target.help();
  return action;
}
