// Reads NumPy .npy files (format version 1–3, little-endian int16/uint8/float32 C-order arrays),
// whole or a few rows of the first axis, for tests that use ../shared/data's arrays.
import { closeSync, openSync, readSync } from 'node:fs';

export type NpyArray = { shape: number[]; data: Int16Array | Uint8Array | Float32Array };

const TYPES = { '<i2': Int16Array, '|u1': Uint8Array, '<f4': Float32Array } as const;

export function readNpyRows(path: string, rows: number[]): NpyArray {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path} is not a .npy file`);
    const version = head[6];
    const headerLen = version === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
    const offset = (version === 1 ? 10 : 12) + headerLen;
    const header = Buffer.alloc(headerLen);
    readSync(fd, header, 0, headerLen, version === 1 ? 10 : 12);
    const text = header.toString('latin1');
    const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1] as keyof typeof TYPES;
    if (!TYPES[descr] || /'fortran_order':\s*True/.test(text)) throw new Error(`${path}: unsupported array ${text.trim()}`);
    const shape = (/'shape':\s*\(([^)]*)\)/.exec(text)?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    const Type = TYPES[descr];
    const rowItems = shape.slice(1).reduce((a, b) => a * b, 1);
    const rowBytes = rowItems * Type.BYTES_PER_ELEMENT;
    const out = new Type(rows.length * rowItems);
    const buf = Buffer.alloc(rowBytes);
    rows.forEach((r, i) => {
      if (r < 0 || r >= shape[0]) throw new Error(`${path}: row ${r} out of range 0…${shape[0] - 1}`);
      readSync(fd, buf, 0, rowBytes, offset + r * rowBytes);
      out.set(new Type(buf.buffer.slice(buf.byteOffset, buf.byteOffset + rowBytes)), i * rowItems);
    });
    return { shape: [rows.length, ...shape.slice(1)], data: out };
  } finally {
    closeSync(fd);
  }
}
