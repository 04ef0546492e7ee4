// A first launch as a user makes it: the real loopback host on an empty data folder imports the
// demo study and computes the demo models' first maps — asking each pack only for what it offers,
// so nothing is logged as an error (an attribute or prototype pack asked for CDAM used to log a
// stack trace per case and get no maps at all).
import { afterAll, expect, test } from 'vitest';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServeProcess, type ServeProcess } from '../../../tests/support/serve-process';

let host: ServeProcess | undefined;
afterAll(async () => {
  await host?.stop();
  if (host) rmSync(host.dataDir, { recursive: true, force: true });
});

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out; host output:\n${host?.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a first launch imports the demo, computes every demo pack’s maps and logs no error', async () => {
  host = await startServeProcess({ demo: true });
  await until(() => /demo study ready: (\d+) cases, (\d+) explanation maps/.test(host!.output()), 170_000);
  expect(host.errors()).toBe('');

  const db = new Database(join(host.dataDir, 'study.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.pack_id AS pack, group_concat(DISTINCT e.method) AS methods, count(*) AS n
      FROM explanation e JOIN model m ON m.id = e.model_id GROUP BY m.pack_id ORDER BY m.pack_id`,
      )
      .all() as { pack: string; methods: string; n: number }[];
    const byPack = Object.fromEntries(rows.map((r) => [r.pack, r.methods.split(',').sort()]));
    // Each demo pack got maps of the methods it offers — the self-explaining ones theirs, not CDAM; the CNN its CAM.
    expect(byPack).toEqual({
      'isic-cnn': ['cam'],
      'isic-explicd': ['attention', 'attribute-map'],
      'isic-protofm': ['attention', 'prototype-map'],
      'isic-vit': ['attention', 'cdam'],
      'lidc-vit': ['attention', 'cdam'],
    });
    const reported = Number(/explanation maps computed/.test(host.output()) && /(\d+) explanation maps computed/.exec(host.output())![1]);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(reported);
  } finally {
    db.close();
  }
}, 200_000);
