import { describe, expect, it } from 'vitest';
import { PAGE_STEP, ctKeyAction } from './ct-keys';

describe('ctKeyAction', () => {
  it('steps slices with arrows and pages, jumps with Home/End', () => {
    expect(ctKeyAction('ArrowDown')).toEqual({ kind: 'step', delta: 1 });
    expect(ctKeyAction('ArrowUp')).toEqual({ kind: 'step', delta: -1 });
    expect(ctKeyAction('PageDown')).toEqual({ kind: 'step', delta: PAGE_STEP });
    expect(ctKeyAction('PageUp')).toEqual({ kind: 'step', delta: -PAGE_STEP });
    expect(ctKeyAction('Home')).toEqual({ kind: 'first' });
    expect(ctKeyAction('End')).toEqual({ kind: 'last' });
  });

  it('maps digits to presets, R to reset, and ignores other keys', () => {
    expect(ctKeyAction('2')).toMatchObject({ kind: 'preset', preset: { id: 'mediastinum' } });
    expect(ctKeyAction('r')).toEqual({ kind: 'reset' });
    expect(ctKeyAction('x')).toBeNull();
    expect(ctKeyAction('Tab')).toBeNull();
  });
});
