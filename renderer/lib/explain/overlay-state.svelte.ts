// How the explanation overlay is shown: its style (applied as one object), whether it is on,
// and how map A is compared with map B — flicker (alternating at a rate, or while B is held)
// or swipe (A left of a divider, B right of it). It calls no API: which maps exist is the
// explain state's business; this only decides which one is on screen.
import { overlayKeyAction } from './overlay-keys';
import { DEFAULT_STYLE, normaliseStyle, type OverlayStyle } from './overlay-style';

/** off: A only; b: B only (a reader's blinded comparison); flicker; swipe. */
export type CompareMode = 'off' | 'b' | 'flicker' | 'swipe';
/** Flicker rates offered; 0 = only while B is held. */
export const FLICKER_RATES: readonly number[] = [0, 1, 2, 4];

export class OverlayState {
  style = $state.raw<OverlayStyle>(DEFAULT_STYLE);
  visible = $state(true);
  compare = $state<CompareMode>('off');
  flickerHz = $state(2);
  /** Swipe divider, as a share of the viewer's width from the left. */
  split = $state(0.5);
  #phaseB = $state(false);
  #holdingB = $state(false);
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Starts from `style`: the modality's default (defaultStyleFor). */
  constructor(style: OverlayStyle = DEFAULT_STYLE) {
    this.style = normaliseStyle(style);
  }

  /** Map B is on screen instead of A (flicker phase or B held). */
  get showingB(): boolean {
    return this.#holdingB || this.compare === 'b' || (this.compare === 'flicker' && this.#phaseB);
  }

  get holdingB(): boolean {
    return this.#holdingB;
  }

  /** Replaces the style as a whole; the overlay rebuilds its transfer function from it. */
  applyStyle(style: OverlayStyle): void {
    this.style = normaliseStyle(style);
  }

  setStyle(patch: Partial<OverlayStyle>): void {
    this.applyStyle({ ...this.style, ...patch });
  }

  toggle(): void {
    this.visible = !this.visible;
  }

  setCompare(mode: CompareMode): void {
    this.compare = mode;
    this.#restartTimer();
  }

  setFlickerRate(hz: number): void {
    this.flickerHz = hz;
    this.#restartTimer();
  }

  setSplit(share: number): void {
    this.split = Math.min(1, Math.max(0, share));
  }

  hold(pressed: boolean): void {
    this.#holdingB = pressed;
  }

  /** Handles an overlay key going down or up; false for keys it does not use. */
  key(key: string, pressed: boolean): boolean {
    const a = overlayKeyAction(key, pressed);
    if (!a) return false;
    if (a.kind === 'toggle') this.toggle();
    else if (a.kind === 'opacity') this.setStyle({ opacity: Math.round((this.style.opacity + a.delta) * 100) / 100 });
    else if (a.kind === 'flicker') this.setCompare(this.compare === 'flicker' ? 'off' : 'flicker');
    else this.hold(a.pressed);
    return true;
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Every change of mode or rate starts again from A. */
  #restartTimer(): void {
    this.dispose();
    this.#phaseB = false;
    if (this.compare !== 'flicker' || this.flickerHz <= 0) return;
    // One full A→B→A cycle per 1/hz seconds: each map shows for half of it.
    this.#timer = setInterval(() => (this.#phaseB = !this.#phaseB), 500 / this.flickerHz);
  }
}
