// A Verdict (all services, real SQLite file, every migration) on a fresh temp folder.
import { join } from 'node:path';
import { createVerdict, type Verdict } from '../../main/verdict';
import { silentLog } from '../../main/log';
import { tempDir } from './data';

export function testVerdict(): Verdict & { dbPath: string } {
  const dbPath = join(tempDir('verdict-db-'), 'study.db');
  return Object.assign(createVerdict({ dbPath, host: 'cli', log: silentLog }), { dbPath });
}
