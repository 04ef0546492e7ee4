// LIDC-IDRI reader XML: parsing, contour geometry, slice matching and grouping marks into nodules.
export { parseLidcXml, MAX_LIDC_XML_BYTES } from './parse-xml';
export { polygonArea, polygonCentroid, maxFeretDiameter, markGeometry, type MarkGeometry } from './geometry';
export {
  matchRoisToSlices,
  createSliceMatcher,
  medianSpacing,
  type SliceRef,
  type SliceHit,
  type MatchedRoi,
  type MatchedMark,
  type UnmatchedRoi,
  type RoiSliceMatch,
} from './slices';
export {
  clusterNodules,
  type ClusterGeometry,
  type ClusterOptions,
  type ClusteredMark,
  type PhysicalNodule,
  type PointMark,
  type LidcClustering,
} from './cluster';
export type {
  LidcReadMessage,
  LidcReadingSession,
  LidcNoduleMark,
  LidcNonNodule,
  LidcRoi,
  LidcCharacteristics,
  Point,
  Vec3,
} from './types';
