// The transfer-syntax registry: one place that says what each UID is called, how its pixel data
// is stored and which decoder (if any) opens it. Names follow DICOM PS3.6 Annex A so that error
// messages match what a user finds in their PACS or in dcmdump.

export type PixelDecoder =
  | 'native' // uncompressed, the byte order given by `bigEndian`
  | 'rle' // PS3.5 Annex G, our own decoder
  | 'jpeg-8bit' // libjpeg-turbo (8-bit baseline/extended/progressive only; 12-bit is refused)
  | 'jpeg-lossless' // jpeg-lossless-decoder-js (process 14)
  | 'jpeg-ls' // CharLS
  | 'jpeg-2000' // OpenJPEG
  | null; // Verdict cannot decode it

export type TransferSyntax = {
  uid: string;
  name: string;
  decoder: PixelDecoder;
  encapsulated: boolean;
  bigEndian: boolean;
  deflated: boolean;
  lossy: boolean;
  retired: boolean;
};

type Row = [uid: string, name: string, decoder: PixelDecoder, lossy: boolean, retired?: boolean];

const NATIVE: Row[] = [
  ['1.2.840.10008.1.2', 'Implicit VR Little Endian', 'native', false],
  ['1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native', false],
  ['1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'native', false],
  ['1.2.840.10008.1.2.2', 'Explicit VR Big Endian', 'native', false, true],
];

const ENCAPSULATED: Row[] = [
  ['1.2.840.10008.1.2.5', 'RLE Lossless', 'rle', false],
  ['1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'jpeg-8bit', true],
  // 4.51 usually holds 12-bit data, which the 8-bit codec refuses; 8-bit 4.51 streams decode.
  ['1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'jpeg-8bit', true],
  ['1.2.840.10008.1.2.4.52', 'JPEG Extended (Process 3 & 5)', null, true, true],
  ['1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)', 'jpeg-8bit', true, true],
  ['1.2.840.10008.1.2.4.54', 'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)', null, true, true],
  ['1.2.840.10008.1.2.4.55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)', 'jpeg-8bit', true, true],
  ['1.2.840.10008.1.2.4.56', 'JPEG Full Progression, Non-Hierarchical (Process 11 & 13)', null, true, true],
  ['1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'jpeg-lossless', false],
  ['1.2.840.10008.1.2.4.58', 'JPEG Lossless, Non-Hierarchical (Process 15)', null, false, true],
  ['1.2.840.10008.1.2.4.59', 'JPEG Extended, Hierarchical (Process 16 & 18)', null, true, true],
  ['1.2.840.10008.1.2.4.60', 'JPEG Extended, Hierarchical (Process 17 & 19)', null, true, true],
  ['1.2.840.10008.1.2.4.61', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22)', null, true, true],
  ['1.2.840.10008.1.2.4.62', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23)', null, true, true],
  ['1.2.840.10008.1.2.4.63', 'JPEG Full Progression, Hierarchical (Process 24 & 26)', null, true, true],
  ['1.2.840.10008.1.2.4.64', 'JPEG Full Progression, Hierarchical (Process 25 & 27)', null, true, true],
  ['1.2.840.10008.1.2.4.65', 'JPEG Lossless, Hierarchical (Process 28)', null, false, true],
  ['1.2.840.10008.1.2.4.66', 'JPEG Lossless, Hierarchical (Process 29)', null, false, true],
  [
    '1.2.840.10008.1.2.4.70',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
    'jpeg-lossless',
    false,
  ],
  ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', 'jpeg-ls', false],
  ['1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'jpeg-ls', true],
  ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'jpeg-2000', false],
  ['1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'jpeg-2000', true],
  ['1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', null, false],
  ['1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component Image Compression', null, true],
  ['1.2.840.10008.1.2.4.94', 'JPIP Referenced', null, false],
  ['1.2.840.10008.1.2.4.95', 'JPIP Referenced Deflate', null, false],
  ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', null, true],
  ['1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level', null, true],
  ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', null, true],
  ['1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', null, true],
  ['1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', null, true],
  ['1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', null, true],
  ['1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', null, true],
  ['1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1', null, true],
  ['1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1', null, true],
  ['1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', null, false],
  ['1.2.840.10008.1.2.4.111', 'JPEG XL JPEG Recompression', null, false],
  ['1.2.840.10008.1.2.4.112', 'JPEG XL', null, true],
  ['1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', null, false],
  ['1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', null, false],
  ['1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000 Image Compression', null, true],
  ['1.2.840.10008.1.2.4.204', 'JPIP HTJ2K Referenced', null, false],
  ['1.2.840.10008.1.2.4.205', 'JPIP HTJ2K Referenced Deflate', null, false],
  ['1.2.840.10008.1.2.6.1', 'RFC 2557 MIME encapsulation', null, false, true],
  ['1.2.840.10008.1.2.6.2', 'XML Encoding', null, false, true],
  ['1.2.840.10008.1.2.7.1', 'SMPTE ST 2110-20 Uncompressed Progressive Active Video', null, false],
  ['1.2.840.10008.1.2.7.2', 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video', null, false],
  ['1.2.840.10008.1.2.7.3', 'SMPTE ST 2110-30 PCM Digital Audio', null, false],
];

const toSyntax = ([uid, name, decoder, lossy, retired = false]: Row, encapsulated: boolean): TransferSyntax => ({
  uid,
  name,
  decoder,
  encapsulated,
  bigEndian: uid === '1.2.840.10008.1.2.2',
  deflated: uid === '1.2.840.10008.1.2.1.99',
  lossy,
  retired,
});

const REGISTRY: ReadonlyMap<string, TransferSyntax> = new Map([
  ...NATIVE.map((r) => [r[0], toSyntax(r, false)] as const),
  ...ENCAPSULATED.map((r) => [r[0], toSyntax(r, true)] as const),
]);

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** The registry entry, or null for a UID that is not a transfer syntax we know of. */
export const transferSyntax = (uid: string): TransferSyntax | null => REGISTRY.get(uid) ?? null;

/** The PS3.6 name of a transfer syntax; unknown UIDs say so rather than returning ''. */
export const transferSyntaxName = (uid: string): string => REGISTRY.get(uid)?.name ?? 'unknown transfer syntax';

/** Every UID Verdict can decode at least some files of (the JPEG 8-bit ones only for 8-bit streams). */
export const decodableTransferSyntaxes = (): string[] => [...REGISTRY.values()].filter((s) => s.decoder !== null).map((s) => s.uid);
