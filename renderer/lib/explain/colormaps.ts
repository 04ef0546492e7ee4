// Colormaps for explanation overlays, as evenly spaced sRGB stops interpolated linearly.
// Signed maps (CDAM family) need a diverging map whose neutral centre is value 0 and whose two
// ends readers with colour-vision deficiencies can still tell apart: blue against orange varies
// along the blue–yellow axis that deuteranopes and protanopes keep. Unsigned maps (attention)
// use a sequential map whose lightness rises monotonically.

export type Rgb = readonly [number, number, number];
export type DivergingColormapId = 'blue-orange' | 'purple-orange';
export type SequentialColormapId = 'viridis' | 'oranges';
export type ColormapId = DivergingColormapId | SequentialColormapId;

export type Colormap = {
  id: ColormapId;
  label: string;
  kind: 'diverging' | 'sequential';
  /** Evenly spaced from the low end (t = 0) to the high end (t = 1); diverging maps have an odd count, the middle one at 0. */
  stops: readonly Rgb[];
  reference: string;
};

const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

export const COLORMAPS: Record<ColormapId, Colormap> = {
  'blue-orange': {
    id: 'blue-orange',
    label: 'Blue–orange',
    kind: 'diverging',
    // Okabe–Ito blue and sky blue, ColorBrewer's neutral grey-white, Okabe–Ito orange and vermillion:
    // the two halves have about the same lightness at the same |value|.
    stops: ['#0072B2', '#56B4E9', '#F7F7F7', '#E69F00', '#D55E00'].map(hex),
    reference: 'Okabe & Ito, "Color Universal Design" (2008); centre from ColorBrewer (Brewer, colorbrewer2.org)',
  },
  'purple-orange': {
    id: 'purple-orange',
    label: 'Purple–orange',
    kind: 'diverging',
    // ColorBrewer PuOr (11 classes), reversed so that orange is the positive end.
    stops: ['#2D004B', '#542788', '#8073AC', '#B2ABD2', '#D8DAEB', '#F7F7F7', '#FEE0B6', '#FDB863', '#E08214', '#B35806', '#7F3B08'].map(
      hex,
    ),
    reference: 'ColorBrewer PuOr, colour-blind safe (Harrower & Brewer, Cartographic Journal 40:27–37, 2003)',
  },
  viridis: {
    id: 'viridis',
    label: 'Viridis',
    kind: 'sequential',
    stops: ['#440154', '#472D7B', '#3B528B', '#2C728E', '#21908C', '#27AD81', '#5DC863', '#AADC32', '#FDE725'].map(hex),
    reference: 'van der Walt & Smith, matplotlib viridis (2015), 9 stops as viridisLite::viridis(9)',
  },
  oranges: {
    id: 'oranges',
    label: 'Oranges',
    kind: 'sequential',
    stops: ['#FFF5EB', '#FEE6CE', '#FDD0A2', '#FDAE6B', '#FD8D3C', '#F16913', '#D94801', '#A63603', '#7F2704'].map(hex),
    reference: 'ColorBrewer Oranges (9 classes)',
  },
};

export const DIVERGING_IDS: readonly DivergingColormapId[] = ['blue-orange', 'purple-orange'];
export const SEQUENTIAL_IDS: readonly SequentialColormapId[] = ['viridis', 'oranges'];

/** The colour at t ∈ [0, 1] (clamped; NaN counts as 0). */
export function colourAt(id: ColormapId, t: number): Rgb {
  const stops = COLORMAPS[id].stops;
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export const cssRgb = ([r, g, b]: Rgb): string => `rgb(${r} ${g} ${b})`;

/** A left-to-right CSS gradient of the map, for colour bars and pickers. */
export function cssGradient(id: ColormapId): string {
  const stops = COLORMAPS[id].stops;
  return `linear-gradient(to right, ${stops.map((s, i) => `${cssRgb(s)} ${((100 * i) / (stops.length - 1)).toFixed(1)}%`).join(', ')})`;
}
