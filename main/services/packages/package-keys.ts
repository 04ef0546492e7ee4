// The data folder's signing keys (Ed25519, node:crypto only). A coordinator signs the study packages
// it sends out; a reader signs the answer packages they send back. The key is made once, on first use,
// and kept as PKCS#8 PEM in <dataDir>/keys/<role>-ed25519.pem (0600, in a 0700 folder): whoever holds
// it can sign as this workstation. A key file that cannot be read is an error, never replaced by a new
// key — a new key would orphan every package signed before (the other side trusts the old fingerprint).
// The fingerprint (SHA-256 of the public key's SPKI DER bytes) is what people compare out of band.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from '../db/private-files';

export type KeyRole = 'coordinator' | 'reader';
export type SigningKey = { privateKey: KeyObject; publicKey: string; fingerprint: string };

export const keyFile = (dataDir: string, role: KeyRole): string => join(dataDir, 'keys', `${role}-ed25519.pem`);

/** Loads or makes (first use) the data folder's Ed25519 key: <dataDir>/keys/<role>-ed25519.pem, 0600 in a 0700 folder. */
export function signingKey(dataDir: string, role: KeyRole): SigningKey {
  const file = keyFile(dataDir, role);
  ensurePrivateDir(join(dataDir, 'keys'));
  if (!existsSync(file)) makeKey(file);
  makePrivate(file);
  return loadKey(file);
}

/** SHA-256 of the public key's DER bytes as 16 groups of 4 hex digits ("3f2a 91c0 …"), for comparing out of band. */
export function fingerprintOf(publicKey: string): string {
  const hex = createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex');
  return hex.match(/.{4}/g)!.join(' ');
}

/** The public half as base64 SPKI DER: the form a manifest carries. */
export const publicKeyText = (key: KeyObject): string => createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');

// Written to a temporary file and linked into place: a crash leaves no half-written key, and link (unlike
// rename) refuses to replace a key another process made meanwhile — that one wins and is loaded.
function makeKey(file: string): void {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(temp);
  }
}

function loadKey(file: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(file));
  } catch {
    throw corrupt(file, 'it is not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw corrupt(file, `it holds an ${privateKey.asymmetricKeyType} key, not Ed25519`);
  const publicKey = publicKeyText(privateKey);
  return { privateKey, publicKey, fingerprint: fingerprintOf(publicKey) };
}

const corrupt = (file: string, why: string) =>
  new VerdictError(
    'key.corrupt',
    `The signing key ${file} cannot be read: ${why}. It is not replaced, since packages signed with it would no longer match; restore it from a backup, or move it away to make a new key (and send the new fingerprint to everyone who trusts the old one).`,
    { file },
  );
