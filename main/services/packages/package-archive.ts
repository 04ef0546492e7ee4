// Verdict's package file: one uncompressed ustar tar holding a manifest (verdict-package.json), its
// Ed25519 signature (verdict-package.sig) and the parts the manifest lists with their SHA-256 and size.
// Tar, so that anyone can inspect what travels with standard tools (`tar tvf`, `tar xOf … verdict-package.json`).
// A hash per part rather than one over the whole file, so that a flipped byte is named: "part
// images/12.jpg does not match…" tells the reader and the coordinator what was changed, not just that
// something was. Only the manifest is signed; the hashes in it bind every part to the signature.
// readPackage checks the signature against the manifest's own key: it proves the package is intact and
// was signed by the holder of that key. Whether that key is one to trust is the caller's question —
// it compares manifest.signer.fingerprint with the key it registered (or asks the person to).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { fingerprintOf, type SigningKey } from './package-keys';
import { memberNameProblem, readTar, tarChunks, type TarMember } from './ustar';
import { checkManifest } from './package-manifest';

export type PackageKind = 'study' | 'answers';
export type PackageManifest = {
  format: 'verdict-package';
  formatVersion: 1;
  kind: PackageKind;
  study: { uuid: string; name: string; protocolSha256: string };
  reader: { id: number; name: string; site: string | null };
  appVersion: string;
  createdAt: string;
  signer: { role: 'coordinator' | 'reader'; publicKey: string; fingerprint: string };
  parts: Record<string, { sha256: string; bytes: number }>;
};
export type PackagePart = { path: string; data: Buffer };
export type PackageHead = Omit<PackageManifest, 'format' | 'formatVersion' | 'signer' | 'parts'>;
export type OpenedPackage = { file: string; sha256: string; manifest: PackageManifest; parts: Map<string, Buffer> };

export const MANIFEST_MEMBER = 'verdict-package.json';
export const SIGNATURE_MEMBER = 'verdict-package.sig';
/** Who signs each kind: the coordinator sends studies out, a reader sends answers back. */
export const SIGNER_ROLE = { study: 'coordinator', answers: 'reader' } as const;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Writes the package atomically (temp file + rename); returns the file's SHA-256 and size. */
export function writePackage(file: string, head: PackageHead, parts: PackagePart[], key: SigningKey): { sha256: string; bytes: number } {
  const manifestParts: PackageManifest['parts'] = {};
  for (const p of parts) {
    const problem = p.path === MANIFEST_MEMBER || p.path === SIGNATURE_MEMBER ? 'the name is reserved' : memberNameProblem(p.path);
    if (problem)
      throw new VerdictError('package.invalid', `Cannot write ${file}: part ${JSON.stringify(p.path)} is refused: ${problem}.`, {
        file,
        part: p.path,
      });
    if (manifestParts[p.path])
      throw new VerdictError('package.invalid', `Cannot write ${file}: part ${p.path} is given twice.`, { file, part: p.path });
    manifestParts[p.path] = { sha256: sha256(p.data), bytes: p.data.length };
  }
  const manifest: PackageManifest = {
    format: 'verdict-package',
    formatVersion: 1,
    kind: head.kind,
    study: head.study,
    reader: head.reader,
    appVersion: head.appVersion,
    createdAt: head.createdAt,
    signer: { role: SIGNER_ROLE[head.kind], publicKey: key.publicKey, fingerprint: key.fingerprint },
    parts: manifestParts,
  };
  checkManifest(manifest, file, head.kind); // what is written must be what readPackage accepts
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const signature = Buffer.from(sign(null, manifestBytes, key.privateKey).toString('base64') + '\n', 'ascii');
  const mtime = Date.parse(head.createdAt) / 1000;
  const chunks = tarChunks(
    [
      { name: MANIFEST_MEMBER, data: manifestBytes },
      { name: SIGNATURE_MEMBER, data: signature },
      ...parts.map((p) => ({ name: p.path, data: p.data })),
    ],
    Number.isFinite(mtime) ? mtime : 0,
  );
  return writeAtomically(file, chunks);
}

// A temporary file in the same folder, renamed over the target once complete and flushed: a crash or a
// full disk leaves either the old file or none, never half a package under the real name.
function writeAtomically(file: string, chunks: Buffer[]): { sha256: string; bytes: number } {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.partial`);
  const hash = createHash('sha256');
  let bytes = 0;
  const fd = openSync(temp, 'wx');
  try {
    try {
      for (const c of chunks) {
        for (let done = 0; done < c.length;) done += writeSync(fd, c, done, c.length - done);
        hash.update(c);
        bytes += c.length;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    if (existsSync(temp)) unlinkSync(temp);
    throw e;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Reads and verifies: tar structure, manifest shape, kind, signature (against the manifest's own key —
 *  callers then compare manifest.signer.fingerprint with the key they trust), every part's hash and size,
 *  no part missing, none extra. Refusals are VerdictError('package.invalid' | 'package.tampered', message
 *  naming the file and the part, { file, part }). */
export function readPackage(file: string, kind: PackageKind): OpenedPackage {
  if (!existsSync(file)) throw new VerdictError('file.not-found', `${file} does not exist.`, { file });
  const buf = readFileSync(file);
  const members = new Map<string, TarMember>(readTar(buf, file).map((m) => [m.name, m]));
  const tampered = (what: string, part: string) => new VerdictError('package.tampered', `${file} is refused: ${what}.`, { file, part });

  const manifestMember = members.get(MANIFEST_MEMBER);
  if (!manifestMember)
    throw new VerdictError('package.invalid', `${file} is not a Verdict package: it has no ${MANIFEST_MEMBER}.`, {
      file,
      part: MANIFEST_MEMBER,
    });
  const manifest = checkManifest(parseJson(manifestMember.data, file), file, kind);

  const signatureMember = members.get(SIGNATURE_MEMBER);
  if (!signatureMember) throw tampered(`it has no signature (${SIGNATURE_MEMBER})`, SIGNATURE_MEMBER);
  const publicKey = signerKey(manifest, file);
  const signature = Buffer.from(signatureMember.data.toString('ascii').trim(), 'base64');
  if (!verify(null, manifestMember.data, publicKey, signature))
    throw tampered('the signature does not match: the manifest was changed or signed by another key', SIGNATURE_MEMBER);
  if (fingerprintOf(manifest.signer.publicKey) !== manifest.signer.fingerprint)
    throw tampered("the manifest's signer fingerprint is not its key's fingerprint", MANIFEST_MEMBER);

  const parts = new Map<string, Buffer>();
  for (const m of members.values()) {
    if (m.name === MANIFEST_MEMBER || m.name === SIGNATURE_MEMBER) continue;
    const listed = manifest.parts[m.name];
    if (!listed) throw tampered(`part ${m.name} is not in the signed manifest: it was added after signing`, m.name);
    if (m.data.length !== listed.bytes || sha256(m.data) !== listed.sha256)
      throw tampered(`part ${m.name} does not match its SHA-256 in the signed manifest: the part was changed after signing`, m.name);
    parts.set(m.name, m.data);
  }
  for (const name of Object.keys(manifest.parts))
    if (!parts.has(name)) throw tampered(`part ${name} listed in the signed manifest is missing: it was removed after signing`, name);
  return { file, sha256: sha256(buf), manifest, parts };
}

function parseJson(data: Buffer, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new VerdictError('package.invalid', `${file} is damaged: its ${MANIFEST_MEMBER} is not JSON.`, { file, part: MANIFEST_MEMBER });
  }
}

function signerKey(manifest: PackageManifest, file: string): KeyObject {
  try {
    const key = createPublicKey({ key: Buffer.from(manifest.signer.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // reported below
  }
  throw new VerdictError('package.invalid', `${file} is refused: its signer's public key is not an Ed25519 key.`, {
    file,
    part: MANIFEST_MEMBER,
  });
}
