// Public surface of the DICOM service (main process, plain Node). Everything else in this
// folder is an implementation detail and may change.
export { readDicomInstance, instanceFromBytes, type ReadOptions } from './read-header';
export { decodeFrames, decodeFramesFromBytes } from './decode-frame';
export { scanDicomFolder, type ScanOptions } from './scan-folder';
export { buildSeriesPlans } from './series-plan';
export { loadVolume, loadSlice, type LoadOptions, type LoadedSlice } from './load-volume';
export { toHu } from './hu';
export { displayKind, type DisplayKind } from './viewable';
export { preloadCodecs } from './wasm-codecs';
export { transferSyntax, transferSyntaxName, decodableTransferSyntaxes, type TransferSyntax, type PixelDecoder } from './transfer-syntax';
export type {
  DicomInstance,
  DecodedFrame,
  FrameInfo,
  MonoPixels,
  Orientation,
  RefusedFile,
  ScanProgress,
  ScanResult,
  SeriesPlan,
  SkippedFile,
  SliceRef,
  Vec3,
  Volume,
} from './types';
