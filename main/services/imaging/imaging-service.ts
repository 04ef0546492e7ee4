// Pixels for the viewer. Main owns decoding: CT slices leave as HU, colour images as RGBA,
// masks as 0/1 bytes. Every file is checked against the SHA-256 recorded at import, so a
// file changed on disk is reported instead of being shown as if it were the imported one.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { CtSlice, MaskImage, RgbaImage } from '../../../app/domain';
import { VerdictError } from '../../../app/errors';
import { decodeFramesFromBytes, loadSlice } from './dicom';
import { decodeMask, decodeRgb } from './isic';
import { PixelCache } from './pixel-cache';

type Cached = { byteLength: number; value: CtSlice | RgbaImage | MaskImage };

const CACHE_BYTES = 256 * 1024 * 1024;

export class ImagingService {
  readonly #db: Database;
  readonly #cache = new PixelCache<Cached>(CACHE_BYTES);

  constructor(db: Database) {
    this.#db = db;
  }

  /** Reads a file and checks it is the one imported. */
  async #verifiedBytes(path: string, sha256: string): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      throw new VerdictError('file.not-found', `${basename(path)} is no longer at ${path}; re-import the folder or restore the file.`, {
        path,
      });
    }
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new VerdictError(
        'file.changed',
        `${basename(path)} has changed since it was imported; Verdict will not show different pixels under the same case.`,
        { path },
      );
    }
    return bytes;
  }

  async #cached<T extends CtSlice | RgbaImage | MaskImage>(key: string, make: () => Promise<{ value: T; byteLength: number }>): Promise<T> {
    const hit = this.#cache.get(key);
    if (hit) return hit.value as T;
    const made = await make();
    this.#cache.set(key, made);
    return made.value;
  }

  ctSlice(seriesId: number, index: number): Promise<CtSlice> {
    return this.#cached(`ct/${seriesId}/${index}`, async () => {
      const row = this.#db
        .prepare('SELECT path, sha256, frame, rows, columns, slice_position AS position FROM image WHERE series_id = ? AND slice_index = ?')
        .get(seriesId, index) as
        { path: string; sha256: string; frame: number; rows: number; columns: number; position: number } | undefined;
      if (!row) throw new VerdictError('not-found', `Series ${seriesId} has no slice ${index}.`, { seriesId, index });
      const bytes = await this.#verifiedBytes(row.path, row.sha256);
      const { hu } = await loadSlice({ path: row.path, frame: row.frame }, { bytes: new Map([[row.path, bytes]]) });
      if (!hu) throw new VerdictError('dicom.bad-value', `${basename(row.path)} is not a greyscale slice.`, { path: row.path });
      const value: CtSlice = {
        seriesId,
        index,
        rows: row.rows,
        columns: row.columns,
        position: row.position,
        hu: hu.buffer.slice(hu.byteOffset, hu.byteOffset + hu.byteLength) as ArrayBuffer,
      };
      return { value, byteLength: hu.byteLength };
    });
  }

  dermoImage(imageId: number): Promise<RgbaImage> {
    return this.#cached(`rgba/${imageId}`, async () => {
      const row = this.#db
        .prepare("SELECT path, sha256, kind FROM image WHERE id = ? AND kind IN ('dermoscopy', 'dicom-image')")
        .get(imageId) as { path: string; sha256: string; kind: 'dermoscopy' | 'dicom-image' } | undefined;
      if (!row) throw new VerdictError('not-found', `No image with id ${imageId}.`, { imageId });
      const bytes = await this.#verifiedBytes(row.path, row.sha256);
      const img = row.kind === 'dermoscopy' ? await decodeRgb(row.path) : rgbaFromDicom(await decodeFramesFromBytes(bytes, row.path, [0]));
      const rgba = img.rgba.buffer.slice(img.rgba.byteOffset, img.rgba.byteOffset + img.rgba.byteLength) as ArrayBuffer;
      return { value: { width: img.width, height: img.height, rgba }, byteLength: rgba.byteLength };
    });
  }

  mask(maskId: number): Promise<MaskImage> {
    return this.#cached(`mask/${maskId}`, async () => {
      const row = this.#db
        .prepare(
          'SELECT m.path, m.sha256, i.columns AS width, i.rows AS height FROM mask m JOIN image i ON i.id = m.image_id WHERE m.id = ?',
        )
        .get(maskId) as { path: string; sha256: string; width: number; height: number } | undefined;
      if (!row) throw new VerdictError('not-found', `No mask with id ${maskId}.`, { maskId });
      await this.#verifiedBytes(row.path, row.sha256);
      const m = await decodeMask(row.path, { width: row.width, height: row.height });
      const mask = m.mask.buffer.slice(m.mask.byteOffset, m.mask.byteOffset + m.mask.byteLength) as ArrayBuffer;
      return { value: { width: m.width, height: m.height, mask }, byteLength: mask.byteLength };
    });
  }
}

/** A decoded DICOM frame as RGBA: colour as it is, greyscale spread over its own range. */
function rgbaFromDicom(frames: Awaited<ReturnType<typeof decodeFramesFromBytes>>): { width: number; height: number; rgba: Uint8Array } {
  const f = frames[0];
  const n = f.rows * f.columns;
  const rgba = new Uint8Array(n * 4);
  if (f.kind === 'rgb') {
    for (let i = 0; i < n; i++) {
      rgba[i * 4] = f.pixels[i * 3];
      rgba[i * 4 + 1] = f.pixels[i * 3 + 1];
      rgba[i * 4 + 2] = f.pixels[i * 3 + 2];
      rgba[i * 4 + 3] = 255;
    }
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of f.pixels) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    const invert = f.photometric === 'MONOCHROME1';
    for (let i = 0; i < n; i++) {
      const g = Math.round((f.pixels[i] - lo) * scale);
      rgba.fill(invert ? 255 - g : g, i * 4, i * 4 + 3);
      rgba[i * 4 + 3] = 255;
    }
  }
  return { width: f.columns, height: f.rows, rgba };
}
