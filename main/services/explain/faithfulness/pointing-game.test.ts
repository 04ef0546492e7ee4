import { describe, expect, it } from 'vitest';
import { defaultTolerance, pointingGame } from './pointing-game';
import { expectVerdict } from './test-fixtures';

function at(width: number, height: number, points: [number, number][]): Uint8Array {
  const m = new Uint8Array(width * height);
  for (const [x, y] of points) m[y * width + x] = 1;
  return m;
}

describe('pointing game', () => {
  const map = new Float32Array(100);
  map[3 * 10 + 2] = 5; // maximum at x = 2, y = 3
  map[9 * 10 + 9] = -7; // strong counter-evidence is not the maximum

  it('hits at exactly the tolerance and misses just beyond it', () => {
    const mask = at(10, 10, [[5, 7]]); // distance √(3² + 4²) = 5
    expect(pointingGame(map, mask, 10, 10, 5)).toEqual({ hit: 1, point: { x: 2, y: 3 }, tolerance: 5 });
    expect(pointingGame(map, mask, 10, 10, 4.99).hit).toBe(0);
    expect(pointingGame(map, at(10, 10, [[2, 3]]), 10, 10, 0).hit).toBe(1);
  });

  it('defaults to 15 px per 224 px of the shorter side', () => {
    expect(defaultTolerance(224, 224)).toBe(15);
    expect(defaultTolerance(112, 300)).toBe(7.5);
    const big = new Float32Array(224 * 224);
    big[100 * 224 + 100] = 1;
    expect(pointingGame(big, at(224, 224, [[109, 112]]), 224, 224).hit).toBe(1); // √(81 + 144) = 15
    expect(pointingGame(big, at(224, 224, [[109, 113]]), 224, 224).hit).toBe(0); // √250 ≈ 15.8
  });

  it('takes the first maximum in row-major order and gives NaN without ground truth', () => {
    const tie = new Float32Array(100);
    tie[30] = 1;
    tie[7] = 1;
    expect(pointingGame(tie, at(10, 10, [[7, 0]]), 10, 10, 0)).toMatchObject({ hit: 1, point: { x: 7, y: 0 } });
    expect(pointingGame(map, new Uint8Array(100), 10, 10).hit).toBeNaN();
  });

  it('points at the centre of a patch that holds the maximum (a nearest-upsampled patch map), not its corner', () => {
    const patchMap = new Float32Array(100);
    for (let y = 4; y < 8; y++) for (let x = 2; x < 6; x++) patchMap[y * 10 + x] = 3; // a 4×4 patch, centroid (3.5, 5.5)
    expect(pointingGame(patchMap, at(10, 10, [[3, 5]]), 10, 10, 0).point).toEqual({ x: 3, y: 5 });
  });

  it('names bad parameters', () => {
    expectVerdict(() => pointingGame(map, new Uint8Array(99), 10, 10), 'explain.bad-params', 'mask');
    expectVerdict(() => pointingGame(map, new Uint8Array(100), 10, 10, -1), 'explain.bad-params', 'tolerance');
  });
});
