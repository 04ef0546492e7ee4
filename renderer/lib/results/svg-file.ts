// The pure parts of saving a plot: the SVG file's text (a standalone document with its XML
// declaration and namespaces, so that browsers, Inkscape and journals' tools all open it), the
// PNG's size, and file names made from the study's and the plot's names.

export const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n';

/** Serialized <svg> markup as a file: the declaration first, and the namespaces on the root. */
export function svgFileText(markup: string): string {
  let svg = markup.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trim();
  if (!/^<svg[\s>]/.test(svg)) throw new Error('not an <svg> element');
  const root = svg.slice(0, svg.indexOf('>'));
  // XMLSerializer adds xmlns to the root; an outerHTML-style string may lack either.
  if (!/\sxmlns=/.test(root)) svg = svg.replace(/^<svg/, `<svg xmlns="${SVG_NS}"`);
  if (svg.includes('xlink:') && !/\sxmlns:xlink=/.test(root)) svg = svg.replace(/^<svg/, `<svg xmlns:xlink="${XLINK_NS}"`);
  return XML_DECLARATION + svg + '\n';
}

/** Pixel size of the PNG: the plot's size times the scale (2× for print and high-density screens). */
export function pngSize(width: number, height: number, scale = 2): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new Error(`the plot has no size (${width} × ${height})`);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** "Dermoscopy study", "ratings useful" → "dermoscopy-study-ratings-useful". */
export function slug(...parts: string[]): string {
  const s = parts
    .join('-')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 100).replace(/-+$/, '') || 'plot';
}

export const plotFileName = (base: string, ext: 'svg' | 'png'): string => `${slug(base)}.${ext}`;
