import { describe, expect, it } from 'vitest';
import { KEYMAP_BEFORE_ANSWERS_6_TO_9 } from '../../../tests/support/old-keymap';
import { press } from '../keys/press.testing';
import {
  DEFAULT_KEYMAP,
  actionFor,
  answerDigit,
  choiceKey,
  completeKeymap,
  extraChoiceLetters,
  extraChoiceNumber,
  remapProblem,
} from './keymap';

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
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'j')).toMatch(/viewer/);
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'k')).toBeNull();
    expect(remapProblem(DEFAULT_KEYMAP, 'next', 'N')).toBeNull();
    expect(remapProblem(DEFAULT_KEYMAP, 'next', DEFAULT_KEYMAP.next)).toBeNull();
  });

  it('answers with 1–9 by default, each remappable', () => {
    for (let n = 1; n <= 9; n++) expect(actionFor(DEFAULT_KEYMAP, press(String(n)))).toBe(`answer-${n}`);
    expect(actionFor({ ...DEFAULT_KEYMAP, 'answer-7': 'y' }, press('Y'))).toBe('answer-7');
    expect(actionFor({ ...DEFAULT_KEYMAP, 'answer-7': 'y' }, press('7'))).toBeNull();
  });

  it('loads a map stored before answers 6–9: new actions take their defaults unless the reader used that key', () => {
    const old = KEYMAP_BEFORE_ANSWERS_6_TO_9;
    const m = completeKeymap(old);
    expect(m.next).toBe('6');
    expect(m['answer-6']).toBe('');
    expect(m['answer-7']).toBe('7');
    // An unbound action matches no key, and '6' still moves on.
    expect(actionFor(m, press('6'))).toBe('next');
    expect(choiceKey(m, 5)).toBeNull();
  });

  it('gives options beyond nine letters no action or viewer uses', () => {
    const letters = extraChoiceLetters(DEFAULT_KEYMAP);
    for (const used of ['h', 'f', 'b', 'r', 'j', 'c']) expect(letters).not.toContain(used);
    expect(letters.slice(0, 3)).toEqual(['a', 'd', 'e']);
    expect([0, 6, 8, 9, 10].map((i) => choiceKey(DEFAULT_KEYMAP, i))).toEqual(['1', '7', '9', 'a', 'd']);
    expect(extraChoiceNumber(DEFAULT_KEYMAP, press('D'))).toBe(11);
    expect(extraChoiceNumber(DEFAULT_KEYMAP, press('h'))).toBeNull();
    expect(extraChoiceNumber(DEFAULT_KEYMAP, press('a', { ctrlKey: true }))).toBeNull();
    // A letter the reader binds leaves the list.
    expect(extraChoiceLetters({ ...DEFAULT_KEYMAP, next: 'a' })[0]).toBe('d');
  });

  it('reads the digit of an answer action', () => {
    expect(answerDigit('answer-4')).toBe(4);
    expect(answerDigit('answer-9')).toBe(9);
    expect(answerDigit('next')).toBeNull();
  });
});
