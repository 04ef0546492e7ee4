// Worked by hand with score = Σ values. Quantus's "black" is the image minimum.
import { describe, expect, it } from 'vitest';
import { pixelFlipping, pixelFlippingSpec } from './pixel-flipping';
import { MAP_4X4, RAMP_4X4, expectVerdict, linearScorer } from './test-fixtures';
import type { ModelImage } from './types';

describe('Quantus pixel flipping', () => {
  it("flips a row of values a step to the minimum; Quantus's curve starts after the first flip", async () => {
    const r = await pixelFlipping(RAMP_4X4, MAP_4X4, linearScorer());
    // minimum 1. Groups 3,7,5,10 (29 → 4): 111; 1,14,8,4 (31 → 4): 84; 13,6,12,2 (37 → 4): 51; the rest (39 → 4): 16
    expect(r.curve.scores).toEqual([136, 111, 84, 51, 16]);
    expect(r.quantusCurve).toEqual([111, 84, 51, 16]);
    expect(r.quantusAuc).toBe((111 + 84) / 2 + (84 + 51) / 2 + (51 + 16) / 2); // 198.5, np.trapz(dx = 1)
    expect(r.curve.auc).toBeCloseTo(80.5, 12);
  });

  it('counts features over channels: C·H·W / featuresInStep flips, whole pixels at a time', async () => {
    const data = new Float32Array(48);
    for (let i = 0; i < 16; i++) {
      data[i] = i + 1;
      data[16 + i] = 2 * (i + 1);
      data[32 + i] = i + 1 - 6; // the minimum, −5, is here
    }
    const image: ModelImage = { data, channels: 3, height: 4, width: 4 };
    const r = await pixelFlipping(image, MAP_4X4, linearScorer(), { featuresInStep: 8 });
    // 6 flips of 8 values; pixels floor(16k/6) = 0, 2, 5, 8, 10, 13, 16. Flipping pixel i changes Σ by −(4(i+1) − 6) − 15
    expect(r.curve.fractions.map((f) => f * 16)).toEqual([0, 2, 5, 8, 10, 13, 16]);
    expect(r.curve.scores).toEqual([448, 382, 279, 136, 34, -105, -240]);
  });

  it("refuses a step that does not divide H·W or splits one pixel's channels", () => {
    const image: ModelImage = { data: new Float32Array(48), channels: 3, height: 4, width: 4 };
    expectVerdict(() => pixelFlippingSpec(image, { featuresInStep: 6 }), 'explain.bad-params', 'featuresInStep');
    expectVerdict(() => pixelFlippingSpec(image, { featuresInStep: 2 }), 'explain.bad-params', 'featuresInStep');
    expect(pixelFlippingSpec({ data: new Float32Array(224 * 224), channels: 1, height: 224, width: 224 })).toMatchObject({
      steps: 224,
      substrate: { kind: 'min' },
    });
  });
});
