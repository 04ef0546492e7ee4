// Who may call what, through the real dispatch: a workstation without an admin is its user's;
// once an admin exists, coordinator functions need an admin signed in, and a reader reaches
// only what is open to readers.
import { afterAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../app/api/dispatch';
import { testVerdict } from '../../../tests/support/verdict';

const v = testVerdict();
afterAll(() => v.close());
const addReader = (name: string, role: 'reader' | 'admin') =>
  Number(
    v.study.db.prepare("INSERT INTO reader (name, role, created_at) VALUES (?, ?, '2026-11-22T00:00:00Z')").run(name, role).lastInsertRowid,
  );

describe('access', () => {
  it('lets anyone do everything while no admin exists', async () => {
    const caller = v.newCaller();
    expect(caller.allows('staff')).toBe(true);
    expect(caller.allows('reader')).toBe(true);
    expect(await dispatch(v.handlers, caller, 'cases.list', {})).toMatchObject({ ok: true });
  });

  it('needs an admin for coordinator functions once one exists, and keeps readers to reading', async () => {
    const admin = addReader('Dr Admin', 'admin');
    const reader = addReader('Dr Reader', 'reader');
    const anonymous = v.newCaller();
    expect(await dispatch(v.handlers, anonymous, 'cases.list', {})).toMatchObject({ ok: false, error: { code: 'api.unauthorised' } });
    expect(await dispatch(v.handlers, anonymous, 'app.info', {})).toMatchObject({ ok: true });

    const asReader = v.newCaller();
    asReader.signIn(reader);
    expect(asReader.allows('reader')).toBe(true);
    expect(asReader.allows('staff')).toBe(false);
    expect(await dispatch(v.handlers, asReader, 'explain.map', { modelId: 1, caseId: 1, method: 'cdam', target: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'api.unauthorised' },
    });

    const asAdmin = v.newCaller();
    asAdmin.signIn(admin);
    expect(asAdmin.allows('staff')).toBe(true);
    expect(await dispatch(v.handlers, asAdmin, 'cases.list', {})).toMatchObject({ ok: true });
    asAdmin.signOut();
    expect(asAdmin.allows('staff')).toBe(false);
  });

  it('refuses to sign in someone who is not a reader', () => {
    expect(() => v.newCaller().signIn(9999)).toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
