// Zoom and pan of a 2D image as one transform: screen = image · scale + (tx, ty). The image and
// its mask overlays share it, so they cannot drift apart.

export type View = { scale: number; tx: number; ty: number };
export type Size = { width: number; height: number };

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 16;

/** Fits the image into the box, centred, with a small margin. */
export function fitView(box: Size, image: Size, margin = 0.96): View {
  if (!image.width || !image.height || !box.width || !box.height) return { scale: 1, tx: 0, ty: 0 };
  const scale = Math.min(box.width / image.width, box.height / image.height) * margin;
  return { scale, tx: (box.width - image.width * scale) / 2, ty: (box.height - image.height * scale) / 2 };
}

/** Zooms by `factor` keeping the image point under screen point (cx, cy) fixed; `fit` bounds the zoom. */
export function zoomAt(v: View, factor: number, cx: number, cy: number, fit: number): View {
  const scale = Math.min(fit * MAX_ZOOM, Math.max(fit * MIN_ZOOM, v.scale * factor));
  const k = scale / v.scale;
  return { scale, tx: cx - (cx - v.tx) * k, ty: cy - (cy - v.ty) * k };
}

export const panBy = (v: View, dx: number, dy: number): View => ({ ...v, tx: v.tx + dx, ty: v.ty + dy });

/** Image pixel under screen point (sx, sy). */
export const toImage = (v: View, sx: number, sy: number): [number, number] => [(sx - v.tx) / v.scale, (sy - v.ty) / v.scale];
