// Small vector helpers for patient-space geometry (PS3.3 C.7.6.2.1.1: the orientation holds the
// row and column direction cosines; their cross product is the slice normal).
import type { Orientation, Vec3 } from './types';

export const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

export const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Unit slice normal, or null when the cosines are degenerate (zero or parallel). */
export const sliceNormal = (o: Orientation): Vec3 | null => {
  const n = cross([o[0], o[1], o[2]], [o[3], o[4], o[5]]);
  const len = Math.hypot(n[0], n[1], n[2]);
  return len < 1e-6 ? null : [n[0] / len, n[1] / len, n[2] / len];
};

export const sameOrientation = (a: Orientation, b: Orientation, tolerance = 1e-4): boolean =>
  a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
