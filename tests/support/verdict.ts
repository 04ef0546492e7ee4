// A Verdict (all services, real SQLite file, every migration) on a fresh temp folder.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createVerdict, type Verdict } from '../../main/verdict';
import { silentLog } from '../../main/log';
import { tempDir } from './data';

export function testVerdict(): Verdict & { dbPath: string } {
  const dbPath = join(tempDir('verdict-db-'), 'study.db');
  return Object.assign(createVerdict({ dbPath, host: 'cli', log: silentLog }), { dbPath });
}

/** For a test file: fresh() gives a new test Verdict, each closed after the test that opened it. */
export function verdictPerTest(): () => ReturnType<typeof testVerdict> {
  const open: ReturnType<typeof testVerdict>[] = [];
  afterEach(() => open.splice(0).forEach((v) => v.close()));
  return () => {
    const v = testVerdict();
    open.push(v);
    return v;
  };
}
