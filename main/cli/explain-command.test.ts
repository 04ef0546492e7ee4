// `verdict explain` as users run it (bin/verdict.js in a child process) on LIDC-IDRI-0001 with the
// LIDC test pack.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVerdict } from '../../tests/support/run-verdict';
import { lidc0001, tempDir } from '../../tests/support/data';
import { LIDC_PACK } from '../services/models/test-packs';

const run = (...args: string[]) => runVerdict(args);

const db = join(tempDir(), 'study.db');
beforeAll(async () => {
  expect((await run('import', lidc0001, '--db', db, '--json')).code).toBe(0);
}, 120_000);

describe('verdict explain', () => {
  it('explains the largest nodule when --nodule is left out, naming a pack by its folder', async () => {
    const r = await run(
      'explain',
      '--db',
      db,
      '--model',
      LIDC_PACK,
      '--case',
      'CT-001',
      '--method',
      'cdam',
      '--target',
      'malignant',
      '--json',
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      model: { packId: 'test-vit-lidc' },
      case: { label: 'CT-001', noduleId: 1 },
      method: 'cdam',
      target: 'malignant',
      provider: 'cpu',
      cached: false,
    });
    expect(out.map.grid).toBe('8×8');
    expect(out.map.top).toHaveLength(5);
    expect(out.map.top[0].value).toBe(out.map.max);
    expect(out.map.min).toBeLessThan(out.map.max);
    expect(out.outputs.find((o: { name: string }) => o.name === 'malignant').probability).toBeGreaterThan(0);
    expect(out.placement).toMatchObject({ kind: 'ct-slice', width: 64, height: 64 });
  });

  it('prints a text summary, by pack id, from the cache the second time', async () => {
    const args = [
      'explain',
      '--db',
      db,
      '--model',
      'test-vit-lidc',
      '--case',
      '1',
      '--method',
      'integrated-cdam',
      '--target',
      'spiculation',
      '--steps',
      '20',
    ];
    const first = await run(...args);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^test-vit-lidc 0\.1\.0 on CT-001 nodule 1: integrated-cdam of spiculation \{"steps":20\}\nprovider cpu, computed in [\d.]+ ms/,
    );
    expect(first.stdout).toMatch(/map 8×8: min .*, max .*, mean /);
    expect(first.stdout).toMatch(/top patches \(row, col\): \(\d, \d\) /);
    expect((await run(...args)).stdout).toContain('from the cache');
  });

  it('refuses a bad target, naming the valid ones, and explains its usage', async () => {
    const bad = await run('explain', '--db', db, '--model', 'test-vit-lidc', '--case', 'CT-001', '--method', 'cdam', '--target', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"nope" is not an output .*"malignant"/);
    const usage = await run('explain', '--db', db);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage: verdict explain --db FILE --model PACK --case ID');
    const missing = await run(
      'explain',
      '--db',
      join(tempDir(), 'none.db'),
      '--model',
      'x',
      '--case',
      '1',
      '--method',
      'cdam',
      '--target',
      'x',
    );
    expect(missing.stderr).toContain('No study database');
  });
});
