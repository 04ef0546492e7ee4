import { describe, expect, it } from 'vitest';
import { ctKeyAction } from '../ct/ct-keys';
import { overlayKeyAction } from './overlay-keys';

describe('overlayKeyAction', () => {
  it('maps H, [, ], F on key down and B on down and up', () => {
    expect(overlayKeyAction('h', true)).toEqual({ kind: 'toggle' });
    expect(overlayKeyAction('H', true)).toEqual({ kind: 'toggle' });
    expect(overlayKeyAction(']', true)).toEqual({ kind: 'opacity', delta: 0.1 });
    expect(overlayKeyAction('[', true)).toEqual({ kind: 'opacity', delta: -0.1 });
    expect(overlayKeyAction('f', true)).toEqual({ kind: 'flicker' });
    expect(overlayKeyAction('b', true)).toEqual({ kind: 'hold', pressed: true });
    expect(overlayKeyAction('B', false)).toEqual({ kind: 'hold', pressed: false });
    expect(overlayKeyAction('h', false)).toBeNull();
    expect(overlayKeyAction('x', true)).toBeNull();
  });

  it('takes no key the CT viewer already uses', () => {
    for (const k of ['h', 'H', '[', ']', 'f', 'F', 'b', 'B']) expect(ctKeyAction(k), k).toBeNull();
  });
});
