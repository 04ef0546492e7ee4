// The reader's keys on a trial, looked at before the viewer sees them (so 1–9 answer a question
// even while the CT viewer, whose digits pick window presets, has focus). Typing in a text field
// or number box is left alone but for Ctrl+Enter, which moves on from it; so are keys with Ctrl,
// Alt or Meta, and a focused scale, slider or viewer keeps its arrow keys (the default
// next/previous are → and ←).
import type { KeyAction, KeyMap } from '../../../app/study';
import { OPACITY_STEP } from '../explain/overlay-keys';
import { MOVE_KEYS, focusKind, type FocusKind, type FocusedElement, type KeyPress } from '../keys/focus-kind';
import { actionFor, answerDigit, extraChoiceNumber } from './keymap';

export type ReadingKeyTarget = {
  digit: (n: number) => boolean;
  next: () => void;
  previous: () => void;
  toggleOverlay: () => void;
  opacity: (delta: number) => void;
  help: () => void;
};

/** What a key press asks of the trial: an action, or an answer by number (1–9 and letters beyond). */
export type ReadingCommand = { kind: 'action'; action: Exclude<KeyAction, `answer-${number}`> } | { kind: 'answer'; n: number };

/** Moves on from a text field, where → moves the caret: Ctrl+Enter (⌘+Enter on a Mac). */
export const MOVE_ON_FROM_TEXT = 'Ctrl+Enter';
const movesOnFromText = (e: KeyPress) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey;

/** The command a key press is, given what has focus; null leaves the key to the focused control. */
export function readingCommand(map: KeyMap, e: KeyPress, focus: FocusKind): ReadingCommand | null {
  if (focus === 'typing') return movesOnFromText(e) ? { kind: 'action', action: 'next' } : null;
  if (focus === 'dialog') return null;
  if (MOVE_KEYS.includes(e.key) && (focus === 'arrows' || focus === 'viewer')) return null;
  const action = actionFor(map, e);
  if (!action) {
    const n = extraChoiceNumber(map, e);
    return n === null ? null : { kind: 'answer', n };
  }
  const digit = answerDigit(action);
  return digit !== null ? { kind: 'answer', n: digit } : { kind: 'action', action: action as Exclude<KeyAction, `answer-${number}`> };
}

/** Runs the command a key press is; returns it (the caller stops the event) or null. */
export function readingKey(map: KeyMap, e: KeyboardEvent, target: ReadingKeyTarget): ReadingCommand | null {
  const c = readingCommand(map, e, focusKind(document.activeElement as unknown as FocusedElement | null));
  if (!c) return null;
  if (c.kind === 'answer') return target.digit(c.n) ? c : null;
  const a = c.action;
  if (a === 'next') {
    // Leaving a text field: its answer is flushed by its blur before the next trial opens.
    (document.activeElement as HTMLElement | null)?.blur?.();
    target.next();
  } else if (a === 'previous') target.previous();
  else if (a === 'overlay-toggle') target.toggleOverlay();
  else if (a === 'opacity-up') target.opacity(OPACITY_STEP);
  else if (a === 'opacity-down') target.opacity(-OPACITY_STEP);
  else target.help();
  return c;
}
