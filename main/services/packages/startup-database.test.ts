import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/data';
import { rememberWorkspace, startupDatabase } from './startup-database';

const workspaceIn = (dataDir: string, uuid: string): string => {
  mkdirSync(join(dataDir, 'workspaces', uuid), { recursive: true });
  const db = join(dataDir, 'workspaces', uuid, 'study.db');
  writeFileSync(db, '');
  return db;
};

describe('the database a host opens at start', () => {
  it("is the data folder's study.db until a reader's workstation opens a workspace, then that workspace", () => {
    const data = tempDir('verdict-startup-');
    expect(startupDatabase(data)).toEqual({ dbPath: join(data, 'study.db'), workspace: false });
    const ws = workspaceIn(data, 'a1');
    rememberWorkspace(data, ws, true);
    expect(startupDatabase(data)).toEqual({ dbPath: ws, workspace: true });
    expect(statSync(join(data, 'workspaces', 'current')).mode & 0o777).toBe(0o600);
    // The last one opened wins.
    const second = workspaceIn(data, 'b2');
    rememberWorkspace(data, second, true);
    expect(startupDatabase(data).dbPath).toBe(second);
  });

  it("is not remembered on a coordinator's workstation, nor followed out of the data folder or to a removed workspace", () => {
    const data = tempDir('verdict-startup-');
    rememberWorkspace(data, workspaceIn(data, 'a1'), false);
    expect(startupDatabase(data).workspace).toBe(false);

    const elsewhere = tempDir('verdict-elsewhere-');
    rememberWorkspace(data, workspaceIn(elsewhere, 'x'), true);
    expect(startupDatabase(data).workspace).toBe(false);
    writeFileSync(join(data, 'workspaces', 'current'), '../../' + elsewhere + '/workspaces/x/study.db\n');
    expect(startupDatabase(data).workspace).toBe(false);
    writeFileSync(join(data, 'workspaces', 'current'), 'gone/study.db\n');
    expect(startupDatabase(data).workspace).toBe(false);
  });
});
