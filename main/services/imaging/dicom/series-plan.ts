// Instances → one plan per series: slices sorted by position along the slice normal (never by
// file name or InstanceNumber, which scanners and anonymisers do not keep in order), the slice
// spacing, and warnings for gaps, duplicates and inconsistent geometry.
import { median } from '../../../../app/numeric';
import { dot, sameOrientation, sliceNormal } from './geometry';
import type { DicomInstance, Orientation, SeriesPlan, SliceRef } from './types';

const GAP_FACTOR = 1.5;
const SAME_POSITION_MM = 1e-3;

const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

/** The value most instances share, and how many differ from it. */
const majority = <T>(items: DicomInstance[], key: (i: DicomInstance) => T, id: (v: T) => string) => {
  const counts = new Map<string, { value: T; n: number }>();
  for (const it of items) {
    const v = key(it);
    const k = id(v);
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { value: v, n: 1 });
  }
  const best = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  return { value: best.value, others: items.length - best.n };
};

const byInstanceOrder = (a: DicomInstance, b: DicomInstance): number =>
  (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity) ||
  a.sopInstanceUid.localeCompare(b.sopInstanceUid) ||
  a.path.localeCompare(b.path);

const expandSlices = (instances: DicomInstance[], normal: SeriesPlan['normal'], warnings: string[]): SliceRef[] => {
  const ordered = [...instances].sort(byInstanceOrder);
  const refs: SliceRef[] = [];
  for (const inst of ordered) {
    for (let frame = 0; frame < inst.numberOfFrames; frame++) {
      // A multi-frame file without per-frame positions has one position for all its frames.
      const position = inst.frames?.[frame]?.position ?? (inst.numberOfFrames === 1 ? inst.imagePositionPatient : null);
      refs.push({ path: inst.path, frame, sopInstanceUid: inst.sopInstanceUid, position, z: refs.length });
    }
  }
  if (normal && refs.every((r) => r.position !== null)) {
    for (const r of refs) r.z = dot(r.position!, normal);
    // Stable sort: equal positions keep the instance/frame order, which does not depend on file names.
    refs.sort((a, b) => a.z - b.z);
  } else if (refs.length > 1) {
    warnings.push(
      'The files carry no usable slice positions: slices are ordered by instance number and frame, and the slice spacing is unknown.',
    );
  }
  return refs;
};

const spacingAndGaps = (slices: SliceRef[], warnings: string[]): { sliceSpacing: number | null; gapsAfter: number[] } => {
  const diffs = slices.slice(1).map((s, i) => s.z - slices[i].z);
  const duplicates = diffs.filter((d) => d < SAME_POSITION_MM).length;
  if (duplicates > 0)
    warnings.push(`${duplicates} slice(s) share a position with their neighbour (duplicates or more than one acquisition in the series).`);
  const steps = diffs.filter((d) => d >= SAME_POSITION_MM);
  if (steps.length === 0) return { sliceSpacing: null, gapsAfter: [] };
  const spacing = median(steps);
  const gapsAfter: number[] = [];
  diffs.forEach((d, i) => {
    if (d > GAP_FACTOR * spacing) {
      gapsAfter.push(i);
      const missing = Math.round(d / spacing) - 1;
      warnings.push(
        `About ${missing} slice(s) missing between z = ${fmt(slices[i].z)} and ${fmt(slices[i + 1].z)} mm (gap ${fmt(d)} mm, spacing ${fmt(spacing)} mm).`,
      );
    }
  });
  const irregular = steps.filter((d) => d <= GAP_FACTOR * spacing && Math.abs(d - spacing) > 0.1 * spacing);
  if (irregular.length > 0)
    warnings.push(`Slice spacing is irregular: ${irregular.length} step(s) differ from ${fmt(spacing)} mm by more than 10%.`);
  return { sliceSpacing: spacing, gapsAfter };
};

const planSeries = (instances: DicomInstance[]): SeriesPlan => {
  const warnings: string[] = [];
  const first = [...instances].sort(byInstanceOrder)[0];
  const size = majority(
    instances,
    (i) => [i.rows, i.columns] as const,
    (v) => v.join('x'),
  );
  if (size.others > 0)
    warnings.push(
      `Inconsistent geometry: ${size.others} file(s) differ from the ${size.value[1]}×${size.value[0]} image size of the rest.`,
    );
  const orient = majority(
    instances,
    (i) => i.imageOrientationPatient,
    (v) => (v ? v.map((x) => x.toFixed(4)).join('\\') : 'none'),
  );
  const orientation: Orientation | null = orient.value;
  const sameAsMajority = (o: Orientation | null): boolean => (o && orientation ? sameOrientation(o, orientation) : o === orientation);
  const turned = instances.filter((i) => !sameAsMajority(i.imageOrientationPatient)).length;
  if (turned > 0) warnings.push(`Inconsistent geometry: ${turned} file(s) have a different ImageOrientationPatient.`);
  const ps = majority(
    instances,
    (i) => i.pixelSpacing,
    (v) => (v ? v.map((x) => x.toFixed(5)).join('\\') : 'none'),
  );
  if (ps.others > 0) warnings.push(`Inconsistent geometry: ${ps.others} file(s) have a different PixelSpacing.`);
  if (ps.value === null) warnings.push('The files carry no PixelSpacing: distances and sizes in mm are unknown.');
  const normal = orientation ? sliceNormal(orientation) : null;
  const slices = expandSlices(instances, normal, warnings);
  const { sliceSpacing, gapsAfter } =
    slices.length > 1 && normal && slices[0].position ? spacingAndGaps(slices, warnings) : { sliceSpacing: null, gapsAfter: [] };
  return {
    seriesInstanceUid: first.seriesInstanceUid,
    studyInstanceUid: first.studyInstanceUid,
    modality: first.modality,
    description: first.seriesDescription,
    transferSyntaxUid: first.transferSyntaxUid,
    rows: size.value[0],
    columns: size.value[1],
    pixelSpacing: ps.value,
    sliceThickness: first.sliceThickness,
    orientation,
    normal,
    sliceSpacing,
    slices,
    gapsAfter,
    warnings,
    window:
      first.windowCenter !== null && first.windowWidth !== null && first.windowWidth > 0
        ? { center: first.windowCenter, width: first.windowWidth }
        : null,
  };
};

/** Group instances by SeriesInstanceUID and plan each series; plans come sorted by series UID. */
export const buildSeriesPlans = (instances: DicomInstance[]): SeriesPlan[] => {
  const groups = new Map<string, DicomInstance[]>();
  const copies = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const inst of instances) {
    // The same SOP instance twice (a copied file) would make a duplicate slice: keep the first.
    const key = `${inst.seriesInstanceUid}|${inst.sopInstanceUid}`;
    if (seen.has(key)) {
      copies.set(inst.seriesInstanceUid, [...(copies.get(inst.seriesInstanceUid) ?? []), inst.path]);
      continue;
    }
    seen.add(key);
    const g = groups.get(inst.seriesInstanceUid);
    if (g) g.push(inst);
    else groups.set(inst.seriesInstanceUid, [inst]);
  }
  return [...groups.keys()].sort().map((uid) => {
    const plan = planSeries(groups.get(uid)!);
    const dup = copies.get(uid);
    if (dup) plan.warnings.push(`${dup.length} file(s) repeat an instance already in the series and were left out (e.g. ${dup[0]}).`);
    return plan;
  });
};
