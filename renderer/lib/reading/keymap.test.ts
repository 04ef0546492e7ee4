import { describe, expect, it } from 'vitest';
import { DEFAULT_KEYMAP, actionFor, answerDigit, completeKeymap, remapProblem } from './keymap';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({ key, ctrlKey: false, altKey: false, metaKey: false, ...mods });

describe('keymap', () => {
  it('matches keys to actions, letters in either case, never with Ctrl/Alt/Meta', () => {
    expect(actionFor(DEFAULT_KEYMAP, press('3'))).toBe('answer-3');
    expect(actionFor(DEFAULT_KEYMAP, press('ArrowRight'))).toBe('next');
    expect(actionFor(DEFAULT_KEYMAP, press('H'))).toBe('overlay-toggle');
    expect(actionFor(DEFAULT_KEYMAP, press('?'))).toBe('help');
    expect(actionFor(DEFAULT_KEYMAP, press('h', { ctrlKey: true }))).toBeNull();
    expect(actionFor(DEFAULT_KEYMAP, press('x'))).toBeNull();
  });

  it('completes a stored map with the defaults', () => {
    const m = completeKeymap({ next: 'j', bogus: 'q', previous: '' });
    expect(m.next).toBe('j');
    expect(m.previous).toBe(DEFAULT_KEYMAP.previous);
    expect(Object.keys(m)).not.toContain('bogus');
  });

  it('refuses a key another action, the viewer or the browser already uses', () => {
    expect(remapProblem(DEFAULT_KEYMAP, 'next', DEFAULT_KEYMAP.previous)).toMatch(/Previous trial/);
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'f')).toMatch(/viewer/);
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'Tab')).toMatch(/usual meaning/);
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'j')).toBeNull();
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'N')).toBeNull();
    expect(remapProblem(DEFAULT_KEYMAP, 'next', DEFAULT_KEYMAP.next)).toBeNull();
  });

  it('reads the digit of an answer action', () => {
    expect(answerDigit('answer-4')).toBe(4);
    expect(answerDigit('next')).toBeNull();
  });
});
