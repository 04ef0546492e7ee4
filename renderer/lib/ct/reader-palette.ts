// Reader colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which
// stays distinguishable with the common colour-vision deficiencies. Picked for contrast on
// grey CT; readers beyond the palette reuse it, and the legend also shows the reader number.
const OKABE_ITO = ['#E69F00', '#56B4E9', '#F0E442', '#CC79A7', '#009E73', '#D55E00', '#0072B2'];

export const readerColour = (reader: number): string => OKABE_ITO[(Math.max(1, reader) - 1) % OKABE_ITO.length];
