// Time measured for a reader's timings: a stopwatch that runs only while something is true (the
// window is visible; the overlay is on screen), so a trial left open over lunch does not count
// as reading time.

export class Stopwatch {
  readonly #now: () => number;
  #total: number;
  #since: number | null = null;

  constructor(now: () => number = () => performance.now(), priorMs = 0) {
    this.#now = now;
    this.#total = priorMs;
  }

  /** Starts (true) or stops (false) the watch; repeating either is harmless. */
  run(on: boolean): void {
    if (on && this.#since === null) this.#since = this.#now();
    else if (!on && this.#since !== null) {
      this.#total += this.#now() - this.#since;
      this.#since = null;
    }
  }

  get running(): boolean {
    return this.#since !== null;
  }

  elapsed(): number {
    return Math.round(this.#total + (this.#since === null ? 0 : this.#now() - this.#since));
  }
}

/**
 * A trial's timings: time on the trial (window visible) and time from the trial appearing to the
 * reader's first answer on this visit.
 */
export class TrialClock {
  readonly onTrial: Stopwatch;
  readonly overlay: Stopwatch;
  #firstInputMs: number | null = null;

  constructor(now: () => number = () => performance.now(), prior: { onTrialMs?: number; overlayMs?: number } = {}) {
    this.onTrial = new Stopwatch(now, prior.onTrialMs ?? 0);
    this.overlay = new Stopwatch(now, prior.overlayMs ?? 0);
    this.onTrial.run(true);
  }

  /** The reader answered something: the first time fixes time-to-first-input. */
  input(): void {
    this.#firstInputMs ??= this.onTrial.elapsed();
  }

  /** The window was hidden or shown again: both watches pause with it. */
  visible(on: boolean, overlayShown: boolean): void {
    this.onTrial.run(on);
    this.overlay.run(on && overlayShown);
  }

  get timeToFirstInputMs(): number | null {
    return this.#firstInputMs;
  }
}
