import { describe, expect, it } from 'vitest';
import { press } from '../keys/press.testing';
import { DEFAULT_KEYMAP } from './keymap';
import { readingCommand } from './reading-keys';

describe('readingCommand', () => {
  it('answers by 1–9 and letters beyond, wherever focus is free', () => {
    expect(readingCommand(DEFAULT_KEYMAP, press('7'), 'free')).toEqual({ kind: 'answer', n: 7 });
    expect(readingCommand(DEFAULT_KEYMAP, press('9'), 'viewer')).toEqual({ kind: 'answer', n: 9 });
    expect(readingCommand(DEFAULT_KEYMAP, press('a'), 'free')).toEqual({ kind: 'answer', n: 10 });
    expect(readingCommand(DEFAULT_KEYMAP, press('h'), 'free')).toEqual({ kind: 'action', action: 'overlay-toggle' });
    expect(readingCommand(DEFAULT_KEYMAP, press('?'), 'arrows')).toEqual({ kind: 'action', action: 'help' });
  });

  it('leaves arrows to a focused scale or viewer, and moves on with them elsewhere', () => {
    expect(readingCommand(DEFAULT_KEYMAP, press('ArrowRight'), 'arrows')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('ArrowRight'), 'viewer')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('ArrowRight'), 'free')).toEqual({ kind: 'action', action: 'next' });
  });

  it('leaves a text field its keys, but Ctrl+Enter (⌘+Enter) moves on from it', () => {
    expect(readingCommand(DEFAULT_KEYMAP, press('ArrowRight'), 'typing')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('3'), 'typing')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('Enter'), 'typing')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('Enter', { ctrlKey: true }), 'typing')).toEqual({ kind: 'action', action: 'next' });
    expect(readingCommand(DEFAULT_KEYMAP, press('Enter', { metaKey: true }), 'typing')).toEqual({ kind: 'action', action: 'next' });
  });

  it('does nothing in a dialog or with Ctrl/Alt/Meta', () => {
    expect(readingCommand(DEFAULT_KEYMAP, press('1'), 'dialog')).toBeNull();
    expect(readingCommand(DEFAULT_KEYMAP, press('1', { ctrlKey: true }), 'free')).toBeNull();
  });
});
