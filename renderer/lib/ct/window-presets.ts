// CT window/level: presets and conversion to Cornerstone's VOI range (lower, upper HU).

export type Window = { width: number; center: number };
export type WindowPreset = { id: 'lung' | 'mediastinum' | 'bone'; label: string; key: string } & Window;

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'lung', label: 'Lung', key: '1', width: 1500, center: -600 },
  { id: 'mediastinum', label: 'Mediastinum', key: '2', width: 350, center: 50 },
  { id: 'bone', label: 'Bone', key: '3', width: 2000, center: 300 },
];

// DICOM's linear VOI function (PS3.3 C.11.2.1.2), as Cornerstone converts it: W 1500 / L −600 is
// the range −1350…149. Using its convention both ways keeps a preset reading back exactly.
export const windowToVoi = ({ width, center }: Window) => ({
  lower: center - 0.5 - (width - 1) / 2,
  upper: center - 0.5 + (width - 1) / 2,
});

export const voiToWindow = ({ lower, upper }: { lower: number; upper: number }): Window => ({
  width: Math.abs(upper - lower) + 1,
  center: (lower + upper + 1) / 2,
});

export const formatWindow = (w: Window) => `W ${Math.round(w.width)} / L ${Math.round(w.center)}`;

/**
 * Every CT series opens at the lung preset (and R returns to it), not at the window its DICOM
 * header suggests: LIDC headers carry windows such as W 1600 / L −600 that no button matches, so
 * a reader could not get back to the opening view, and readers of different cases would start
 * from different displays. Our CT is chest CT read for lung nodules, hence the lung window.
 */
export const OPENING_PRESET: WindowPreset = WINDOW_PRESETS[0];
export const OPENING_WINDOW: Window = { width: OPENING_PRESET.width, center: OPENING_PRESET.center };

/** The preset a window matches (to within 1 HU), for highlighting its button. */
export const presetOf = (w: Window): WindowPreset | undefined =>
  WINDOW_PRESETS.find((p) => Math.abs(p.width - w.width) < 1 && Math.abs(p.center - w.center) < 1);
