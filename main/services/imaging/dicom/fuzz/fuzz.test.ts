// The fast subset of the DICOM mutation test (npm run fuzz runs 2,000): 200 seeded mutants of the
// conformance files through import and view, each in a child process so that a crash is counted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE } from '../test-fixtures';
import { describeSource, mutant } from './mutate';
import { runFuzz } from './run-fuzz';

describe('DICOM mutation test (fast subset)', () => {
  it('mutants are reproducible by their number, and differ from their source', () => {
    const rel = 'cornerstone-loader/CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm';
    const source = describeSource(rel, new Uint8Array(readFileSync(join(CONFORMANCE, rel))));
    expect(source.fields.length).toBeGreaterThan(20);
    expect(source.items.length).toBe(2); // the offset table and the one fragment
    for (let i = 0; i < 20; i++) {
      const a = mutant([source], 7, i);
      expect(Buffer.from(mutant([source], 7, i).bytes).equals(Buffer.from(a.bytes))).toBe(true);
      expect(Buffer.from(a.bytes).equals(Buffer.from(source.bytes))).toBe(false);
    }
  });

  it('200 mutants: no crash, no hang over 10 s, nothing accepted at import and refused at view, RSS under 1 GB', async () => {
    const report = await runFuzz({ root: CONFORMANCE, seed: 1616, mutants: 200, workers: 2 });
    expect(report.crashes).toEqual([]);
    expect(report.hangs).toEqual([]);
    expect(report.viewRefusals).toEqual([]);
    expect(report.refusedAtImport + report.accepted).toBe(200);
    // Both outcomes occur: the mutants are neither all harmless nor all broken.
    expect(report.accepted).toBeGreaterThan(20);
    expect(report.refusedAtImport).toBeGreaterThan(20);
    expect(report.peakRssMb).toBeLessThan(1024);
  }, 180_000);
});
