// What the focused element does with a key press, which decides whether a screen-wide key (a
// viewer's slice keys, a reading action) may act on it. Read from tag, type and role only, so the
// rules can be checked without a browser.

/**
 * typing: a text box, number box, select or editable text — every key is text;
 * arrows: a radio group, slider, listbox, menu, tab list — arrows, pages and Home/End move in it;
 * viewer: inside an image viewer (role application), which takes its own keys;
 * dialog: inside a dialog, which owns the keyboard while open;
 * free: anything else (a button, a heading, the page) — keys are free for the screen.
 */
export type FocusKind = 'typing' | 'arrows' | 'viewer' | 'dialog' | 'free';

/** The parts of an Element the rules read. */
export type FocusedElement = {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
};

/** Input types that take the keyboard as text (every key but Tab stays in them). */
const NOT_TEXT_INPUTS = ['radio', 'checkbox', 'range', 'button', 'submit', 'reset', 'image', 'color', 'file'];
const ARROW_ROLES =
  '[role=radiogroup], [role=slider], [role=listbox], [role=menu], [role=menubar], [role=tablist], [role=tree], [role=grid], [role=spinbutton]';

export function focusKind(el: FocusedElement | null): FocusKind {
  if (!el) return 'free';
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') ?? 'text').toLowerCase();
  if (tag === 'textarea' || tag === 'select' || el.isContentEditable === true) return 'typing';
  if (tag === 'input' && !NOT_TEXT_INPUTS.includes(type)) return 'typing';
  if (el.closest('[role=dialog], [role=alertdialog], dialog')) return 'dialog';
  if (el.closest('[role=application]')) return 'viewer';
  if (tag === 'input' && (type === 'radio' || type === 'range')) return 'arrows';
  if (el.closest(ARROW_ROLES)) return 'arrows';
  return 'free';
}

/** Keys that move within a focused control that moves with arrows. */
export const MOVE_KEYS: readonly string[] = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End'];

export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>;

/**
 * Whether a viewer on screen takes a key press it has a meaning for, wherever focus is: always
 * inside the viewer itself; never while typing, in a dialog, or inside another viewer; in a
 * control that moves with arrows, everything but the arrow-like keys (so a slider or a radio group
 * keeps them). Ctrl, Alt and Meta presses belong to the browser.
 */
export function viewerTakes(e: KeyPress, focus: FocusKind | 'other-viewer'): boolean {
  if (e.ctrlKey || e.altKey || e.metaKey) return false;
  switch (focus) {
    case 'viewer':
    case 'free':
      return true;
    case 'arrows':
      return !MOVE_KEYS.includes(e.key);
    default:
      return false;
  }
}
