import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { tempDir } from '../../../tests/support/data';
import { readRegistered, sha256Hex } from './pack-files';
import { LIDC_PACK } from './test-packs';

describe('readRegistered', () => {
  const graph = readFileSync(join(LIDC_PACK, 'backbone.onnx'));
  const ref = { role: 'backbone', path: 'backbone.onnx', sha256: sha256Hex(graph) };
  const write = (bytes: Buffer) => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'backbone.onnx'), bytes);
    return join(dir, 'backbone.onnx');
  };

  it('returns the very bytes of a graph whose hash matches', async () => {
    const bytes = await readRegistered(write(graph), ref);
    expect(bytes.length).toBe(graph.length);
    expect(bytes.equals(graph)).toBe(true);
  });

  it('refuses a graph of the same size with one byte changed, naming it and both hashes', async () => {
    const changed = Buffer.from(graph);
    changed[changed.length >> 1] ^= 0xff;
    const e = await readRegistered(write(changed), ref).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VerdictError);
    expect((e as VerdictError).code).toBe('model.hash-mismatch');
    expect((e as VerdictError).message).toContain(`backbone.onnx: SHA-256 is ${sha256Hex(changed)} but manifest.json says ${ref.sha256}`);
  });
});
