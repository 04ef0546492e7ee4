import { describe, expect, it } from 'vitest';
import { UnsavedAnswers, sameValue } from './unsaved-answers';

/** A Map-backed Storage. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

const ctx = { displayState: {}, timings: { timeToFirstInputMs: null, timeOnTrialMs: 10 } };

describe('UnsavedAnswers', () => {
  it('keeps the newest unacknowledged answer per trial and question, per reader and study', () => {
    const storage = memoryStorage();
    const mine = new UnsavedAnswers(storage, 1, 7);
    const j = mine.journal(30, 4);
    j.write('trust', { value: 2, ctx });
    j.write('trust', { value: 3, ctx });
    j.write('why', { value: 'x', ctx });
    expect(mine.all().map((a) => [a.trialId, a.position, a.questionId, a.value])).toEqual([
      [30, 4, 'trust', 3],
      [30, 4, 'why', 'x'],
    ]);
    // Another reader (or study) on the same workstation sees none of them.
    expect(new UnsavedAnswers(storage, 2, 7).all()).toEqual([]);
    // A fresh object (the next visit) reads them back.
    expect(new UnsavedAnswers(storage, 1, 7).all()).toHaveLength(2);
    j.remove('trust');
    j.remove('why');
    expect(storage.length).toBe(0);
  });

  it('works without storage', () => {
    const none = new UnsavedAnswers(null, 1, 1);
    none.journal(1, 0).write('q', { value: 1, ctx });
    expect(none.all()).toEqual([]);
  });

  it('compares answer values structurally', () => {
    expect(sameValue({ shape: 'box', x0: 1, y0: 2 }, { y0: 2, x0: 1, shape: 'box' })).toBe(true);
    expect(sameValue(['a'], ['a', 'b'])).toBe(false);
  });
});
