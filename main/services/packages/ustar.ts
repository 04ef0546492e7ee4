// A minimal POSIX ustar writer and a strict reader, enough for Verdict's packages and no more (no
// dependency). Why tar: anyone can list or unpack a package with standard tools (`tar tvf`, `tar xf`)
// to see what is being sent; and since a tar stores each member's bytes as they are, a flipped byte
// lands in exactly one member, which the manifest's per-part hashes then name.
// Only regular files with short, plain names are written or accepted: a member that is a link, a
// device, a folder, a pax or GNU extension header, or whose name could climb out of an unpack folder
// (absolute, `..`, backslash) is refused, so unpacking a package with tar is safe too.
import { VerdictError } from '../../../app/errors';

export const BLOCK = 512;
export const MAX_NAME = 100;

export type TarEntry = { name: string; data: Buffer };
/** A member as read: its header's offset in the file, its data's offset, and its data (a view into the file). */
export type TarMember = { name: string; headerOffset: number; dataOffset: number; data: Buffer };

/** Why a member name is unsafe, or null. Names are lower-case `[a-z0-9._/-]`, relative, ≤ 100 characters, without empty, `.` or `..` segments. */
export function memberNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME) return `the name is longer than ${MAX_NAME} characters`;
  if (name.includes('\\')) return 'the name holds a backslash';
  if (name.startsWith('/')) return 'the name is absolute';
  if (name.split('/').some((s) => s === '..')) return 'the name climbs out of its folder (..)';
  if (!/^[a-z0-9._/-]+$/.test(name)) return 'the name holds characters other than a-z 0-9 . _ / -';
  if (name.split('/').some((s) => s === '' || s === '.')) return 'the name has an empty or "." segment';
  return null;
}

/** The archive as a list of chunks (headers, data, padding, the two end blocks), written in order; no copy of the data. */
export function tarChunks(entries: TarEntry[], mtimeSeconds: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    chunks.push(header(e.name, e.data.length, mtimeSeconds), e.data);
    const pad = padding(e.data.length);
    if (pad > 0) chunks.push(Buffer.alloc(pad));
  }
  chunks.push(Buffer.alloc(2 * BLOCK));
  return chunks;
}

function header(name: string, size: number, mtimeSeconds: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, MAX_NAME, 'ascii');
  h.write('0000644\0', 100, 'ascii'); // mode: rw-r--r--
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.max(0, Math.floor(mtimeSeconds)), 12), 136, 'ascii');
  h.write('0', 156, 'ascii'); // typeflag: regular file
  h.write('ustar\0' + '00', 257, 'ascii');
  h.write('verdict\0', 265, 'ascii'); // uname
  h.write('verdict\0', 297, 'ascii'); // gname
  h.write(checksum(h).toString(8).padStart(6, '0') + '\0 ', 148, 'ascii'); // six digits, NUL, space
  return h;
}

const octal = (n: number, width: number): string => n.toString(8).padStart(width - 1, '0') + '\0';
const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/** The sum of the header's bytes, its checksum field counted as eight spaces. */
function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum;
}

/** Reads every member, refusing anything but a well-formed ustar of regular files with safe, distinct names. */
export function readTar(buf: Buffer, file: string): TarMember[] {
  const invalid = (what: string, detail: Record<string, string | number> = {}) =>
    new VerdictError('package.invalid', `${file} ${what}`, { file, ...detail });
  if (buf.length < BLOCK || !isUstar(buf.subarray(0, BLOCK)))
    throw invalid('is not a Verdict package: it is not a tar archive (a package is one uncompressed tar file).');
  const members: TarMember[] = [];
  const seen = new Set<string>();
  let at = 0;
  for (;;) {
    if (at + BLOCK > buf.length)
      throw invalid(`is truncated: it ends at byte ${buf.length} without the end-of-archive marker (the file was cut short).`, {
        offset: at,
      });
    const h = buf.subarray(at, at + BLOCK);
    if (isZero(h)) break;
    if (!isUstar(h)) throw invalid(`is damaged: no tar header at byte ${at}.`, { offset: at });
    const stored = parseOctal(h.subarray(148, 156));
    if (stored !== checksum(h)) throw invalid(`is damaged: the tar header at byte ${at} fails its checksum.`, { offset: at });
    const name = memberName(h);
    const type = String.fromCharCode(h[156]);
    if (type !== '0' && type !== '\0')
      throw invalid(`holds ${JSON.stringify(name)}, which is not a regular file (tar type '${type}'); a package holds plain files only.`, {
        part: name,
        offset: at,
      });
    const problem = memberNameProblem(name);
    if (problem) throw invalid(`holds a member with an unsafe name ${JSON.stringify(name)}: ${problem}.`, { part: name, offset: at });
    if (seen.has(name)) throw invalid(`holds ${name} twice (the second at byte ${at}).`, { part: name, offset: at });
    seen.add(name);
    const size = parseOctal(h.subarray(124, 136));
    if (size < 0) throw invalid(`is damaged: the tar header of ${name} at byte ${at} has no valid size.`, { part: name, offset: at });
    const dataOffset = at + BLOCK;
    if (dataOffset + size + padding(size) > buf.length)
      throw invalid(`is truncated: ${name} (${size} bytes from byte ${dataOffset}) runs past the end of the file at byte ${buf.length}.`, {
        part: name,
        offset: at,
      });
    members.push({ name, headerOffset: at, dataOffset, data: buf.subarray(dataOffset, dataOffset + size) });
    at = dataOffset + size + padding(size);
  }
  // The end-of-archive marker is two zero blocks; tools may pad further with zeros, but nothing else may follow.
  if (at + 2 * BLOCK > buf.length)
    throw invalid(`is truncated: it ends at byte ${buf.length} within the end-of-archive marker (the file was cut short).`, { offset: at });
  if (!isZero(buf.subarray(at))) throw invalid(`has data after the end of the archive (from byte ${at}).`, { offset: at });
  return members;
}

function memberName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const prefix = cString(h.subarray(345, 500));
  return prefix ? `${prefix}/${name}` : name;
}

const cString = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
};

/** An octal field (NUL- or space-terminated); -1 when it is not one. */
function parseOctal(b: Buffer): number {
  const text = b
    .toString('latin1')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  return /^[0-7]{1,11}$/.test(text) ? parseInt(text, 8) : -1;
}

const isUstar = (h: Buffer): boolean => h.subarray(257, 262).toString('latin1') === 'ustar';

function isZero(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}
