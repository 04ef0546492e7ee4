// Framing for the loopback WebSocket host. A message is JSON; any ArrayBuffer or typed array
// inside it travels as raw bytes after the JSON (pixels are never turned into number[]).
// Frame: u32 JSON length | JSON | per buffer: u32 length, bytes (each buffer 8-byte aligned).

const MARK = '__verdictBuffer';

type Placeholder = { [MARK]: number };

const isPlaceholder = (v: unknown): v is Placeholder =>
  typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[MARK] === 'number';

const align8 = (n: number) => (n + 7) & ~7;

export function encodeFrame(message: unknown): Uint8Array<ArrayBuffer> {
  const buffers: Uint8Array[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) {
      buffers.push(new Uint8Array(value));
      return { [MARK]: buffers.length - 1 };
    }
    if (ArrayBuffer.isView(value)) {
      buffers.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return { [MARK]: buffers.length - 1 };
    }
    return value;
  });
  const text = new TextEncoder().encode(json);
  let size = align8(4 + text.length);
  for (const b of buffers) size = align8(size + 4) + align8(b.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, text.length, true);
  out.set(text, 4);
  let at = align8(4 + text.length);
  for (const b of buffers) {
    view.setUint32(at, b.byteLength, true);
    at = align8(at + 4);
    out.set(b, at);
    at += align8(b.byteLength);
  }
  return out;
}

export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.byteLength < 4) throw new Error('Frame too short.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const textLength = view.getUint32(0, true);
  if (4 + textLength > bytes.byteLength) throw new Error('Frame JSON length out of range.');
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + textLength));
  const buffers: ArrayBuffer[] = [];
  let at = align8(4 + textLength);
  while (at < bytes.byteLength) {
    const length = view.getUint32(at, true);
    at = align8(at + 4);
    if (at + length > bytes.byteLength) throw new Error('Frame buffer length out of range.');
    // slice() copies into a fresh, exactly-sized ArrayBuffer the receiver owns.
    buffers.push(bytes.slice(at, at + length).buffer);
    at += align8(length);
  }
  return JSON.parse(json, (_key, value: unknown) => {
    if (!isPlaceholder(value)) return value;
    const buffer = buffers[value[MARK]];
    if (!buffer) throw new Error('Frame refers to a missing buffer.');
    return buffer;
  });
}
