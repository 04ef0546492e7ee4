import { describe, expect, it } from 'vitest';
import type { CtSlice } from '../../../app/domain';
import { ctImageId } from './ct-image-id';
import { ctSliceToImage, loadCtImage, minMax, setCtSliceSource } from './ct-image-loader';
import { registerSeries } from './ct-metadata';

const slice = (hu: number[], rows = 2, columns = 2): CtSlice => ({
  seriesId: 77,
  index: 1,
  rows,
  columns,
  position: 0,
  hu: new Int16Array(hu).buffer,
});

describe('CT image loader', () => {
  registerSeries({
    id: 77,
    seriesInstanceUid: '7.7',
    modality: 'CT',
    description: '',
    rows: 2,
    columns: 2,
    sliceCount: 2,
    pixelSpacing: [0.5, 0.25],
    sliceSpacing: 1,
    sliceThickness: 1,
    slicePositions: [0, 1],
    gapsAfter: [],
    warnings: [],
    window: { center: 40, width: 400 },
    transferSyntax: '',
  });

  it('wraps main’s HU as the image pixels, untouched (slope 1, intercept 0)', () => {
    const image = ctSliceToImage(ctImageId(77, 1), slice([-1000, 0, 40, 3071]));
    expect([...image.getPixelData()]).toEqual([-1000, 0, 40, 3071]);
    expect(image.getPixelData()).toBeInstanceOf(Int16Array);
    expect([image.slope, image.intercept, image.minPixelValue, image.maxPixelValue]).toEqual([1, 0, -1000, 3071]);
    // The header's window (W 400 / L 40) gives way to the opening preset, which a button matches.
    expect([image.windowWidth, image.windowCenter, image.rowPixelSpacing, image.columnPixelSpacing]).toEqual([1500, -600, 0.5, 0.25]);
  });

  it('refuses a buffer that does not fit rows × columns', () => {
    expect(() => ctSliceToImage(ctImageId(77, 1), slice([1, 2, 3]))).toThrow(/3 values for 2×2/);
  });

  it('loads through the injected source and fails clearly without one or on a foreign id', async () => {
    setCtSliceSource(async (ref) => ({ ...slice([1, 2, 3, 4]), index: ref.index }));
    expect(minMax(new Int16Array([5, -3, 9]))).toEqual([-3, 9]);
    await expect(loadCtImage(ctImageId(77, 0)).promise.then((i) => [...i.getPixelData()])).resolves.toEqual([1, 2, 3, 4]);
    await expect(loadCtImage('verdict:dx/1').promise).rejects.toThrow(/Not a Verdict CT image id/);
    setCtSliceSource(null);
    await expect(loadCtImage(ctImageId(77, 0)).promise).rejects.toThrow(/No CT slice source/);
  });
});
