import { describe, expect, it } from 'vitest';
import { plotFileName, pngSize, slug, svgFileText } from './svg-file';

describe('svg file', () => {
  it('starts with the XML declaration and keeps the serializer’s namespace', () => {
    const text = svgFileText('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><circle r="1"/></svg>');
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    expect(text.match(/xmlns="/g)).toHaveLength(1);
    expect(text).toContain('<circle r="1"/>');
  });
  it('adds the namespaces markup lacks, and replaces an old declaration', () => {
    const text = svgFileText('<?xml version="1.0"?>\n<svg width="10"><use xlink:href="#a"/></svg>');
    expect(text.match(/<\?xml/g)).toHaveLength(1);
    expect(text).toMatch(
      /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" xmlns:xlink="http:\/\/www.w3.org\/1999\/xlink"|<svg xmlns:xlink="http:\/\/www.w3.org\/1999\/xlink" xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
  });
  it('refuses what is not an SVG element', () => {
    expect(() => svgFileText('<figure><svg></svg></figure>')).toThrow(/not an <svg>/);
  });
});

describe('png size and file names', () => {
  it('doubles the plot’s size by default', () => {
    expect(pngSize(640, 118.5)).toEqual({ width: 1280, height: 237 });
    expect(pngSize(100, 50, 3)).toEqual({ width: 300, height: 150 });
    expect(() => pngSize(0, 50)).toThrow(/no size/);
  });
  it('makes file-safe names', () => {
    expect(slug('Dermoscopy études (e2e)', 'useful means')).toBe('dermoscopy-etudes-e2e-useful-means');
    expect(plotFileName('  ', 'svg')).toBe('plot.svg');
    expect(plotFileName('Study 1 time per trial', 'png')).toBe('study-1-time-per-trial.png');
  });
});
