// Error constructors shared by reading and decoding, so each refusal reads the same wherever
// it is raised: file name first, then the transfer syntax UID and its name.
import { basename } from 'node:path';
import { VerdictError } from '../../../../app/errors';
import type { DicomInstance } from './types';

type SyntaxOf = Pick<DicomInstance, 'path' | 'transferSyntaxUid' | 'transferSyntaxName'>;

export const unsupportedSyntax = (inst: SyntaxOf, why = ''): VerdictError =>
  new VerdictError(
    'dicom.unsupported-syntax',
    `${basename(inst.path)} uses transfer syntax ${inst.transferSyntaxUid} (${inst.transferSyntaxName}) which Verdict cannot decode${why ? `: ${why}` : ''}.`,
    { path: inst.path, transferSyntaxUid: inst.transferSyntaxUid, transferSyntaxName: inst.transferSyntaxName },
  );

export const decodeFailed = (inst: SyntaxOf, frame: number, why: string): VerdictError =>
  new VerdictError(
    'dicom.decode-failed',
    `${basename(inst.path)}: frame ${frame + 1} (transfer syntax ${inst.transferSyntaxUid}, ${inst.transferSyntaxName}) could not be decoded: ${why}.`,
    { path: inst.path, transferSyntaxUid: inst.transferSyntaxUid, frame },
  );
