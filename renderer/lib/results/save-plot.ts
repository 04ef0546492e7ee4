// Saving a plot as the coordinator sees it: SVG (the element, serialized) or PNG (that SVG drawn
// on a canvas at 2×), handed to the browser as a download.
import { saveBlob } from './download';
import { PLOT_PAPER } from './palette';
import { SVG_NS, plotFileName, pngSize, svgFileText } from './svg-file';

function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const width = Number(svg.getAttribute('width')) || svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width;
  const height = Number(svg.getAttribute('height')) || svg.viewBox.baseVal?.height || svg.getBoundingClientRect().height;
  return { width, height };
}

/** The plot as a standalone SVG file: a copy with a paper-white background (viewers' defaults vary). */
export function svgText(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = sizeOf(svg);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  const paper = document.createElementNS(SVG_NS, 'rect');
  paper.setAttribute('width', '100%');
  paper.setAttribute('height', '100%');
  paper.setAttribute('fill', PLOT_PAPER);
  // After Plot's <style>, before every mark: the paper lies under everything.
  const firstDrawn = [...copy.children].find((c) => c.localName !== 'style' && c.localName !== 'title' && c.localName !== 'desc') ?? null;
  copy.insertBefore(paper, firstDrawn);
  return svgFileText(new XMLSerializer().serializeToString(copy));
}

export function saveSvg(svg: SVGSVGElement, baseName: string): void {
  saveBlob(new Blob([svgText(svg)], { type: 'image/svg+xml' }), plotFileName(baseName, 'svg'));
}

/** Draws the SVG file on a canvas at `scale`× and encodes it as PNG. */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { width, height } = sizeOf(svg);
  const size = pngSize(width, height, scale);
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const image = new Image(width, height);
    image.decoding = 'async';
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2D canvas');
    g.fillStyle = PLOT_PAPER;
    g.fillRect(0, 0, size.width, size.height);
    g.drawImage(image, 0, 0, size.width, size.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function savePng(svg: SVGSVGElement, baseName: string): Promise<void> {
  saveBlob(await pngBlob(svg), plotFileName(baseName, 'png'));
}
