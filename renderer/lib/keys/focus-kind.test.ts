import { describe, expect, it } from 'vitest';
import { press } from './press.testing';
import { focusKind, viewerTakes, type FocusedElement } from './focus-kind';

/** A stand-in element: its tag, attributes, and the roles of itself and its ancestors. */
function el(tag: string, attrs: Record<string, string> = {}, within: string[] = [], editable = false): FocusedElement {
  const roles = [attrs.role, ...within].filter(Boolean);
  return {
    tagName: tag.toUpperCase(),
    isContentEditable: editable,
    getAttribute: (n) => attrs[n] ?? null,
    closest: (selector) => {
      const wanted = selector.split(',').map((s) => s.trim());
      return roles.some((r) => wanted.includes(`[role=${r}]`) || wanted.includes(r)) ? {} : null;
    },
  };
}

describe('focusKind', () => {
  it('knows text being typed', () => {
    expect(focusKind(el('textarea'))).toBe('typing');
    expect(focusKind(el('input'))).toBe('typing');
    expect(focusKind(el('input', { type: 'number' }))).toBe('typing');
    expect(focusKind(el('select'))).toBe('typing');
    expect(focusKind(el('div', {}, [], true))).toBe('typing');
  });

  it('knows controls that move with arrows, viewers and dialogs', () => {
    expect(focusKind(el('input', { type: 'radio' }))).toBe('arrows');
    expect(focusKind(el('input', { type: 'range' }))).toBe('arrows');
    expect(focusKind(el('div', { role: 'slider' }))).toBe('arrows');
    expect(focusKind(el('label', {}, ['radiogroup']))).toBe('arrows');
    expect(focusKind(el('div', { role: 'application' }))).toBe('viewer');
    expect(focusKind(el('button', {}, ['dialog']))).toBe('dialog');
  });

  it('leaves buttons, headings, checkboxes and nothing free', () => {
    expect(focusKind(el('button'))).toBe('free');
    expect(focusKind(el('h1'))).toBe('free');
    expect(focusKind(el('input', { type: 'checkbox' }))).toBe('free');
    expect(focusKind(null)).toBe('free');
  });
});

describe('viewerTakes', () => {
  it('takes its keys with focus anywhere free — after a wheel scroll focus is not in the viewer', () => {
    for (const key of ['Home', 'End', 'ArrowUp', 'PageDown', '1', 'r']) {
      expect(viewerTakes(press(key), 'free')).toBe(true);
      expect(viewerTakes(press(key), 'viewer')).toBe(true);
    }
  });

  it('leaves arrows, pages and Home/End to a slider or radio group, but takes its other keys there', () => {
    expect(viewerTakes(press('ArrowUp'), 'arrows')).toBe(false);
    expect(viewerTakes(press('Home'), 'arrows')).toBe(false);
    expect(viewerTakes(press('r'), 'arrows')).toBe(true);
  });

  it('never takes a key while typing, in a dialog, in another viewer, or with Ctrl/Alt/Meta', () => {
    expect(viewerTakes(press('End'), 'typing')).toBe(false);
    expect(viewerTakes(press('End'), 'dialog')).toBe(false);
    expect(viewerTakes(press('End'), 'other-viewer')).toBe(false);
    expect(viewerTakes(press('End', { ctrlKey: true }), 'free')).toBe(false);
    expect(viewerTakes(press('ArrowDown', { altKey: true }), 'viewer')).toBe(false);
  });
});
