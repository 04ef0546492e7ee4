// An evidence mark being drawn on the image, by mouse (press, drag, release) or by keyboard (a
// cross moved with the arrows, Enter to place points, C to close an outline, Escape to cancel).
// Points are image coordinates; the layer that owns it maps the screen to the image and redraws
// when told (`onchange`), so this stays plain TypeScript.
import type { Roi } from '../../../app/study';
import type { Point } from '../ct/projection';
import { boxRoi, clampPoint, clickRoi, degenerateBox, freehandRoi, thinPoints, type RoiShape, type Size } from './roi';

export type SketchKey = { done: Roi | null; cancelled: boolean } | null;

const MOVES: Record<string, Point> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class RoiSketch {
  #points: Point[] = [];
  #cursor: Point | null = null;
  readonly #onchange: () => void;
  #shape: RoiShape = 'click';
  #size: Size = { width: 0, height: 0 };
  /** The slice a finished mark lies on, asked when it is finished (CT: the reader may scroll meanwhile). */
  #slice: () => number | undefined = () => undefined;
  #dragging = false;

  constructor(onchange: () => void = () => {}) {
    this.#onchange = onchange;
  }

  /** Points placed so far (a drag's trail, or the keyboard's Enter presses). */
  get points(): readonly Point[] {
    return this.#points;
  }

  get cursor(): Point | null {
    return this.#cursor;
  }

  set points(p: readonly Point[]) {
    this.#points = [...p];
    this.#onchange();
  }

  set cursor(p: Point | null) {
    this.#cursor = p;
    this.#onchange();
  }

  /** A new mark: the keyboard cross starts in the middle of the image. */
  start(shape: RoiShape, size: Size, slice: () => number | undefined = () => undefined): void {
    this.#shape = shape;
    this.#size = size;
    this.#slice = slice;
    this.points = [];
    this.cursor = [size.width / 2, size.height / 2];
  }

  down(p: Point): void {
    this.#dragging = true;
    this.points = [clampPoint(p, this.#size)];
    this.cursor = this.points[0];
  }

  move(p: Point): void {
    if (!this.#dragging) return;
    this.cursor = clampPoint(p, this.#size);
    if (this.#shape === 'freehand') this.points = [...this.points, this.cursor];
  }

  /** Release: the finished mark (null when it is too small to mean anything). */
  up(p: Point | null): Roi | null {
    if (!this.#dragging) return null;
    this.#dragging = false;
    const end = p ? clampPoint(p, this.#size) : this.cursor;
    const start = this.points[0];
    if (!end || !start) return null;
    if (this.#shape === 'click') return this.#finish(clickRoi(start, this.#slice()));
    if (this.#shape === 'box') return this.#finish(boxRoi(start, end, this.#slice()));
    return this.#finish(freehandRoi(thinPoints([...this.points, end], 0.75), this.#slice()));
  }

  /** A key while drawing: null when it is not a drawing key. `step` is the cross's move in image pixels. */
  key(key: string, shift: boolean, step: number): SketchKey {
    const c = this.cursor;
    if (!c) return null;
    const k = key.length === 1 ? key.toLowerCase() : key;
    if (MOVES[k]) {
      const f = step * (shift ? 8 : 1);
      this.cursor = clampPoint([c[0] + MOVES[k][0] * f, c[1] + MOVES[k][1] * f], this.#size);
      return { done: null, cancelled: false };
    }
    if (k === 'Enter') {
      if (this.#shape === 'click') return { done: this.#finish(clickRoi(c, this.#slice())), cancelled: false };
      if (this.#shape === 'box' && this.points.length === 1)
        return { done: this.#finish(boxRoi(this.points[0], c, this.#slice())), cancelled: false };
      this.points = [...this.points, c];
      return { done: null, cancelled: false };
    }
    if (k === 'c' && this.#shape === 'freehand') return { done: this.#finish(freehandRoi(this.points, this.#slice())), cancelled: false };
    if (k === 'Escape') {
      this.points = [];
      return { done: null, cancelled: true };
    }
    return null;
  }

  #finish(roi: Roi | null): Roi | null {
    this.points = [];
    return roi && !degenerateBox(roi) ? roi : null;
  }
}
