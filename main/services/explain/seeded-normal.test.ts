// Known answers from models/exporter/prng.py (the exporter's generator), and the first values
// recorded in each test pack's fixtures.json.
import { describe, expect, it } from 'vitest';
import { ISIC_PACK, LIDC_PACK, readFixtures } from '../models/test-packs';
import { mulberry32 } from '../../../app/mulberry32';
import { normalTable, seededNormals } from './seeded-normal';

describe('seeded normals', () => {
  it("mulberry32 gives prng.py's uniforms", () => {
    const u = mulberry32(1234);
    expect([u(), u(), u()]).toEqual([0.07329497812315822, 0.7034119898453355, 0.9028560190927237]);
    const z = mulberry32(0);
    expect([z(), z()]).toEqual([0.26642920868471265, 0.0003297457005828619]);
  });

  it("Box–Muller pairs give prng.py's normals (cos first, then sin)", () => {
    const ours = Array.from(seededNormals(42, 5));
    const python = [-0.956162229384149, 0.3220702493215296, -0.2730261048826104, -0.4946727576767142, -1.8416271847835968];
    ours.forEach((v, i) => expect(v).toBeCloseTo(python[i], 14));
  });

  it.each([
    ['lidc', LIDC_PACK],
    ['isic', ISIC_PACK],
  ])('equals the first values recorded in the %s fixtures', (_name, pack) => {
    const { seed, first } = readFixtures(pack).normals;
    const ours = seededNormals(seed, first.length);
    first.forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 14));
  });

  it('is reproducible from its seed and differs between seeds', () => {
    expect(Array.from(seededNormals(7, 100))).toEqual(Array.from(seededNormals(7, 100)));
    expect(seededNormals(7, 1)[0]).not.toBe(seededNormals(8, 1)[0]);
    // An odd count ends on the cosine of the last pair.
    expect(seededNormals(7, 3)[2]).toBe(seededNormals(7, 4)[2]);
    const many = seededNormals(3, 20000);
    const mean = many.reduce((a, b) => a + b, 0) / many.length;
    const variance = many.reduce((a, b) => a + (b - mean) ** 2, 0) / many.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });

  it('remembers a table per seed and count, equal to the generator in float32', () => {
    const a = normalTable(5, 1001);
    expect(normalTable(5, 1001)).toBe(a);
    expect(Array.from(a)).toEqual(Array.from(Float32Array.from(seededNormals(5, 1001))));
    expect(normalTable(6, 1001)).not.toBe(a);
  });
});
