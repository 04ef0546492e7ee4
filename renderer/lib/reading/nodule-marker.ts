// Where the reader's nodule marker goes: corner brackets around the box the readers' outlines
// span, kept off the nodule by a margin (a third of its size, at least 4 pixels), drawn on the
// slices the nodule spans. Brackets leave the nodule and its margin in view; a ring or a filled
// box would hide the very edge (spiculation, lobulation) the reader is asked to rate.
import type { ReaderCase } from '../../../app/study';
import type { Projector } from '../ct/projection';

export type NoduleExtent = NonNullable<NonNullable<ReaderCase['nodule']>['extent']>;

/** Image-pixel box of the marker: the nodule's box with the margin around it. */
export function markerBox(e: NoduleExtent): { x0: number; y0: number; x1: number; y1: number } {
  const margin = Math.max(4, 0.33 * Math.max(e.x1 - e.x0, e.y1 - e.y0));
  return { x0: e.x0 - margin, y0: e.y0 - margin, x1: e.x1 + 1 + margin, y1: e.y1 + 1 + margin };
}

export const onNoduleSlice = (e: NoduleExtent, sliceIndex: number): boolean => sliceIndex >= e.firstSlice && sliceIndex <= e.lastSlice;

/** Four L-shaped brackets as one SVG path, in screen coordinates; each arm a quarter of the box's side. */
export function bracketPath(e: NoduleExtent, project: Projector): string {
  const b = markerBox(e);
  const [ax, ay] = project(b.x0, b.y0);
  const [bx, by] = project(b.x1, b.y1);
  const [x0, x1, y0, y1] = [Math.min(ax, bx), Math.max(ax, bx), Math.min(ay, by), Math.max(ay, by)];
  const arm = Math.max(6, Math.min(x1 - x0, y1 - y0) / 4);
  const f = (v: number) => v.toFixed(1);
  return [
    `M${f(x0)} ${f(y0 + arm)}V${f(y0)}H${f(x0 + arm)}`,
    `M${f(x1 - arm)} ${f(y0)}H${f(x1)}V${f(y0 + arm)}`,
    `M${f(x1)} ${f(y1 - arm)}V${f(y1)}H${f(x1 - arm)}`,
    `M${f(x0 + arm)} ${f(y1)}H${f(x0)}V${f(y1 - arm)}`,
  ].join('');
}
