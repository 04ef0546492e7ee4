// Execution-provider fallback on this machine: onnxruntime-node's CPU build has no CUDA provider
// library, so asking for CUDA fails and the session opens on CPU — and says so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import type { Log } from '../../log';
import { defaultProviders, openSession } from './execution-providers';
import { LIDC_PACK } from './test-packs';

const recordingLog = () => {
  const lines: string[] = [];
  const log: Log = { info: (m) => lines.push(m), error: (m) => lines.push(m) };
  return { log, lines };
};

describe('execution providers', () => {
  it('tries CUDA (and DirectML / CoreML where they exist) before CPU', () => {
    expect(defaultProviders('linux')).toEqual(['cuda', 'cpu']);
    expect(defaultProviders('win32')).toEqual(['cuda', 'dml', 'cpu']);
    expect(defaultProviders('darwin')).toEqual(['coreml', 'cpu']);
  });

  it('falls back to CPU when creating the session with CUDA fails, and logs why', async () => {
    const { log, lines } = recordingLog();
    const { session, provider } = await openSession(
      readFileSync(join(LIDC_PACK, 'backbone.onnx')),
      'lidc-pack/backbone.onnx',
      ['cuda', 'cpu'],
      log,
    );
    try {
      expect(provider).toBe('cpu');
      expect(lines.some((l) => l.includes('could not open with cuda'))).toBe(true);
      expect(lines.at(-1)).toMatch(/lidc-pack\/backbone\.onnx: running on cpu \(cuda failed: .+\)/);
    } finally {
      await session.release();
    }
  });

  it('adds CPU as the last resort even when not asked for', async () => {
    const { log } = recordingLog();
    const { session, provider } = await openSession(readFileSync(join(LIDC_PACK, 'tail.onnx')), 'tail.onnx', ['cuda'], log);
    expect(provider).toBe('cpu');
    await session.release();
  });

  it('refuses with model.session-failed when no provider can open the graph', async () => {
    const { log } = recordingLog();
    const e = await openSession(Buffer.from('not onnx'), 'junk.onnx', ['cuda', 'cpu'], log).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerdictError);
    expect((e as VerdictError).code).toBe('model.session-failed');
    expect((e as VerdictError).message).toMatch(/junk\.onnx: .*cuda failed: .*; cpu failed: /);
  });
});
