import { describe, expect, it } from 'vitest';
import { buildSeriesPlans } from './series-plan';
import type { DicomInstance, Orientation, Vec3 } from './types';

let counter = 0;
const fake = (over: Partial<DicomInstance> = {}): DicomInstance => {
  counter++;
  return {
    path: `/data/f${counter}.dcm`,
    sha256: '',
    sopInstanceUid: `1.2.3.${counter}`,
    sopClassUid: null,
    seriesInstanceUid: '1.2.9',
    studyInstanceUid: '1.2.8',
    modality: 'CT',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    transferSyntaxName: 'Explicit VR Little Endian',
    rows: 4,
    columns: 4,
    numberOfFrames: 1,
    bitsAllocated: 16,
    bitsStored: 16,
    pixelRepresentation: 1,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    planarConfiguration: 0,
    pixelSpacing: [0.7, 0.7],
    sliceThickness: 2.5,
    spacingBetweenSlices: null,
    imagePositionPatient: [0, 0, 0],
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    rescaleSlope: 1,
    rescaleIntercept: -1024,
    windowCenter: 40,
    windowWidth: 400,
    instanceNumber: counter,
    seriesDescription: null,
    studyDate: null,
    manufacturer: null,
    frames: null,
    phi: { patientId: null, patientName: null },
    ...over,
  };
};

const at = (z: number, over: Partial<DicomInstance> = {}) => fake({ imagePositionPatient: [-100, -120, z], ...over });

describe('buildSeriesPlans', () => {
  it('sorts slices by position along the normal, not by input order or InstanceNumber', () => {
    const zs = [5, -2.5, 10, 0, 2.5, 7.5];
    const instances = zs.map((z, i) => at(z, { instanceNumber: 100 - i * 7 }));
    const [plan] = buildSeriesPlans(instances);
    expect(plan.slices.map((s) => s.z)).toEqual([-2.5, 0, 2.5, 5, 7.5, 10]);
    expect(plan.sliceSpacing).toBe(2.5);
    expect(plan.gapsAfter).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.normal).toEqual([0, 0, 1]);
    // same plan whatever the order the files came in
    expect(buildSeriesPlans([...instances].reverse())[0].slices).toEqual(plan.slices);
  });

  it('projects positions on the normal of an oblique (tilted) orientation', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const orient: Orientation = [1, 0, 0, 0, c, s];
    const normal: Vec3 = [0, -s, c];
    const instances = [3, 1, 2].map((k) =>
      fake({ imageOrientationPatient: orient, imagePositionPatient: [0, normal[1] * k * 2, normal[2] * k * 2] }),
    );
    const [plan] = buildSeriesPlans(instances);
    expect(plan.normal![1]).toBeCloseTo(-s);
    expect(plan.slices.map((x) => x.z)).toEqual([2, 4, 6].map((v) => expect.closeTo(v, 9)));
    expect(plan.sliceSpacing).toBeCloseTo(2);
  });

  it('finds missing slices (gaps over 1.5× the median spacing) and says where', () => {
    const [plan] = buildSeriesPlans([0, 2.5, 5, 10, 12.5].map((z) => at(z)));
    expect(plan.sliceSpacing).toBe(2.5);
    expect(plan.gapsAfter).toEqual([2]);
    expect(plan.warnings.join(' ')).toMatch(/About 1 slice\(s\) missing between z = 5 and 10 mm/);
  });

  it('warns about duplicate positions, repeated files and inconsistent geometry', () => {
    const same = at(0);
    const copy = { ...same, path: '/elsewhere/copy.dcm' };
    const odd = at(5, { rows: 8, imageOrientationPatient: [0, 1, 0, 0, 0, -1], pixelSpacing: [0.5, 0.5] });
    const [plan] = buildSeriesPlans([same, copy, at(0), at(2.5), odd]);
    const text = plan.warnings.join('\n');
    expect(plan.slices).toHaveLength(4); // the repeated SOP instance is left out
    expect(text).toMatch(/share a position/);
    expect(text).toMatch(/repeat an instance .*copy\.dcm/);
    expect(text).toMatch(/1 file\(s\) differ from the 4×4 image size/);
    expect(text).toMatch(/different ImageOrientationPatient/);
    expect(text).toMatch(/different PixelSpacing/);
    expect(plan.rows).toBe(4);
  });

  it('groups by SeriesInstanceUID', () => {
    const plans = buildSeriesPlans([
      at(0, { seriesInstanceUid: '2.2' }),
      at(0, { seriesInstanceUid: '1.1' }),
      at(2, { seriesInstanceUid: '2.2' }),
    ]);
    expect(plans.map((p) => [p.seriesInstanceUid, p.slices.length])).toEqual([
      ['1.1', 1],
      ['2.2', 2],
    ]);
  });

  it('a multi-frame file becomes one slice per frame, sorted by per-frame positions', () => {
    const frames = [10, 0, 5].map((z) => ({ position: [0, 0, z] as Vec3, rescaleSlope: 1, rescaleIntercept: 0 }));
    const mf = fake({ numberOfFrames: 3, frames, imagePositionPatient: [0, 0, 10] });
    const [plan] = buildSeriesPlans([mf]);
    expect(plan.slices.map((s) => [s.frame, s.z])).toEqual([
      [1, 0],
      [2, 5],
      [0, 10],
    ]);
    expect(plan.slices.every((s) => s.path === mf.path)).toBe(true);
    expect(plan.sliceSpacing).toBe(5);
  });

  it('without positions, frames stay in order and the spacing is unknown', () => {
    const mf = fake({ numberOfFrames: 3, imagePositionPatient: null, imageOrientationPatient: null, pixelSpacing: null });
    const [plan] = buildSeriesPlans([mf]);
    expect(plan.slices.map((s) => s.frame)).toEqual([0, 1, 2]);
    expect(plan.sliceSpacing).toBeNull();
    expect(plan.warnings.join(' ')).toMatch(/no usable slice positions/);
    expect(plan.warnings.join(' ')).toMatch(/no PixelSpacing/);
  });
});
