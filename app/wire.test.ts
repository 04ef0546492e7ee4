import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from './wire';

describe('wire frames', () => {
  it('round-trips JSON with binary buffers, typed arrays arriving as ArrayBuffer', () => {
    const hu = new Int16Array([-1024, 0, 3071, -2048, 7]);
    const mask = new Uint8Array([0, 1, 1]);
    const message = { id: 7, ok: true, data: { hu: hu.buffer, nested: [{ mask }], name: 'slice "1"' } };
    const back = decodeFrame(encodeFrame(message)) as {
      id: number;
      data: { hu: ArrayBuffer; nested: { mask: ArrayBuffer }[]; name: string };
    };
    expect(back.id).toBe(7);
    expect(back.data.name).toBe('slice "1"');
    expect(Array.from(new Int16Array(back.data.hu))).toEqual([-1024, 0, 3071, -2048, 7]);
    expect(Array.from(new Uint8Array(back.data.nested[0].mask))).toEqual([0, 1, 1]);
    // Int16Array views need 2-byte alignment: the decoder must hand back aligned buffers.
    expect(back.data.hu.byteLength).toBe(10);
  });

  it('keeps a subarray view to its own bytes', () => {
    const whole = new Uint16Array([1, 2, 3, 4]);
    const back = decodeFrame(encodeFrame({ part: whole.subarray(1, 3) })) as { part: ArrayBuffer };
    expect(Array.from(new Uint16Array(back.part))).toEqual([2, 3]);
  });

  it('refuses a truncated frame', () => {
    const frame = encodeFrame({ data: new Uint8Array(100) });
    expect(() => decodeFrame(frame.subarray(0, frame.length - 60))).toThrow(/out of range/);
  });
});
