// Series plan → HU volume, and one slice → pixels + HU.
//
// The fast path covers uncompressed little-endian 16-bit monochrome frames (almost every CT):
// the header comes from the scan's cache (header-cache.ts) or is parsed from the first 16 KB,
// the pixel bytes are read straight into their slice of the volume (which lives in WebAssembly
// memory, see allocVolumeBuffer) and rescaled there by the SIMD kernel. Anything else is read
// whole and goes through decodeFrame. Files are read synchronously in short bursts between
// event-loop turns (see file-io.ts for why).
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import { decodeFrame } from './decode-frame';
import { readAtSync, readWholeSync, withFileSync, yielder } from './file-io';
import { pixelHeaderMatches, recallHeader, rememberHeader, type FileStamp } from './header-cache';
import { nativeFrameLength } from './frame-bytes';
import { allocVolumeBuffer, rescaleInPlace, toHu, type VolumeBuffer } from './hu';
import { openDicom, type OpenedDicom } from './open-dataset';
import { assertDecodable, instanceFromDataSet } from './read-header';
import { TAG } from './tags';
import { transferSyntax } from './transfer-syntax';
import type { DecodedFrame, DicomInstance, Orientation, SeriesPlan, SliceRef, Vec3, Volume } from './types';

export type LoadOptions = {
  /** Bytes already read (scanDicomFolder's keepBytes), by path; other files are read from disk. */
  bytes?: Map<string, Uint8Array>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
};

type Source = { opened: OpenedDicom; instance: DicomInstance };

const HEAD_BYTES = 16 * 1024;

/** Parse for pixel access: stop at the pixel data unless its fragments are needed. */
const openForPixels = (bytes: Uint8Array, path: string): Source => {
  let opened = openDicom(bytes, path, { untilPixelData: true });
  if (opened.syntax?.encapsulated) opened = openDicom(bytes, path);
  const instance = instanceFromDataSet(opened, path, ''); // hashing is the scan's job
  assertDecodable(opened, instance);
  return { opened, instance };
};

const rescaleOf = (inst: DicomInstance, frame: number) => {
  const f = inst.frames?.[frame];
  return f ? { slope: f.rescaleSlope, intercept: f.rescaleIntercept } : { slope: inst.rescaleSlope, intercept: inst.rescaleIntercept };
};

const isFastPath = (inst: DicomInstance): boolean => {
  const syntax = transferSyntax(inst.transferSyntaxUid);
  return (
    syntax?.decoder === 'native' &&
    !syntax.bigEndian &&
    !syntax.deflated &&
    inst.samplesPerPixel === 1 &&
    inst.photometricInterpretation.startsWith('MONOCHROME') &&
    inst.bitsAllocated === 16 &&
    inst.bitsStored === 16
  );
};

type PixelHeader = { instance: DicomInstance; dataOffset: number; length: number };

/** The scan's record of the file when it is unchanged, else the header parsed from its first bytes. */
const pixelHeader = (fd: number, path: string, stamp: FileStamp, head: Buffer): PixelHeader | null => {
  const cached = recallHeader(path, stamp);
  if (cached && cached.dataOffset >= 12) {
    const before = head.subarray(0, 12);
    if (readAtSync(fd, before, 0, 12, cached.dataOffset - 12) === 12 && pixelHeaderMatches(before, cached.length)) return cached;
  }
  const headLength = readAtSync(fd, head, 0, Math.min(stamp.size, head.length), 0);
  let opened: OpenedDicom;
  try {
    opened = openDicom(head.subarray(0, headLength), path, { untilPixelData: true });
  } catch {
    return null; // a header longer than the head, or a damaged file: the general path says which
  }
  const el = opened.dataSet.elements[TAG.PixelData];
  // Only native pixel data of a Part 10 file has a fixed place in the file to read from.
  if (!el || !opened.part10 || opened.syntax?.decoder !== 'native' || opened.syntax.deflated) return null;
  const found = { instance: instanceFromDataSet(opened, path, ''), dataOffset: el.dataOffset, length: el.length };
  rememberHeader(path, { stamp, ...found });
  return found;
};

const mismatch = (inst: DicomInstance, plan: SeriesPlan): VerdictError =>
  new VerdictError(
    'series.inconsistent',
    `${basename(inst.path)} is ${inst.columns}×${inst.rows} but series ${plan.seriesInstanceUid} is ${plan.columns}×${plan.rows}: its slices cannot be stacked.`,
    { path: inst.path },
  );

const notMono = (inst: DicomInstance, frame: DecodedFrame) =>
  new VerdictError(
    'dicom.bad-value',
    `${basename(inst.path)} is a colour image (${inst.photometricInterpretation}); a volume needs monochrome slices.`,
    {
      path: inst.path,
      kind: frame.kind,
    },
  );

/** The fast path for one file: returns false when the file needs the general path. */
const readFramesDirect = (path: string, plan: SeriesPlan, wanted: number[], vol: VolumeBuffer, head: Buffer): boolean =>
  withFileSync(path, (fd, stamp) => {
    const found = pixelHeader(fd, path, stamp, head);
    if (!found || !isFastPath(found.instance)) return false;
    const inst = found.instance;
    if (inst.rows !== plan.rows || inst.columns !== plan.columns) throw mismatch(inst, plan);
    const frameBytes = nativeFrameLength(inst);
    const perSlice = plan.rows * plan.columns;
    const bytes = new Uint8Array(vol.hu.buffer, vol.hu.byteOffset, vol.hu.byteLength);
    for (const i of wanted) {
      const frame = plan.slices[i].frame;
      // A missing frame or a short element: the general path reports it properly.
      if (frame >= inst.numberOfFrames || found.length < (frame + 1) * frameBytes) return false;
      const got = readAtSync(fd, bytes, i * perSlice * 2, frameBytes, found.dataOffset + frame * frameBytes);
      if (got !== frameBytes) {
        throw new VerdictError(
          'dicom.decode-failed',
          `${basename(path)}: pixel data is truncated (frame ${frame + 1} has ${got} of ${frameBytes} bytes).`,
          { path },
        );
      }
      const { slope, intercept } = rescaleOf(inst, frame);
      rescaleInPlace(vol.hu.subarray(i * perSlice, (i + 1) * perSlice), vol.kernels, inst.pixelRepresentation === 1, slope, intercept);
    }
    return true;
  });

/** The general path for one file: decode each wanted frame and rescale it into its slice. */
const readFramesDecoded = async (bytes: Uint8Array, path: string, plan: SeriesPlan, wanted: number[], vol: VolumeBuffer): Promise<void> => {
  const src = openForPixels(bytes, path);
  if (src.instance.rows !== plan.rows || src.instance.columns !== plan.columns) throw mismatch(src.instance, plan);
  const perSlice = plan.rows * plan.columns;
  for (const i of wanted) {
    const frame = plan.slices[i].frame;
    const decoded = await decodeFrame(src, frame);
    if (decoded.kind !== 'mono') throw notMono(src.instance, decoded);
    const slot = vol.hu.subarray(i * perSlice, (i + 1) * perSlice);
    slot.set(decoded.pixels); // unsigned values keep their bit pattern and are read back unsigned
    const { slope, intercept } = rescaleOf(src.instance, frame);
    rescaleInPlace(slot, vol.kernels, decoded.pixels instanceof Int16Array, slope, intercept);
  }
};

export const loadVolume = async (plan: SeriesPlan, options: LoadOptions = {}): Promise<Volume> => {
  const { slices } = plan;
  if (slices.length === 0) throw new VerdictError('series.inconsistent', `Series ${plan.seriesInstanceUid} has no slices.`);
  const vol = allocVolumeBuffer(plan.rows * plan.columns * slices.length);
  // Each file is read once, however many of its frames the plan uses.
  const byPath = new Map<string, number[]>();
  slices.forEach((s, i) => byPath.set(s.path, [...(byPath.get(s.path) ?? []), i]));
  const pause = yielder();
  const head = Buffer.allocUnsafeSlow(HEAD_BYTES);
  let reuse: Buffer | undefined; // one buffer for whole-file reads: fresh memory costs page faults
  let done = 0;
  for (const [path, wanted] of byPath) {
    await pause();
    if (options.signal?.aborted) throw new VerdictError('import.cancelled', `Loading series ${plan.seriesInstanceUid} was cancelled.`);
    const known = options.bytes?.get(path);
    if (known || !readFramesDirect(path, plan, wanted, vol, head)) {
      const read = known ? { bytes: known, buffer: undefined } : readWholeSync(path, reuse);
      reuse = read.buffer ?? reuse;
      await readFramesDecoded(read.bytes, path, plan, wanted, vol);
    }
    done += wanted.length;
    options.onProgress?.(done, slices.length);
  }
  return volumeOf(plan, vol.hu);
};

const volumeOf = (plan: SeriesPlan, hu: Int16Array): Volume => {
  const warnings = [...plan.warnings];
  const ps = plan.pixelSpacing;
  const z = plan.sliceSpacing ?? plan.sliceThickness;
  if (!ps) warnings.push('No PixelSpacing: 1 mm per pixel assumed.');
  if (plan.slices.length > 1 && z === null) warnings.push('No slice spacing: 1 mm between slices assumed.');
  return {
    hu,
    rows: plan.rows,
    columns: plan.columns,
    slices: plan.slices.length,
    spacing: [ps ? ps[1] : 1, ps ? ps[0] : 1, z ?? 1] as Vec3,
    origin: plan.slices[0].position ?? [0, 0, 0],
    orientation: plan.orientation ?? ([1, 0, 0, 0, 1, 0] as Orientation),
    positions: plan.slices.map((s) => s.position),
    warnings,
  };
};

export type LoadedSlice = { instance: DicomInstance; frame: DecodedFrame; hu: Int16Array | null };

/** One slice for display: its decoded pixels and, for monochrome images, its HU. */
export const loadSlice = async (ref: Pick<SliceRef, 'path' | 'frame'>, options: Pick<LoadOptions, 'bytes'> = {}): Promise<LoadedSlice> => {
  const bytes = options.bytes?.get(ref.path) ?? readWholeSync(ref.path).bytes;
  const src = openForPixels(bytes, ref.path);
  const frame = await decodeFrame(src, ref.frame);
  if (frame.kind !== 'mono') return { instance: src.instance, frame, hu: null };
  const { slope, intercept } = rescaleOf(src.instance, ref.frame);
  return { instance: src.instance, frame, hu: toHu(frame.pixels, slope, intercept) };
};
