// Zoom and pan of the dermoscopy viewer as reactive state: wheel zooms about the cursor, drag
// pans, keys zoom/pan/reset. Until the reader zooms or pans, the image stays fitted to the box.
import { affineProjector, type Projector } from '../ct/projection';
import { fitView, panBy, zoomAt, type Size, type View } from './pan-zoom';

const WHEEL_STEP = 1.15;
const KEY_PAN = 40;

export class DermoViewState {
  view = $state<View>({ scale: 1, tx: 0, ty: 0 });
  #box: Size = { width: 0, height: 0 };
  #image: Size = { width: 0, height: 0 };
  #fitScale = $state(1);
  #touched = false;
  /** Zoom relative to "fit" (1 = whole image in view). */
  readonly zoom = $derived(this.view.scale / this.#fitScale);
  /** Image → viewer coordinates: the transform the image and its masks are drawn with, for overlays outside the stage. */
  readonly projector: Projector = $derived(
    affineProjector(
      [this.view.tx, this.view.ty],
      [this.view.tx + this.view.scale, this.view.ty],
      [this.view.tx, this.view.ty + this.view.scale],
    ),
  );

  setBox(box: Size): void {
    this.#box = box;
    if (!this.#touched) this.reset();
  }

  setImage(image: Size): void {
    this.#image = image;
    this.reset();
  }

  reset(): void {
    const fitted = fitView(this.#box, this.#image);
    this.view = fitted;
    this.#fitScale = fitted.scale;
    this.#touched = false;
  }

  wheel(deltaY: number, cx: number, cy: number): void {
    this.zoomBy(deltaY < 0 ? WHEEL_STEP : 1 / WHEEL_STEP, cx, cy);
  }

  zoomBy(factor: number, cx = this.#box.width / 2, cy = this.#box.height / 2): void {
    this.view = zoomAt(this.view, factor, cx, cy, this.#fitScale);
    this.#touched = true;
  }

  pan(dx: number, dy: number): void {
    this.view = panBy(this.view, dx, dy);
    this.#touched = true;
  }

  /** Handles a viewer key; false for keys it does not use. */
  key(key: string): boolean {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [KEY_PAN, 0],
      ArrowRight: [-KEY_PAN, 0],
      ArrowUp: [0, KEY_PAN],
      ArrowDown: [0, -KEY_PAN],
    };
    if (key === '+' || key === '=') this.zoomBy(1.25);
    else if (key === '-') this.zoomBy(0.8);
    else if (key === '0' || key === 'r' || key === 'R') this.reset();
    else if (moves[key]) this.pan(...moves[key]);
    else return false;
    return true;
  }
}
