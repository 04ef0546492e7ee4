// Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008; Wong, Nature Methods
// 8:441, 2011): distinguishable with every common colour-vision deficiency, and on white paper,
// which is what saved plots are drawn on.
export const OKABE_ITO = {
  blue: '#0072B2',
  vermillion: '#D55E00',
  bluishGreen: '#009E73',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  reddishPurple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
} as const;

/** Real ratings against sanity-check ratings (the randomized model's maps). */
export const RATING_COLOURS = { real: OKABE_ITO.blue, sanity: OKABE_ITO.vermillion } as const;

/** One colour per phase, in reading order: unaided, AI, AI + explanation. */
export const PHASE_COLOURS = [OKABE_ITO.orange, OKABE_ITO.skyBlue, OKABE_ITO.bluishGreen] as const;

/** Plots sit on a white card in the app and on white in the saved files: what is seen is what is saved. */
export const PLOT_INK = '#1a1a1a';
export const PLOT_PAPER = '#ffffff';
