// One Cornerstone StackViewport with Verdict's mouse bindings, as a small imperative object the
// CT viewer component drives. It knows nothing of Svelte or the API: it reports what is on screen
// through `onView` and takes commands (go to slice, window, centre, reset).
import { Enums, RenderingEngine, eventTarget, getShouldUseCPURendering, utilities, type Types } from '@cornerstonejs/core';
import {
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  annotation,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import type { Roi } from '../../../app/study';
import { ROI_TOOLS, ROI_TOOL_NAMES, annotationToRoi, type RoiShape } from './ct-roi-tools';
import { CtPrefetcher } from './ct-prefetch';
import { affineProjector, type Projector } from './projection';
import { voiToWindow, windowToVoi, type Window } from './window-presets';

export type ViewSnapshot = { index: number; count: number; window: Window; zoom: number };
export type HuProbe = { x: number; y: number; hu: number };

type Listener = (view: ViewSnapshot) => void;
type ErrorListener = (message: string) => void;

const { MouseBindings, KeyboardBindings } = ToolEnums;
let nextId = 1;

export class CtViewport {
  readonly element: HTMLDivElement;
  readonly #engine: RenderingEngine;
  readonly #viewportId: string;
  readonly #toolGroupId: string;
  readonly #prefetch = new CtPrefetcher();
  readonly #resize: ResizeObserver;
  readonly #onView: Listener;
  readonly #onError: ErrorListener;
  #imageIds: string[] = [];
  #firstRender: ((t: number) => void) | null = null;
  /** Camera parallel scale with the slice fitted: zoom 1. Kept here because Cornerstone's
   * getZoom/setZoom read the vtk camera, which the CPU path does not have. */
  #fitScale = 0;
  /** The window the reader chose, from Cornerstone's VOI events. */
  #window: Window | null = null;
  /** Mouse drawing of an evidence mark: which tool, and who takes the mark. */
  #drawing: { shape: RoiShape; ondrawn: (roi: Roi) => void } | null = null;

  constructor(element: HTMLDivElement, onView: Listener, onError: ErrorListener) {
    const id = nextId++;
    this.element = element;
    this.#onView = onView;
    this.#onError = onError;
    this.#viewportId = `ct-${id}`;
    this.#toolGroupId = `verdict-ct-${id}`;
    this.#engine = new RenderingEngine(`verdict-ct-engine-${id}`);
    this.#engine.enableElement({
      viewportId: this.#viewportId,
      element,
      type: Enums.ViewportType.STACK,
      defaultOptions: { background: [0, 0, 0] },
    });
    const tools = ToolGroupManager.createToolGroup(this.#toolGroupId)!;
    for (const t of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, ...ROI_TOOLS]) tools.addTool(t.toolName);
    // Left drag = window/level (Shift: pan, Ctrl: zoom, for trackpads); middle = pan; right = zoom; wheel = slices.
    tools.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
    tools.setToolActive(PanTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Auxiliary }, { mouseButton: MouseBindings.Primary, modifierKey: KeyboardBindings.Shift }],
    });
    tools.setToolActive(ZoomTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Secondary }, { mouseButton: MouseBindings.Primary, modifierKey: KeyboardBindings.Ctrl }],
    });
    tools.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    tools.addViewport(this.#viewportId, this.#engine.id);
    element.addEventListener('contextmenu', preventDefault);
    for (const e of VIEW_EVENTS) element.addEventListener(e, this.#changed);
    element.addEventListener(Enums.Events.STACK_NEW_IMAGE, this.#newImage);
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, this.#loadError);
    eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, this.#annotationCompleted);
    this.#resize = new ResizeObserver(() => this.#engine.resize(true, true));
    this.#resize.observe(element);
  }

  get viewport(): Types.IStackViewport {
    return this.#engine.getViewport(this.#viewportId) as Types.IStackViewport;
  }

  /** Shows a stack; resolves with the time from `since` to the first slice drawn. */
  async open(imageIds: string[], index: number, window: Window, since = performance.now()): Promise<number> {
    this.#imageIds = imageIds;
    this.#prefetch.setStack(imageIds);
    const rendered = new Promise<number>((resolve) => (this.#firstRender = resolve));
    await this.viewport.setStack(imageIds, index);
    this.#fitScale = this.viewport.getCamera().parallelScale ?? 0;
    this.viewport.setProperties({ voiRange: windowToVoi(window) });
    this.viewport.render();
    const at = await rendered;
    return at - since;
  }

  get index(): number {
    return this.viewport.getCurrentImageIdIndex();
  }

  async goTo(index: number): Promise<void> {
    const clamped = Math.max(0, Math.min(this.#imageIds.length - 1, Math.round(index)));
    if (clamped !== this.index) await this.viewport.setImageIdIndex(clamped);
  }

  setWindow(window: Window): void {
    this.viewport.setProperties({ voiRange: windowToVoi(window) });
    this.viewport.render();
  }

  get zoom(): number {
    const scale = this.viewport.getCamera().parallelScale;
    return scale && this.#fitScale ? this.#fitScale / scale : 1;
  }

  setZoom(zoom: number): void {
    if (!this.#fitScale) return;
    this.viewport.setCamera({ parallelScale: this.#fitScale / Math.min(20, Math.max(0.1, zoom)) });
    this.viewport.render();
  }

  zoomBy(factor: number): void {
    this.setZoom(this.zoom * factor);
  }

  /** Fit the slice, undo pan, zoom and window/level. */
  reset(): void {
    this.viewport.resetCamera();
    this.#fitScale = this.viewport.getCamera().parallelScale ?? this.#fitScale;
    this.viewport.resetProperties();
    this.viewport.render();
  }

  /** Centres the view on pixel (x, y) of the current slice (pixel-index coordinates). */
  centreOn(x: number, y: number, minZoom = 1): void {
    const vp = this.viewport;
    const camera = vp.getCamera();
    const target = utilities.imageToWorldCoords(vp.getCurrentImageId(), [x + 0.5 + cpuShift(), y + 0.5 + cpuShift()]);
    if (!target) return;
    const focal = camera.focalPoint!;
    const position = camera.position!;
    // Our frames are axial, so an in-plane move changes x and y only.
    const d = [target[0] - focal[0], target[1] - focal[1], 0];
    vp.setCamera({
      focalPoint: [focal[0] + d[0], focal[1] + d[1], focal[2]],
      position: [position[0] + d[0], position[1] + d[1], position[2]],
    });
    if (this.zoom < minZoom) this.setZoom(minZoom);
    vp.render();
  }

  /**
   * Maps image coordinates of the current slice to element (CSS) pixels: (0, 0) is the top-left
   * corner of the first pixel, so pixel i spans [i, i+1] on screen (Cornerstone's image
   * coordinates; imageToWorldCoords puts pixel i's centre, the DICOM position, at i + 0.5).
   */
  projector(): Projector | null {
    const vp = this.viewport;
    const imageId = vp.getCurrentImageId();
    if (!imageId || !vp.getCornerstoneImage()) return null;
    // The two render paths disagree by half a pixel: vtk (GPU) draws pixel i's centre at its
    // world position, Cornerstone's CPU path draws pixel i's top-left corner there. Measured on
    // LIDC-IDRI-0001 at 8 px per pixel: sampling the screen at projected pixel centres matches
    // the HU best with this shift on each path (tests/e2e/explain.spec.ts checks alignment).
    const shift = cpuShift();
    const toCanvas = (x: number, y: number) =>
      vp.worldToCanvas(utilities.imageToWorldCoords(imageId, [x + shift, y + shift]) as Types.Point3);
    return affineProjector(toCanvas(0, 0), toCanvas(1, 0), toCanvas(0, 1));
  }

  /** Camera pan relative to the fitted view, in world units (mm), for a reader's display state. */
  get pan(): [number, number] {
    const p = this.viewport.getPan?.() as [number, number] | undefined;
    return p ? [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10] : [0, 0];
  }

  /**
   * The primary button draws an evidence mark with `shape`'s tool instead of window/level (null:
   * back to window/level). Each finished mark goes to `ondrawn` in image coordinates.
   */
  setDrawing(shape: RoiShape | null, ondrawn: (roi: Roi) => void): void {
    const tools = ToolGroupManager.getToolGroup(this.#toolGroupId);
    if (!tools) return;
    for (const name of Object.values(ROI_TOOL_NAMES)) tools.setToolDisabled(name);
    this.#drawing = shape ? { shape, ondrawn } : null;
    const primary = [{ mouseButton: MouseBindings.Primary }];
    if (shape) {
      tools.setToolPassive(WindowLevelTool.toolName);
      tools.setToolActive(ROI_TOOL_NAMES[shape], { bindings: primary });
    } else {
      tools.setToolActive(WindowLevelTool.toolName, { bindings: primary });
    }
    this.viewport.render();
  }

  /** HU of the pixel under element point (px, py), or null off the image. */
  probe(px: number, py: number): HuProbe | null {
    const vp = this.viewport;
    const image = vp.getCornerstoneImage();
    if (!image) return null;
    const world = vp.canvasToWorld([px, py]);
    const coords = utilities.worldToImageCoords(vp.getCurrentImageId(), world);
    if (!coords) return null;
    // The same half-pixel difference between the render paths as in projector().
    const x = Math.floor(coords[0] - cpuShift());
    const y = Math.floor(coords[1] - cpuShift());
    if (x < 0 || y < 0 || x >= image.columns || y >= image.rows) return null;
    return { x, y, hu: image.getPixelData()[y * image.columns + x] };
  }

  destroy(): void {
    this.#prefetch.stop();
    this.#resize.disconnect();
    for (const e of VIEW_EVENTS) this.element.removeEventListener(e, this.#changed);
    this.element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, this.#newImage);
    eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, this.#loadError);
    eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, this.#annotationCompleted);
    this.element.removeEventListener('contextmenu', preventDefault);
    ToolGroupManager.destroyToolGroup(this.#toolGroupId);
    this.#engine.destroy();
  }

  #snapshot(): ViewSnapshot {
    const vp = this.viewport;
    const voi = vp.getProperties().voiRange;
    return {
      index: vp.getCurrentImageIdIndex(),
      count: this.#imageIds.length,
      window: voi ? voiToWindow(voi) : { width: 0, center: 0 },
      zoom: this.zoom,
    };
  }

  #changed = (e: Event) => {
    if (e.type === Enums.Events.VOI_MODIFIED) {
      const range = (e as CustomEvent<{ range?: { lower: number; upper: number } }>).detail?.range;
      if (range) this.#window = voiToWindow(range);
    }
    if (e.type === Enums.Events.IMAGE_RENDERED && this.#firstRender) {
      this.#firstRender(performance.now());
      this.#firstRender = null;
    }
    this.#onView(this.#snapshot());
  };

  /** A slice this viewport asked for could not be loaded (wheel scrolling has no promise to catch). */
  #loadError = (e: Event) => {
    const detail = (e as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
    if (!detail?.imageId || !this.#imageIds.includes(detail.imageId)) return;
    const error = detail.error;
    this.#onError(error instanceof Error ? error.message : `Slice ${detail.imageId} could not be loaded.`);
  };

  #annotationCompleted = (e: Event) => {
    const a = (e as CustomEvent<{ annotation: ToolTypes.Annotation }>).detail?.annotation;
    const imageId = a?.metadata?.referencedImageId;
    if (!a || !imageId || !this.#imageIds.includes(imageId)) return;
    const drawing = this.#drawing;
    const roi =
      drawing && a.metadata?.toolName === ROI_TOOL_NAMES[drawing.shape]
        ? annotationToRoi(a, this.#imageIds.indexOf(imageId), (id, world) => {
            const xy = utilities.worldToImageCoords(id, world);
            return xy ? [xy[0] - cpuShift(), xy[1] - cpuShift()] : null;
          })
        : null;
    // The answer is kept and redrawn by the reader's ROI layer, so the annotation goes.
    if (a.annotationUID) annotation.state.removeAnnotation(a.annotationUID);
    this.viewport.render();
    if (roi && drawing) drawing.ondrawn(roi);
  };

  #newImage = () => {
    this.#prefetch.around(this.index);
    // Cornerstone's CPU path keeps drawing with the reader's window on a new slice but resets
    // the VOI range it reports (and WindowLevelTool drags from) to the slice's default, after
    // this event and without one of its own. Re-assert the reader's window once it has done so.
    queueMicrotask(() => {
      const w = this.#window;
      const voi = this.viewport.getProperties().voiRange;
      if (!w || !voi) return;
      const now = voiToWindow(voi);
      if (Math.abs(now.width - w.width) > 0.01 || Math.abs(now.center - w.center) > 0.01) {
        this.viewport.setProperties({ voiRange: windowToVoi(w) }, true);
      }
    });
  };
}

/** Image-coordinate offset of Cornerstone's CPU path relative to its GPU path (see projector()). */
const cpuShift = () => (getShouldUseCPURendering() ? 0.5 : 0);

const VIEW_EVENTS = [Enums.Events.IMAGE_RENDERED, Enums.Events.CAMERA_MODIFIED, Enums.Events.VOI_MODIFIED];

function preventDefault(e: Event) {
  e.preventDefault();
}
