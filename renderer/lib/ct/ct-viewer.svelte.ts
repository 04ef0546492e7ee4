// The CT viewer's controller: owns the Cornerstone viewport of one open series and mirrors what
// is on screen (slice, window, zoom, HU under the cursor, first-slice time) as reactive state
// for the overlay, toolbar and contour layer. Pixels come from the source's slice fetcher: the
// workstation's reading state, or a reader's trial (which has no truth to draw).
import { cache } from '@cornerstonejs/core';
import type { CtSlice, SeriesInfo } from '../../../app/domain';
import type { Roi } from '../../../app/study';
import { setupCornerstone, type RenderBackend } from './cornerstone-setup';
import { ctImageIds } from './ct-image-id';
import { setCtSliceSource } from './ct-image-loader';
import { registerSeries } from './ct-metadata';
import { ctKeyAction, type CtKeyAction } from './ct-keys';
import type { CtImageRef } from './ct-image-id';
import type { RoiShape } from './ct-roi-tools';
import { CtViewport, type HuProbe, type ViewSnapshot } from './ct-viewport';
import type { Projector } from './projection';
import { OPENING_WINDOW, type Window } from './window-presets';

/** Where a viewer's slices come from. */
export type CtSource = { readonly series: SeriesInfo; fetchSlice: (ref: CtImageRef) => Promise<CtSlice> };
/** A slice to open on, centred on pixel (x, y): a reader's nodule. */
export type CtFocus = { sliceIndex: number; x: number; y: number };

export class CtViewerController {
  readonly #source: CtSource;
  index = $state(0);
  count = $state(0);
  window = $state<Window>({ width: 0, center: 0 });
  zoom = $state(1);
  hu = $state<HuProbe | null>(null);
  firstSliceMs = $state<number | null>(null);
  backend = $state.raw<RenderBackend | null>(null);
  projector = $state.raw<Projector | null>(null);
  error = $state<string | null>(null);
  #viewport: CtViewport | null = null;
  /** The drawing asked for, applied again once the viewport exists. */
  #drawing: { shape: RoiShape | null; ondrawn: (roi: Roi) => void } = { shape: null, ondrawn: () => {} };
  #pointer: [number, number] | null = null;

  constructor(source: CtSource) {
    this.#source = source;
  }

  /** Position of the slice on screen along the slice normal, mm. */
  get position(): number | null {
    return this.#source.series.slicePositions[this.index] ?? null;
  }

  /** Mounts Cornerstone on `element` and shows the series; `openedAt` starts the first-slice clock. */
  async attach(element: HTMLDivElement, openedAt: number, focus: CtFocus | null = null): Promise<void> {
    try {
      this.backend = setupCornerstone();
      const series = this.#source.series;
      if (registerSeries(series)) cache.purgeCache();
      setCtSliceSource(this.#source.fetchSlice);
      this.#viewport = new CtViewport(
        element,
        (v) => this.#update(v),
        (message) => (this.error = message),
      );
      const start = focus ? focus.sliceIndex : Math.floor(series.sliceCount / 2);
      this.firstSliceMs = await this.#viewport.open(ctImageIds(series.id, series.sliceCount), start, OPENING_WINDOW, openedAt);
      if (focus) await this.showNodule(focus.sliceIndex, focus.x, focus.y);
      if (this.#drawing.shape) this.#viewport.setDrawing(this.#drawing.shape, this.#drawing.ondrawn);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  detach(): void {
    this.#viewport?.destroy();
    this.#viewport = null;
  }

  goTo(index: number): void {
    void this.#viewport?.goTo(index).catch((e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
  }

  setWindow(w: Window): void {
    this.#viewport?.setWindow(w);
  }

  zoomBy(factor: number): void {
    this.#viewport?.zoomBy(factor);
  }

  reset(): void {
    this.#viewport?.reset();
  }

  /** Shows the nodule's largest slice with the nodule in the middle of the view. */
  async showNodule(sliceIndex: number, x: number, y: number): Promise<void> {
    const vp = this.#viewport;
    if (!vp) return;
    await vp.goTo(sliceIndex);
    vp.centreOn(x, y, 2);
  }

  /** Mouse drawing of an evidence mark with Cornerstone's tools (null: back to window/level). */
  draw(shape: RoiShape | null, ondrawn: (roi: Roi) => void = () => {}): void {
    this.#drawing = { shape, ondrawn };
    this.#viewport?.setDrawing(shape, ondrawn);
  }

  /** Camera pan of the current view (world mm), for a reader's display state. */
  get pan(): [number, number] | null {
    return this.#viewport?.pan ?? null;
  }

  /** Handles a viewer key; returns false for keys the viewer does not use. */
  key(key: string): boolean {
    const action = ctKeyAction(key);
    if (!action) return false;
    this.#apply(action);
    return true;
  }

  pointer(px: number, py: number): void {
    this.#pointer = [px, py];
    this.hu = this.#viewport?.probe(px, py) ?? null;
  }

  pointerLeft(): void {
    this.#pointer = null;
    this.hu = null;
  }

  #apply(a: CtKeyAction): void {
    if (a.kind === 'step') this.goTo(this.index + a.delta);
    else if (a.kind === 'first') this.goTo(0);
    else if (a.kind === 'last') this.goTo(this.count - 1);
    else if (a.kind === 'preset') this.setWindow(a.preset);
    else if (a.kind === 'zoom') this.zoomBy(a.factor);
    else this.reset();
  }

  #update(v: ViewSnapshot): void {
    if (v.index !== this.index) this.error = null;
    this.index = v.index;
    this.count = v.count;
    this.window = v.window;
    this.zoom = v.zoom;
    this.projector = this.#viewport?.projector() ?? null;
    // The pixel under a still cursor changes when the slice or the camera does.
    if (this.#pointer) this.hu = this.#viewport?.probe(...this.#pointer) ?? null;
  }
}
