import { describe, expect, it } from 'vitest';
import type { SeriesInfo } from '../../../app/domain';
import { ctImageId } from './ct-image-id';
import { ctMetadataProvider, registerSeries } from './ct-metadata';
import { presetOf } from './window-presets';

const series = (over: Partial<SeriesInfo> = {}): SeriesInfo => ({
  id: 41,
  seriesInstanceUid: '1.2.3',
  modality: 'CT',
  description: '',
  rows: 512,
  columns: 400,
  sliceCount: 3,
  pixelSpacing: [0.7, 0.6],
  sliceSpacing: 2.5,
  sliceThickness: 2.5,
  slicePositions: [-10, -7.5, -5],
  gapsAfter: [],
  warnings: [],
  window: null,
  transferSyntax: '1.2.840.10008.1.2.1',
  ...over,
});

describe('ctMetadataProvider', () => {
  it('gives each slice an axial plane at its position, with the series spacing', () => {
    registerSeries(series());
    expect(ctMetadataProvider('imagePlaneModule', ctImageId(41, 1))).toMatchObject({
      rows: 512,
      columns: 400,
      imagePositionPatient: [0, 0, -7.5],
      rowCosines: [1, 0, 0],
      columnCosines: [0, 1, 0],
      rowPixelSpacing: 0.7,
      columnPixelSpacing: 0.6,
      frameOfReferenceUID: 'verdict:series/41',
    });
  });

  it('declares HU (identity modality LUT, signed 16 bit) and the lung preset as the window, whatever the files give', () => {
    registerSeries(series());
    expect(ctMetadataProvider('modalityLutModule', ctImageId(41, 0))).toEqual({ rescaleSlope: 1, rescaleIntercept: 0, rescaleType: 'HU' });
    expect(ctMetadataProvider('imagePixelModule', ctImageId(41, 0))).toMatchObject({ pixelRepresentation: 1, bitsStored: 16 });
    expect(ctMetadataProvider('voiLutModule', ctImageId(41, 0))).toMatchObject({ windowCenter: [-600], windowWidth: [1500] });
    // LIDC headers say W 1600 / L −600, which no preset button matches; the viewer opens at one that does.
    registerSeries(series({ window: { center: -600, width: 1600 } }));
    const voi = ctMetadataProvider('voiLutModule', ctImageId(41, 0)) as { windowCenter: number[]; windowWidth: number[] };
    expect(presetOf({ width: voi.windowWidth[0], center: voi.windowCenter[0] })?.id).toBe('lung');
  });

  it('answers nothing for unknown series, slices past the end, other schemes or modules', () => {
    registerSeries(series());
    expect(ctMetadataProvider('imagePlaneModule', ctImageId(99, 0))).toBeUndefined();
    expect(ctMetadataProvider('imagePlaneModule', ctImageId(41, 3))).toBeUndefined();
    expect(ctMetadataProvider('imagePlaneModule', 'wadouri:x')).toBeUndefined();
    expect(ctMetadataProvider('petIsotopeModule', ctImageId(41, 0))).toBeUndefined();
  });

  it('reports a reused series id holding other pixels', () => {
    expect(registerSeries(series({ id: 42 }))).toBe(false);
    expect(registerSeries(series({ id: 42 }))).toBe(false);
    expect(registerSeries(series({ id: 42, seriesInstanceUid: '9.9' }))).toBe(true);
  });
});
