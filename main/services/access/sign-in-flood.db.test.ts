// Sign-in floods through the real dispatch, with real scrypt hashes: a connection that fires
// 100 sign-ins for reader ids that do not exist costs at most one hash at a time and does not
// hold up a colleague's genuine sign-in on another connection; unknown ids cost a hash like
// known ones (timing does not tell them apart); and one connection's failures slow down that
// connection only, never the profile for everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { CallContext } from '../../../app/api/endpoint';
import type { WireError } from '../../../app/errors';
import { dispatch } from '../../../app/api/dispatch';
import { testVerdict } from '../../../tests/support/verdict';
import { call, PASS } from '../../../tests/support/study-fixture';

const v = testVerdict();
let adminId: number;
let readerId: number;
/** One genuine sign-in on an idle workstation, in ms (the median of three). */
let single: number;

const signIn = async (c: CallContext, id: number, passphrase: string): Promise<{ ok: boolean; error?: WireError; ms: number }> => {
  const t0 = performance.now();
  const r = await dispatch(v.handlers, c, 'session.signIn', { readerId: id, passphrase });
  return { ok: r.ok, error: r.ok ? undefined : r.error, ms: performance.now() - t0 };
};

beforeAll(async () => {
  const first = v.newCaller();
  adminId = (await call(v, first, 'readers.create', { name: 'Coordinator', role: 'admin', passphrase: PASS })).id;
  await call(v, first, 'session.signIn', { readerId: adminId, passphrase: PASS });
  readerId = (await call(v, first, 'readers.create', { name: 'Dr Target', role: 'reader', passphrase: 'target passphrase' })).id;
  const times = [];
  for (let i = 0; i < 3; i++) {
    const r = await signIn(v.newCaller(), adminId, PASS);
    expect(r.ok).toBe(true);
    times.push(r.ms);
  }
  single = times.sort((a, b) => a - b)[1];
}, 60_000);
afterAll(() => v.close());

describe('sign-in floods', () => {
  it('100 unknown-id sign-ins on one connection do not hold up a genuine sign-in on another', async () => {
    const flooder = v.newCaller();
    const flood = Array.from({ length: 100 }, (_, i) => signIn(flooder, 100_000 + i, `guess ${i}`));
    const genuine = await signIn(v.newCaller(), adminId, PASS);
    const results = await Promise.all(flood);
    expect(genuine.ok).toBe(true);
    // The flooder's connection runs one hash at a time: every other attempt is refused unchecked.
    const hashed = results.filter((r) => r.error?.code === 'auth.failed').length;
    const refused = results.filter((r) => r.error?.code === 'auth.throttled').length;
    expect(hashed).toBe(1);
    expect(refused).toBe(99);
    // Bound: the genuine sign-in may share the machine with the flooder's one hash in flight
    // (two run at once), so it takes about one hash, at worst two back to back; 3 × a lone
    // sign-in + 250 ms leaves room for a busy shared machine. Unthrottled, it queued behind 100
    // hashes on libuv's four threads: ≥ 25 hash times.
    console.log(
      `sign-in flood: a lone sign-in ${single.toFixed(0)} ms; during a 100-id flood ${genuine.ms.toFixed(0)} ms (bound ${(3 * single + 250).toFixed(0)} ms); flood: ${hashed} hashed, ${refused} refused unchecked`,
    );
    expect(genuine.ms).toBeLessThan(3 * single + 250);
  }, 60_000);

  it('a sequential flood slows its own connection down after 3 failures, unchecked and cheap', async () => {
    const flooder = v.newCaller();
    const t0 = performance.now();
    const results = [];
    for (let i = 0; i < 100; i++) results.push(await signIn(flooder, 200_000 + i, `guess ${i}`));
    const ms = performance.now() - t0;
    expect(results.slice(0, 3).map((r) => r.error?.code)).toEqual(['auth.failed', 'auth.failed', 'auth.failed']);
    expect(results.slice(3).every((r) => r.error?.code === 'auth.throttled' && Number(r.error.detail?.retryAfterMs) >= 1000)).toBe(true);
    // Three hashes, then 97 refusals that cost no hash.
    expect(ms).toBeLessThan(3 * single + 97 * 5 + 250);
    // Its own right passphrase waits too: the connection is throttled, whoever it names.
    expect((await signIn(flooder, adminId, PASS)).error?.code).toBe('auth.throttled');
    // Another connection is not.
    expect((await signIn(v.newCaller(), adminId, PASS)).ok).toBe(true);
  }, 60_000);

  it('one connection guessing a profile’s passphrase does not lock that profile for anyone else', async () => {
    const guesser = v.newCaller();
    for (let i = 0; i < 3; i++) expect((await signIn(guesser, readerId, `wrong ${i}`)).error?.code).toBe('auth.failed');
    expect((await signIn(guesser, readerId, 'wrong 4')).error?.code).toBe('auth.throttled');
    const colleague = await signIn(v.newCaller(), readerId, 'target passphrase');
    expect(colleague.ok).toBe(true);
    expect(colleague.ms).toBeLessThan(3 * single + 250);
    // The failures are on record in the event log; the throttled attempt was not checked.
    const failed = v.study.db
      .prepare("SELECT count(*) AS n FROM event WHERE kind = 'reader.sign-in-failed' AND json_extract(payload_json, '$.readerId') = ?")
      .get(readerId) as { n: number };
    expect(failed.n).toBe(3);
  }, 60_000);

  it('an unknown reader id costs a hash like a wrong passphrase, and is refused the same way', async () => {
    const known = await signIn(v.newCaller(), readerId, 'not the passphrase');
    const unknown = await signIn(v.newCaller(), 987_654, 'not the passphrase');
    expect(unknown.error).toEqual(known.error);
    expect(unknown.error?.code).toBe('auth.failed');
    // Both ran scrypt: each takes most of a genuine sign-in (which adds one event write).
    expect(unknown.ms).toBeGreaterThan(0.5 * single);
    expect(known.ms).toBeGreaterThan(0.5 * single);
    console.log(
      `sign-in timing: unknown id ${unknown.ms.toFixed(0)} ms, known id with a wrong passphrase ${known.ms.toFixed(0)} ms, genuine ${single.toFixed(0)} ms`,
    );
  }, 30_000);
});
