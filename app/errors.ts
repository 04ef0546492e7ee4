// One error type for the whole app, with a stable code the UI and tests can rely on.
// Anything thrown that is not a VerdictError is reported as `internal`: its stack is logged in
// main and never sent to the renderer.

export type ErrorCode =
  | 'api.unknown-method'
  | 'api.invalid-args'
  | 'api.unauthorised'
  | 'dicom.not-dicom'
  | 'dicom.unsupported-syntax'
  | 'dicom.missing-tag'
  | 'dicom.bad-value'
  | 'dicom.decode-failed'
  | 'dicom.no-pixel-data'
  | 'series.inconsistent'
  | 'lidc.bad-xml'
  | 'isic.bad-labels'
  | 'isic.bad-image'
  | 'import.cancelled'
  | 'import.busy'
  | 'import.nothing-found'
  | 'db.newer-schema'
  | 'db.migrations-out-of-order'
  | 'db.migration-failed'
  | 'db.corrupt'
  | 'db.wal-lost'
  | 'disk.full'
  | 'model.invalid-manifest'
  | 'model.path-outside-pack'
  | 'model.missing-file'
  | 'model.hash-mismatch'
  | 'model.bad-onnx'
  | 'model.bad-shape'
  | 'model.session-failed'
  | 'model.file-refused'
  | 'model.id-taken'
  | 'model.retired'
  | 'explain.cancelled'
  | 'explain.bad-target'
  | 'explain.bad-params'
  | 'explain.unsupported-method'
  | 'explain.modality-mismatch'
  | 'explain.needs-nodule'
  | 'explain.inference-failed'
  | 'concept.exists'
  | 'auth.failed'
  | 'auth.throttled'
  | 'auth.admin-first'
  | 'reader.exists'
  | 'protocol.invalid'
  | 'protocol.unknown-case'
  | 'protocol.unknown-model'
  | 'protocol.unsupported'
  | 'protocol.frozen'
  | 'study.closed'
  | 'study.not-shown'
  | 'study.not-prepared'
  | 'answer.invalid'
  | 'answer.locked'
  | 'keymap.invalid'
  | 'export.write-failed'
  | 'file.not-found'
  | 'file.changed'
  | 'package.invalid'
  | 'package.tampered'
  | 'package.wrong-study'
  | 'package.not-issued'
  | 'package.untrusted-key'
  | 'package.stale'
  | 'package.forged'
  | 'package.wrong-database'
  | 'key.corrupt'
  | 'not-found'
  | 'internal';

export type ErrorDetail = Record<string, string | number>;

export class VerdictError extends Error {
  readonly code: ErrorCode;
  readonly detail?: ErrorDetail;
  constructor(code: ErrorCode, message: string, detail?: ErrorDetail) {
    super(message);
    this.name = 'VerdictError';
    this.code = code;
    this.detail = detail;
  }
}

/** What crosses a host boundary: never a stack trace. */
export type WireError = { code: ErrorCode; message: string; detail?: ErrorDetail };

export const toWireError = (e: unknown): WireError =>
  e instanceof VerdictError
    ? { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) }
    : isDiskFull(e)
      ? { code: 'disk.full', message: DISK_FULL_MESSAGE }
      : { code: 'internal', message: 'Internal error (see the main-process log).' };

/** A write that failed for want of space: SQLite's SQLITE_FULL (its transaction rolled back) or the OS's ENOSPC. */
export const isDiskFull = (e: unknown): boolean => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
};

export const DISK_FULL_MESSAGE = 'Not saved: the disk is full. Nothing was written; free some disk space and it can be saved again.';
