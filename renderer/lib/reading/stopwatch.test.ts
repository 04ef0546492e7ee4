import { describe, expect, it } from 'vitest';
import { Stopwatch, TrialClock } from './stopwatch';

describe('Stopwatch and TrialClock', () => {
  it('counts only while running, on top of earlier visits', () => {
    let t = 0;
    const w = new Stopwatch(() => t, 500);
    w.run(true);
    t = 100;
    w.run(false);
    t = 1000;
    expect(w.elapsed()).toBe(600);
    w.run(true);
    w.run(true);
    t = 1050;
    expect(w.elapsed()).toBe(650);
  });

  it('times the first input and pauses while the window is hidden', () => {
    let t = 0;
    const c = new TrialClock(() => t, { onTrialMs: 1000 });
    c.overlay.run(true);
    t = 200;
    c.visible(false, true);
    t = 10_000;
    c.visible(true, true);
    t = 10_300;
    c.input();
    t = 10_400;
    c.input();
    expect(c.timeToFirstInputMs).toBe(1500);
    expect(c.onTrial.elapsed()).toBe(1600);
    expect(c.overlay.elapsed()).toBe(600);
  });
});
