// Reader profiles and signing in through dispatch: the coordinator first, passphrases checked
// against their hashes, failures slowed down, and who may call what once signed in.
import { afterAll, describe, expect, it } from 'vitest';
import { testVerdict } from '../../../tests/support/verdict';
import { call, PASS, refusal } from '../../../tests/support/study-fixture';

const v = testVerdict();
afterAll(() => v.close());

describe('readers and sessions', () => {
  it('asks for the coordinator (an admin) before any reader', async () => {
    const anyone = v.newCaller();
    expect((await refusal(v, anyone, 'readers.create', { name: 'Dr Early', role: 'reader', passphrase: PASS })).code).toBe(
      'auth.admin-first',
    );
    const admin = await call(v, anyone, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS });
    expect(admin).toMatchObject({ name: 'Coordinator', role: 'admin', specialty: null, yearsExperience: null });
    expect(admin).not.toHaveProperty('passphraseHash');
    // Now staff functions need the admin signed in.
    expect((await refusal(v, anyone, 'readers.create', { name: 'Dr Early', role: 'reader', passphrase: PASS })).code).toBe(
      'api.unauthorised',
    );
    expect((await refusal(v, anyone, 'readers.create', { name: 'Dr Early', role: 'reader', passphrase: 'short' })).code).toBe(
      'api.unauthorised',
    );
  });

  it('signs in with the right passphrase only, without saying which part was wrong', async () => {
    const list = await call(v, v.newCaller(), 'session.readers', {});
    const adminId = list.find((r) => r.name === 'Coordinator')!.id;
    const c = v.newCaller();
    const wrong = await refusal(v, c, 'session.signIn', { readerId: adminId, passphrase: 'wrong passphrase' });
    const unknown = await refusal(v, c, 'session.signIn', { readerId: 9999, passphrase: PASS });
    expect(wrong).toEqual(unknown);
    expect(wrong.code).toBe('auth.failed');
    expect(await call(v, c, 'session.current', {})).toBeNull();
    const me = await call(v, c, 'session.signIn', { readerId: adminId, passphrase: PASS });
    expect(me.role).toBe('admin');
    expect(await call(v, c, 'session.current', {})).toMatchObject({ id: adminId });

    const reader = await call(v, c, 'readers.create', {
      name: 'Dr Reader',
      role: 'reader',
      specialty: 'radiology',
      yearsExperience: 12,
      passphrase: 'reader passphrase',
    });
    expect((await refusal(v, c, 'readers.create', { name: 'dr reader', role: 'reader', passphrase: 'reader passphrase' })).code).toBe(
      'reader.exists',
    );
    const r = v.newCaller();
    await call(v, r, 'session.signIn', { readerId: reader.id, passphrase: 'reader passphrase' });
    // A reader reads; coordinator functions stay closed to them.
    expect((await refusal(v, r, 'readers.list', {})).code).toBe('api.unauthorised');
    expect((await refusal(v, r, 'studies.list', {})).code).toBe('api.unauthorised');
    expect(await call(v, r, 'reading.studies', {})).toEqual([]);
    expect(await call(v, r, 'session.signOut', {})).toEqual({ signedOut: true });
    expect((await refusal(v, r, 'reading.studies', {})).code).toBe('api.unauthorised');
    // The coordinator, not signed in as a reader, has no reading of their own.
    expect((await refusal(v, v.newCaller(), 'reading.studies', {})).code).toBe('api.unauthorised');
  });

  it('slows down repeated failures for a profile', async () => {
    const id = (await call(v, v.newCaller(), 'session.readers', {})).find((r) => r.name === 'Dr Reader')!.id;
    const c = v.newCaller();
    for (let i = 0; i < 3; i++)
      expect((await refusal(v, c, 'session.signIn', { readerId: id, passphrase: `guess ${i}` })).code).toBe('auth.failed');
    const throttled = await refusal(v, c, 'session.signIn', { readerId: id, passphrase: 'reader passphrase' });
    expect(throttled.code).toBe('auth.throttled');
    expect(throttled.detail?.retryAfterMs).toBeGreaterThan(0);
    const kinds = (v.study.db.prepare("SELECT kind FROM event WHERE kind LIKE 'reader.%' ORDER BY id").all() as { kind: string }[]).map(
      (e) => e.kind,
    );
    expect(kinds.filter((k) => k === 'reader.sign-in-failed').length).toBe(4);
    expect(kinds).toContain('reader.created');
    expect(kinds).toContain('reader.signed-in');
  });

  it('keeps only a salted slow hash in the database', () => {
    const rows = v.study.db.prepare('SELECT passphrase_hash AS h FROM reader').all() as { h: string }[];
    for (const r of rows) expect(r.h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(JSON.stringify(rows)).not.toContain(PASS);
  });
});
