// The shape of a package's manifest, checked before anything in it is used: a file that is not a
// Verdict package, one from a newer Verdict, or one of the other kind (a study package opened as answers)
// is refused saying what it is, before its signature is checked or any part is read.
import { VerdictError } from '../../../app/errors';
import type { PackageKind, PackageManifest } from './package-archive';
import { memberNameProblem } from './ustar';

const KIND_NAME: Record<PackageKind, string> = { study: 'a study package', answers: 'an answer package' };
const SIGNER: Record<PackageKind, string> = { study: 'coordinator', answers: 'reader' };
const SHA256 = /^[0-9a-f]{64}$/;

/** The manifest, typed, if it has the shape readPackage relies on; otherwise a 'package.invalid' naming the file and the field. */
export function checkManifest(value: unknown, file: string, kind: PackageKind): PackageManifest {
  const bad = (what: string) =>
    new VerdictError('package.invalid', `${file} is refused: its manifest ${what}.`, { file, part: 'verdict-package.json' });
  const m = value as PackageManifest;
  if (!isObject(m) || m.format !== 'verdict-package') throw bad('is not a Verdict package manifest');
  if (m.formatVersion !== 1)
    throw bad(
      `has format version ${JSON.stringify(m.formatVersion)}; this Verdict reads version 1 (a newer Verdict made it: update to open it)`,
    );
  if (m.kind !== 'study' && m.kind !== 'answers') throw bad(`has an unknown kind ${JSON.stringify(m.kind)}`);
  if (m.kind !== kind)
    throw new VerdictError('package.invalid', `${file} is ${KIND_NAME[m.kind]}, not ${KIND_NAME[kind]}.`, {
      file,
      part: 'verdict-package.json',
    });
  if (!isObject(m.study) || !isText(m.study.uuid) || !isText(m.study.name) || !isText(m.study.protocolSha256))
    throw bad('has no valid study (uuid, name, protocolSha256)');
  if (!isObject(m.reader) || !Number.isInteger(m.reader.id) || !isText(m.reader.name) || !(m.reader.site === null || isText(m.reader.site)))
    throw bad('has no valid reader (id, name, site)');
  if (!isText(m.appVersion) || !isText(m.createdAt)) throw bad('has no app version or creation time');
  if (!isObject(m.signer) || m.signer.role !== SIGNER[kind] || !isText(m.signer.publicKey) || !isText(m.signer.fingerprint))
    throw bad(`has no valid signer (a ${SIGNER[kind]}'s public key and fingerprint)`);
  if (!isObject(m.parts)) throw bad('has no parts list');
  for (const [name, p] of Object.entries(m.parts)) {
    const problem = name === 'verdict-package.json' || name === 'verdict-package.sig' ? 'the name is reserved' : memberNameProblem(name);
    if (problem) throw bad(`lists a part with an unsafe name ${JSON.stringify(name)}: ${problem}`);
    if (!isObject(p) || !isText(p.sha256) || !SHA256.test(p.sha256) || !Number.isSafeInteger(p.bytes) || p.bytes < 0)
      throw bad(`lists part ${name} without a valid SHA-256 and size`);
  }
  return m;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
