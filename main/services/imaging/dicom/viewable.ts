// What the viewer will do with an instance, checked at import so that a case never imports and
// then fails to open: greyscale files become CT slices (every frame is shown, as HU), colour ones
// (three samples, or a palette) become single images (the first frame is shown, as RGB). The
// check decodes what the viewer will decode: the first frame always, and every frame of a
// compressed greyscale file, since only decoding finds damage inside a codestream. Uncompressed
// frames past the first cannot fail differently: their lengths were checked with the header.
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import { decodeFrame } from './decode-frame';
import type { OpenedDicom } from './open-dataset';
import type { DecodedFrame, DicomInstance } from './types';

export type DisplayKind = 'greyscale' | 'colour';

export const displayKind = (inst: Pick<DicomInstance, 'samplesPerPixel' | 'photometricInterpretation'>): DisplayKind =>
  inst.samplesPerPixel === 3 || inst.photometricInterpretation === 'PALETTE COLOR' ? 'colour' : 'greyscale';

const notGreyscale = (inst: DicomInstance, frame: DecodedFrame): VerdictError =>
  new VerdictError(
    'dicom.bad-value',
    `${basename(inst.path)}: its header describes a greyscale image, but it decodes to ${frame.kind === 'rgb' ? 'colour' : frame.kind}.`,
    {
      path: inst.path,
    },
  );

/** Decode what the viewer will show; throws the viewer's refusal now instead. */
export const assertViewable = async (opened: OpenedDicom, instance: DicomInstance): Promise<void> => {
  const src = { opened, instance };
  const first = await decodeFrame(src, 0);
  if (displayKind(instance) === 'colour') return;
  if (first.kind !== 'mono') throw notGreyscale(instance, first);
  if (!opened.syntax?.encapsulated) return;
  for (let f = 1; f < instance.numberOfFrames; f++) {
    const frame = await decodeFrame(src, f);
    if (frame.kind !== 'mono') throw notGreyscale(instance, frame);
  }
};
