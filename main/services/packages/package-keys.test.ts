import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { fingerprintOf, keyFile, signingKey } from './package-keys';

const root = mkdtempSync(join(tmpdir(), 'verdict-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `data-${++n}`);

const refusal = (fn: () => unknown): VerdictError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('expected a VerdictError, nothing was thrown');
};

describe('signingKey', () => {
  test('is made once, as PKCS#8 PEM, and reloaded identical', () => {
    const dir = freshDir();
    const first = signingKey(dir, 'coordinator');
    const pem = readFileSync(keyFile(dir, 'coordinator'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const again = signingKey(dir, 'coordinator');
    expect(again.publicKey).toBe(first.publicKey);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(readFileSync(keyFile(dir, 'coordinator'), 'utf8')).toBe(pem);
    // The reloaded private key signs what the first one's public key verifies.
    const message = Buffer.from('verdict');
    const publicKey = createPublicKey({ key: Buffer.from(first.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
    expect(verify(null, message, publicKey, sign(null, message, again.privateKey))).toBe(true);
  });

  test('each role has its own key, and two data folders never share one', () => {
    const dir = freshDir();
    const coordinator = signingKey(dir, 'coordinator');
    const reader = signingKey(dir, 'reader');
    const elsewhere = signingKey(freshDir(), 'reader');
    expect(new Set([coordinator.fingerprint, reader.fingerprint, elsewhere.fingerprint]).size).toBe(3);
    expect(keyFile(dir, 'reader')).toBe(join(dir, 'keys', 'reader-ed25519.pem'));
  });

  test.skipIf(process.platform === 'win32')('the key file is 0600 in a 0700 folder, whatever the umask', () => {
    const dir = freshDir();
    const old = process.umask(0);
    try {
      signingKey(dir, 'reader');
    } finally {
      process.umask(old);
    }
    expect(statSync(keyFile(dir, 'reader')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
  });

  test('a corrupt key file is refused naming the file, and left as it was', () => {
    const dir = freshDir();
    signingKey(dir, 'coordinator');
    const file = keyFile(dir, 'coordinator');
    const damaged = readFileSync(file, 'utf8').replace(/[A-Za-z0-9+/]{8}/, '!!!!!!!!');
    writeFileSync(file, damaged);
    const e = refusal(() => signingKey(dir, 'coordinator'));
    expect(e.code).toBe('key.corrupt');
    expect(e.message).toContain(file);
    expect(e.detail).toEqual({ file });
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  test('a key file holding another kind of key is refused, not replaced', () => {
    const dir = freshDir();
    signingKey(dir, 'reader');
    const file = keyFile(dir, 'reader');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(file, ec);
    const e = refusal(() => signingKey(dir, 'reader'));
    expect(e.code).toBe('key.corrupt');
    expect(e.message).toMatch(/ec key, not Ed25519/);
    expect(readFileSync(file, 'utf8')).toBe(ec);
  });
});

describe('fingerprintOf', () => {
  test('is the SHA-256 of the SPKI DER bytes in 16 groups of 4 hex digits', () => {
    const key = signingKey(freshDir(), 'coordinator');
    expect(key.fingerprint).toMatch(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
    const hex = createHash('sha256').update(Buffer.from(key.publicKey, 'base64')).digest('hex');
    expect(key.fingerprint.replaceAll(' ', '')).toBe(hex);
    expect(fingerprintOf(key.publicKey)).toBe(key.fingerprint);
  });

  // The format is what people read to each other over the phone: it must never change between versions.
  // Known answer: RFC 8032's first test public key (d75a…511a) wrapped as SPKI DER (302a300506032b6570032100 ‖ key);
  // its fingerprint computed with Python's hashlib.sha256 over those 44 bytes.
  test('known answer: RFC 8032 test key 1', () => {
    const spki = 'MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
    const key = createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
    expect(key.export({ format: 'jwk' }).x).toBe(
      Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64url'),
    );
    expect(fingerprintOf(spki)).toBe('06e3 fd8f da29 bb60 ab59 557d e61e db0a ecdb 2311 34be 30e7 5b45 5f8e 1b79 2fa9');
  });
});
