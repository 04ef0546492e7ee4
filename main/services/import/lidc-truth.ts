// Turns one LIDC reader XML plus the slices of its CT series into rows for the study database:
// readers, physical nodules (the readers' marks clustered as pylidc does), each reader's
// contours on slice indexes, and point marks. Marks outside the imported slices are reported.
import { median } from '../../../app/numeric';
import {
  clusterNodules,
  createSliceMatcher,
  polygonArea,
  type LidcCharacteristics,
  type LidcNoduleMark,
  type LidcReadMessage,
  type SliceRef,
} from '../imaging/lidc';

export type TruthContour = { sliceIndex: number; sopInstanceUid: string; z: number; inclusion: boolean; points: number[] };
export type TruthMark = { reader: number; readerNoduleId: string; characteristics: LidcCharacteristics | null; contours: TruthContour[] };
export type TruthNodule = {
  readerCount: number;
  centroid: { x: number; y: number; sliceIndex: number };
  largestSliceIndex: number;
  diameterMm: number | null;
  medianMalignancy: number | null;
  marks: TruthMark[];
};
export type TruthPoint = { reader: number; kind: 'small-nodule' | 'non-nodule'; id: string; sliceIndex: number; x: number; y: number };
export type LidcTruth = {
  readers: { reader: number; radiologistId: string }[];
  nodules: TruthNodule[];
  points: TruthPoint[];
  warnings: string[];
};

/** Readers are numbered 1…n in the order of their reading sessions in the XML. */
export function buildLidcTruth(message: LidcReadMessage, slices: SliceRef[], pixelSpacing: number, sliceSpacing: number | null): LidcTruth {
  const { match } = createSliceMatcher(slices);
  const warnings: string[] = [];
  const clustering = clusterNodules(message.sessions, { pixelSpacing, ...(sliceSpacing ? { sliceSpacing } : {}) });
  if (!clustering.resolved)
    warnings.push(
      `${message.source}: the readers' marks could not be separated into nodules of ≤4 marks from distinct readers; the closest grouping was kept.`,
    );

  const markOf = (readerIndex: number, noduleId: string): LidcNoduleMark =>
    message.sessions[readerIndex].nodules.find((n) => n.noduleId === noduleId)!;
  let offSeries = 0;
  const nodules: TruthNodule[] = [];
  for (const n of clustering.nodules) {
    const marks: TruthMark[] = n.marks.map((m) => {
      const contours: TruthContour[] = [];
      for (const roi of markOf(m.readerIndex, m.noduleId).rois) {
        const hit = match(roi);
        if (hit.sliceIndex === null) {
          offSeries++;
          continue;
        }
        contours.push({
          sliceIndex: hit.sliceIndex,
          sopInstanceUid: roi.sopInstanceUid,
          z: roi.z,
          inclusion: roi.inclusion,
          points: roi.edgeMap.flatMap((p) => [p.x, p.y]),
        });
      }
      return { reader: m.readerIndex + 1, readerNoduleId: m.noduleId, characteristics: m.characteristics ?? null, contours };
    });
    const areaBySlice = new Map<number, number>();
    for (const mark of marks)
      for (const c of mark.contours) {
        if (!c.inclusion) continue;
        const pts = [];
        for (let i = 0; i < c.points.length; i += 2) pts.push({ x: c.points[i], y: c.points[i + 1] });
        areaBySlice.set(c.sliceIndex, (areaBySlice.get(c.sliceIndex) ?? 0) + polygonArea(pts));
      }
    if (areaBySlice.size === 0) continue; // the whole nodule lies outside the imported slices
    const largest = [...areaBySlice].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    const centreSlice = match({ sopInstanceUid: '', z: n.centroid.z }).sliceIndex ?? largest;
    const diameters = n.marks.map((m) => m.geometry.diameterMm).filter((d) => d > 0);
    nodules.push({
      readerCount: n.readerCount,
      centroid: { x: n.centroid.x, y: n.centroid.y, sliceIndex: centreSlice },
      largestSliceIndex: largest,
      diameterMm: diameters.length ? median(diameters) : null,
      medianMalignancy: n.medianMalignancy,
      marks,
    });
  }

  const points: TruthPoint[] = [];
  for (const p of [...clustering.smallNodules, ...clustering.nonNodules]) {
    const hit = match(p);
    if (hit.sliceIndex === null) {
      offSeries++;
      continue;
    }
    points.push({ reader: p.readerIndex + 1, kind: p.kind, id: p.id, sliceIndex: hit.sliceIndex, x: p.x, y: p.y });
  }
  if (offSeries > 0)
    warnings.push(
      `${message.source}: ${offSeries} contour(s) or point mark(s) lie on slices that are not in this series and were left out.`,
    );
  return {
    readers: message.sessions.map((s, i) => ({ reader: i + 1, radiologistId: s.radiologistId })),
    nodules,
    points,
    warnings,
  };
}
