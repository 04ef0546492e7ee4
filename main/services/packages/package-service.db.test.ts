// The package service's own rules: where a database's data folder is (a workspace's is the folder it
// was opened in, where the reader key lives), fingerprints compared however they were typed, and
// each side's functions refused on the other side's database.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictPerTest } from '../../../tests/support/verdict';
import { call, PASS, refusal } from '../../../tests/support/study-fixture';
import { canonicalFingerprint, dataFolderOf } from './package-service';

const fresh = verdictPerTest();
const FP = '3f2a 91c0 0b1e 77d4 aa00 1234 5678 9abc def0 0fed cba9 8765 4321 00aa 4d77 e1b0';

describe('package service', () => {
  it('finds the data folder of a study database and of a workspace', () => {
    expect(dataFolderOf('/home/r/.verdict/study.db')).toBe('/home/r/.verdict');
    expect(dataFolderOf('/home/r/.verdict/workspaces/0b6e4c1e-2f7a-4d0e-9d1c-3b8f5a2e7c10/study.db')).toBe('/home/r/.verdict');
    expect(dataFolderOf('/home/r/studies/workspace/study.db')).toBe('/home/r/studies/workspace');
  });

  it('reads a fingerprint typed with any spacing and case, and refuses anything else by name', () => {
    expect(canonicalFingerprint(FP.replaceAll(' ', '').toUpperCase())).toBe(FP);
    expect(canonicalFingerprint(`  ${FP.replaceAll(' ', '  ')} `)).toBe(FP);
    expect(() => canonicalFingerprint(FP.slice(0, -1))).toThrow(/64 hex digits/);
    expect(() => canonicalFingerprint(`${FP.slice(0, -1)}g`)).toThrow(/64 hex digits/);
  });

  it("on a coordinator's database: no workspace, no answer package; the coordinator key is made once, in the data folder", async () => {
    const v = fresh();
    expect(v.packages.workspace()).toBeNull();
    await expect(v.packages.writeAnswers({ out: join(v.packages.dataDir, 'answers.tar') })).rejects.toMatchObject({
      code: 'package.wrong-database',
    });
    const key = v.packages.coordinatorFingerprint();
    expect(key).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){15}$/);
    expect(v.packages.coordinatorFingerprint()).toBe(key);
    expect(v.packages.dataDir).toBe(join(v.dbPath, '..'));
    expect(() => v.packages.list(999)).toThrow(/No study with id 999/);
  });

  it("on a coordinator's workstation a reader may not open a package, import or list; anyone may ask whether it is a workspace", async () => {
    const v = fresh();
    const admin = v.newCaller();
    const a = await call(v, admin, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
    await call(v, admin, 'session.signIn', { readerId: a.id, passphrase: PASS });
    const r = await call(v, admin, 'readers.create', { name: 'Dr Here', role: 'reader', passphrase: PASS });
    const reader = v.newCaller();
    await call(v, reader, 'session.signIn', { readerId: r.id, passphrase: PASS });
    const out = join(v.packages.dataDir, 'x.tar');
    for (const c of [reader, v.newCaller()]) {
      expect(await refusal(v, c, 'packages.open', { file: out, passphrase: PASS })).toMatchObject({ code: 'api.unauthorised' });
      expect(await refusal(v, c, 'packages.import', { file: out })).toMatchObject({ code: 'api.unauthorised' });
      expect(await refusal(v, c, 'packages.list', { studyId: 1 })).toMatchObject({ code: 'api.unauthorised' });
      expect(await call(v, c, 'packages.workspace', {})).toBeNull();
    }
    expect(await refusal(v, reader, 'packages.writeAnswers', { out })).toMatchObject({ code: 'package.wrong-database' });
    expect(await refusal(v, admin, 'packages.import', { file: out, trust: 'not a fingerprint' })).toMatchObject({
      code: 'api.invalid-args',
      detail: { field: 'trust' },
    });
  });
});
