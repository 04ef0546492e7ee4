// Passphrase hashing: salted (the same passphrase hashes differently), slow, and a wrong
// passphrase does not verify.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { hashPassphrase, SCRYPT_PARAMS, verifyPassphrase } from './passphrase';

describe('passphrase hashing', () => {
  it('verifies the right passphrase and refuses a wrong one', async () => {
    const h = await hashPassphrase('correct horse battery');
    expect(await verifyPassphrase('correct horse battery', h)).toBe(true);
    expect(await verifyPassphrase('correct horse batterY', h)).toBe(false);
    expect(await verifyPassphrase('', h)).toBe(false);
    expect(await verifyPassphrase('correct horse battery', 'not-a-hash')).toBe(false);
  });

  it('salts: the same passphrase gives different hashes; parameters are stored with the hash', async () => {
    const [a, b] = await Promise.all([hashPassphrase('same passphrase'), hashPassphrase('same passphrase')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^scrypt\\$${SCRYPT_PARAMS.N}\\$8\\$1\\$[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=$`));
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
  });

  it('is slow: at least ~50 ms per hash here', async () => {
    await hashPassphrase('warm up');
    const t0 = performance.now();
    await hashPassphrase('timed passphrase');
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThan(40);
  });

  it('verifies hashes made with other cost parameters (the cost can be raised later)', async () => {
    const cheap = await hashPassphrase('older profile', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassphrase('older profile', cheap)).toBe(true);
  });
});
