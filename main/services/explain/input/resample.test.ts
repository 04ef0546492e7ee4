// Known answers from Pillow (`Image.fromarray(a, 'F').resize(size, Image.BILINEAR)`) and, for
// enlarging, torch.nn.functional.interpolate(mode='bilinear', align_corners=False).
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resample';

const ramp = Float32Array.from({ length: 35 }, (_, i) => i * 1.5); // 5 rows × 7 columns

describe('resizeBilinear', () => {
  it('copies an image that already has the size', () => {
    const out = resizeBilinear(ramp, 1, 5, 7, 5, 7);
    expect(Array.from(out)).toEqual(Array.from(ramp));
    expect(out).not.toBe(ramp);
  });

  it('shrinks with an anti-aliasing triangle filter as Pillow does', () => {
    expect(Array.from(resizeBilinear(Float32Array.from([0, 1, 2, 3]), 1, 1, 4, 1, 2))).toEqual([
      expect.closeTo(0.7142857, 6),
      expect.closeTo(2.2857143, 6),
    ]);
    const out = resizeBilinear(ramp, 1, 5, 7, 2, 3);
    const pillow = [11.785714149475098, 15.0, 18.214284896850586, 32.78571319580078, 36.0, 39.21428680419922];
    out.forEach((v, i) => expect(v).toBeCloseTo(pillow[i], 4));
  });

  it('enlarges like bilinear interpolation with half-pixel centres (Pillow = torch align_corners=False)', () => {
    const out = resizeBilinear(ramp, 1, 5, 7, 9, 11);
    const firstRow = [
      0.0, 0.6818181872367859, 1.6363636255264282, 2.590909004211426, 3.545454502105713, 4.5, 5.454545497894287, 6.409090995788574,
      7.363636493682861, 8.318181991577148, 9.0,
    ];
    const thirdRow = [
      9.333333015441895, 10.015151023864746, 10.969696998596191, 11.92424201965332, 12.878787994384766, 13.833333015441895,
      14.787878036499023, 15.742423057556152, 16.696969985961914, 17.65151596069336, 18.33333396911621,
    ];
    firstRow.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
    thirdRow.forEach((v, i) => expect(out[2 * 11 + i]).toBeCloseTo(v, 4));
    expect(out[8 * 11 + 10]).toBeCloseTo(51, 5);
  });

  it('resizes each channel on its own', () => {
    const two = new Float32Array(2 * 35);
    two.set(ramp, 0);
    two.fill(7, 35);
    const out = resizeBilinear(two, 2, 5, 7, 2, 3);
    expect(out[0]).toBeCloseTo(11.785714, 4);
    expect(Array.from(out.subarray(6))).toEqual([7, 7, 7, 7, 7, 7].map((v) => expect.closeTo(v, 5)));
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => resizeBilinear(new Float32Array(10), 1, 5, 7, 2, 2)).toThrow(RangeError);
  });
});
