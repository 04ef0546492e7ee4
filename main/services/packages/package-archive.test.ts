import { createHash, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { VerdictError } from '../../../app/errors';
import { HAM_DIR, TASK2_DIR } from '../imaging/isic/test-data';
import { readPackage, writePackage, type PackageHead, type PackageManifest, type PackagePart } from './package-archive';
import { signingKey, type SigningKey } from './package-keys';
import { readTar, tarChunks, type TarEntry } from './ustar';

const root = mkdtempSync(join(tmpdir(), 'verdict-package-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const d = join(root, `d${++n}`);
  mkdirSync(d);
  return d;
};

const coordinator = signingKey(join(root, 'coordinator'), 'coordinator');
const stranger = signingKey(join(root, 'stranger'), 'coordinator');

const head: PackageHead = {
  kind: 'study',
  study: { uuid: '6f1c0a52-8d3e-4b7a-9c21-0e5d3f7a9b11', name: 'Dermoscopy explanations', protocolSha256: 'ab'.repeat(32) },
  reader: { id: 3, name: 'Reader Three', site: 'Site B' },
  appVersion: '0.9.0',
  createdAt: '2026-12-07T10:00:00.000Z',
};

// Real pixels, a map's Float32 values (exactly two tar blocks: no padding), JSON, and an empty part.
const map = new Float32Array(256).map((_, i) => Math.sin(i / 7));
const parts: PackagePart[] = [
  { path: 'study.json', data: Buffer.from(JSON.stringify({ trials: [7, 8], conditions: ['c1', 'c2'] })) },
  { path: 'images/12.jpg', data: readFileSync(join(HAM_DIR, 'ISIC_0024306.jpg')) },
  { path: 'images/13.jpg', data: readFileSync(join(TASK2_DIR, 'ISIC_0000000.jpg')) },
  { path: 'trials/7.bin', data: Buffer.from(map.buffer) },
  { path: 'trials/8.json', data: Buffer.alloc(0) },
];

/** A good package written to a fresh folder. */
const goodPackage = (key: SigningKey = coordinator): string => {
  const file = join(freshDir(), 'study.verdict');
  writePackage(file, head, parts, key);
  return file;
};

const refusal = (fn: () => unknown): VerdictError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof VerdictError) return e;
    throw e;
  }
  throw new Error('expected a VerdictError, nothing was thrown');
};

/** Rewrites the file with one byte changed. */
const flipByte = (file: string, offset: number, to?: number) => {
  const buf = readFileSync(file);
  buf[offset] = to ?? buf[offset] ^ 0x01;
  writeFileSync(file, buf);
};

/** The members of a package as a standard tool sees them (GNU tar), to find bytes without our reader. */
const tarMember = (file: string, name: string): Buffer => execFileSync('tar', ['-xOf', file, name], { maxBuffer: 64 << 20 });

/** Builds a tar file from entries with our writer: for packages an attacker reassembles. */
const writeTar = (file: string, entries: TarEntry[]) => writeFileSync(file, Buffer.concat(tarChunks(entries, 0)));

/** A ustar header made by hand (independently of ustar.ts), for members our writer would never make. */
const rawHeader = (fields: { name: string; size: number; type?: string; prefix?: string }): Buffer => {
  const h = Buffer.alloc(512);
  h.write(fields.name, 0, 100, 'latin1');
  h.write('0000644\0', 100);
  h.write(fields.size.toString(8).padStart(11, '0') + '\0', 124);
  h.write(fields.type ?? '0', 156);
  h.write('ustar\x0000', 257);
  if (fields.prefix) h.write(fields.prefix, 345, 155, 'latin1');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
};
const rawMember = (name: string, data: Buffer, extra: { type?: string; prefix?: string } = {}): Buffer[] => [
  rawHeader({ name, size: data.length, ...extra }),
  data,
  Buffer.alloc((512 - (data.length % 512)) % 512),
];

describe('round trip', () => {
  test('every part comes back byte for byte, with the manifest, the signer and the file hash', () => {
    const file = join(freshDir(), 'study.verdict');
    const written = writePackage(file, head, parts, coordinator);
    const bytes = readFileSync(file);
    expect(written).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    expect(bytes.length % 512).toBe(0);

    const opened = readPackage(file, 'study');
    expect(opened.file).toBe(file);
    expect(opened.sha256).toBe(written.sha256);
    expect(opened.manifest).toMatchObject({ format: 'verdict-package', formatVersion: 1, ...head });
    expect(opened.manifest.signer).toEqual({ role: 'coordinator', publicKey: coordinator.publicKey, fingerprint: coordinator.fingerprint });
    expect([...opened.parts.keys()]).toEqual(parts.map((p) => p.path));
    for (const p of parts) {
      expect(opened.parts.get(p.path)!.equals(p.data)).toBe(true);
      expect(opened.manifest.parts[p.path]).toEqual({ sha256: createHash('sha256').update(p.data).digest('hex'), bytes: p.data.length });
    }
  });

  test('standard tar lists and unpacks it: manifest first, then the signature, then the parts', () => {
    const file = goodPackage();
    const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(['verdict-package.json', 'verdict-package.sig', ...parts.map((p) => p.path)]);
    expect(tarMember(file, 'images/13.jpg').equals(parts[2].data)).toBe(true);
    const manifest = JSON.parse(tarMember(file, 'verdict-package.json').toString('utf8')) as PackageManifest;
    expect(manifest.study.name).toBe(head.study.name);
  });

  test('the same head, parts and key make the same bytes (the mtime is the creation time)', () => {
    expect(readFileSync(goodPackage()).equals(readFileSync(goodPackage()))).toBe(true);
  });

  test('a study package opened as answers is refused saying what it is', () => {
    const e = refusal(() => readPackage(goodPackage(), 'answers'));
    expect(e.code).toBe('package.invalid');
    expect(e.message).toMatch(/is a study package, not an answer package/);
  });

  test('writing replaces an older file only when complete and leaves no temporary file behind', () => {
    const file = goodPackage();
    const dir = join(file, '..');
    const before = readFileSync(file);
    expect(() => writePackage(file, head, [...parts, { path: '../escape', data: Buffer.from('x') }], coordinator)).toThrow(VerdictError);
    expect(readFileSync(file).equals(before)).toBe(true);
    writePackage(file, { ...head, appVersion: '1.0.0' }, parts.slice(0, 2), coordinator);
    expect(readdirSync(dir)).toEqual(['study.verdict']);
    expect(readPackage(file, 'study').manifest.appVersion).toBe('1.0.0');
  });
});

describe('tampering is refused, naming the part', () => {
  test.each(parts.filter((p) => p.data.length > 0).map((p) => [p.path, p] as const))('a flipped byte inside %s', (path, part) => {
    const file = goodPackage();
    const offset = readFileSync(file).indexOf(part.data);
    expect(offset).toBeGreaterThan(0);
    flipByte(file, offset + Math.floor(part.data.length / 2));
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toBe(
      `${file} is refused: part ${path} does not match its SHA-256 in the signed manifest: the part was changed after signing.`,
    );
    expect(e.detail).toEqual({ file, part: path });
  });

  test('a changed letter in the manifest (the study name)', () => {
    const file = goodPackage();
    const offset = readFileSync(file).indexOf(`"name": "${head.study.name}"`);
    expect(offset).toBeGreaterThan(0);
    flipByte(file, offset + 10, 'd'.charCodeAt(0)); // "Dermoscopy" → "dermoscopy": still valid JSON
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toMatch(/the signature does not match: the manifest was changed or signed by another key/);
    expect(e.detail).toMatchObject({ file });
  });

  test("a part's hash edited in the manifest to match a changed part", () => {
    const file = goodPackage();
    const buf = readFileSync(file);
    const changed = Buffer.from(parts[1].data);
    changed[100] ^= 0xff;
    const oldHash = createHash('sha256').update(parts[1].data).digest('hex');
    const newHash = createHash('sha256').update(changed).digest('hex');
    buf.write(newHash, buf.indexOf(oldHash), 'ascii');
    changed.copy(buf, buf.indexOf(parts[1].data));
    writeFileSync(file, buf);
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.detail).toEqual({ file, part: 'verdict-package.sig' });
  });

  test('a changed character in the signature', () => {
    const file = goodPackage();
    const signature = tarMember(file, 'verdict-package.sig');
    const offset = readFileSync(file).indexOf(signature);
    const c = signature[20];
    flipByte(file, offset + 20, c === 'A'.charCodeAt(0) ? 'B'.charCodeAt(0) : 'A'.charCodeAt(0));
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toMatch(/the signature does not match/);
  });

  test('a part removed', () => {
    const file = goodPackage();
    const members = readTar(readFileSync(file), file).filter((m) => m.name !== 'images/12.jpg');
    writeTar(file, members);
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toMatch(/part images\/12.jpg listed in the signed manifest is missing/);
    expect(e.detail).toEqual({ file, part: 'images/12.jpg' });
  });

  test('a part added', () => {
    const file = goodPackage();
    const members: TarEntry[] = readTar(readFileSync(file), file);
    writeTar(file, [...members, { name: 'images/99.jpg', data: parts[1].data }]);
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toMatch(/part images\/99.jpg is not in the signed manifest: it was added after signing/);
  });

  test('the signature removed', () => {
    const file = goodPackage();
    writeTar(
      file,
      readTar(readFileSync(file), file).filter((m) => m.name !== 'verdict-package.sig'),
    );
    expect(refusal(() => readPackage(file, 'study'))).toMatchObject({ code: 'package.tampered', detail: { part: 'verdict-package.sig' } });
  });

  test('another key’s signature over the same manifest', () => {
    const file = goodPackage();
    const members = readTar(readFileSync(file), file);
    const manifest = members.find((m) => m.name === 'verdict-package.json')!.data;
    const forged = Buffer.from(sign(null, manifest, stranger.privateKey).toString('base64') + '\n');
    writeTar(
      file,
      members.map((m) => (m.name === 'verdict-package.sig' ? { name: m.name, data: forged } : m)),
    );
    expect(refusal(() => readPackage(file, 'study')).message).toMatch(/the signature does not match/);
  });
});

describe('a manifest re-signed with another key', () => {
  const resign = (file: string, edit: (m: PackageManifest) => void, key: SigningKey) => {
    const members = readTar(readFileSync(file), file);
    const manifest = JSON.parse(members[0].data.toString('utf8')) as PackageManifest;
    edit(manifest);
    const bytes = Buffer.from(JSON.stringify(manifest));
    const signature = Buffer.from(sign(null, bytes, key.privateKey).toString('base64'));
    writeTar(file, [{ name: 'verdict-package.json', data: bytes }, { name: 'verdict-package.sig', data: signature }, ...members.slice(2)]);
  };

  test('is a valid package whose fingerprint differs: trusting the key is the caller’s question', () => {
    const file = goodPackage();
    resign(file, (m) => (m.signer = { role: 'coordinator', publicKey: stranger.publicKey, fingerprint: stranger.fingerprint }), stranger);
    const opened = readPackage(file, 'study');
    expect(opened.manifest.signer.fingerprint).toBe(stranger.fingerprint);
    expect(opened.manifest.signer.fingerprint).not.toBe(coordinator.fingerprint);
    expect(opened.parts.get('images/13.jpg')!.equals(parts[2].data)).toBe(true);
  });

  test('whose fingerprint is not its key’s is refused', () => {
    const file = goodPackage();
    resign(
      file,
      (m) => (m.signer = { role: 'coordinator', publicKey: stranger.publicKey, fingerprint: coordinator.fingerprint }),
      stranger,
    );
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.tampered');
    expect(e.message).toMatch(/fingerprint is not its key's fingerprint/);
  });

  test('from a newer format is refused before its parts are read', () => {
    const file = goodPackage();
    resign(file, (m) => ((m as { formatVersion: number }).formatVersion = 2), coordinator);
    expect(refusal(() => readPackage(file, 'study')).message).toMatch(/format version 2; this Verdict reads version 1/);
  });
});

describe('damaged files are refused', () => {
  test.each([
    ['in the middle of a part', (len: number, jpg: number) => jpg + 5000],
    ['in the middle of a header', (len: number, jpg: number) => jpg - 200],
    ['without the end-of-archive marker', (len: number) => len - 1024],
    ['within the end-of-archive marker', (len: number) => len - 512],
  ])('truncated %s', (_what, cut) => {
    const file = goodPackage();
    const buf = readFileSync(file);
    writeFileSync(file, buf.subarray(0, cut(buf.length, buf.indexOf(parts[2].data))));
    const e = refusal(() => readPackage(file, 'study'));
    expect(e.code).toBe('package.invalid');
    expect(e.message).toMatch(new RegExp(`^${file} is truncated`));
  });

  test.each([
    ['a JPEG', () => parts[1].data],
    ['an empty file', () => Buffer.alloc(0)],
    ['JSON', () => Buffer.from(JSON.stringify({ format: 'verdict-package' }).padEnd(2000))],
    ['a gzipped package', () => execFileSync('gzip', ['-c', goodPackage()])],
  ])('not a tar: %s', (_what, content) => {
    const file = join(freshDir(), 'x.verdict');
    writeFileSync(file, content());
    const e = refusal(() => readPackage(file, 'study'));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { file } });
    expect(e.message).toMatch(/is not a Verdict package: it is not a tar archive/);
  });

  test('a bad header checksum names the offset', () => {
    const file = goodPackage();
    const header = readFileSync(file).indexOf(parts[1].data) - 512;
    flipByte(file, header + 5); // within the name
    const e = refusal(() => readPackage(file, 'study'));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { file, offset: header } });
    expect(e.message).toMatch(`the tar header at byte ${header} fails its checksum`);
  });

  test('data after the end of the archive', () => {
    const file = goodPackage();
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('appended')]));
    expect(refusal(() => readPackage(file, 'study')).message).toMatch(/has data after the end of the archive/);
  });

  test('a missing file', () => {
    expect(refusal(() => readPackage(join(root, 'nowhere.verdict'), 'study')).code).toBe('file.not-found');
  });
});

describe('unsafe member names', () => {
  const unsafe = [
    '/etc/passwd',
    '../outside.jpg',
    'images/../../x',
    'images\\12.jpg',
    'a'.repeat(101),
    'Images/12.jpg',
    'images//12.jpg',
    'images/',
  ];

  test.each(unsafe)('are refused at write: %s, and nothing is written', (name) => {
    const dir = freshDir();
    const e = refusal(() => writePackage(join(dir, 'p.verdict'), head, [...parts, { path: name, data: Buffer.from('x') }], coordinator));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { part: name } });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('reserved and duplicate names are refused at write', () => {
    const write = (extra: PackagePart) => refusal(() => writePackage(join(freshDir(), 'p.verdict'), head, [...parts, extra], coordinator));
    expect(write({ path: 'verdict-package.sig', data: Buffer.from('x') }).message).toMatch(/reserved/);
    expect(write({ path: 'images/12.jpg', data: Buffer.from('x') }).message).toMatch(/part images\/12.jpg is given twice/);
  });

  test.each(unsafe.filter((name) => name.length <= 100))('are refused at read: %s', (name) => {
    const file = goodPackage();
    const tail = readFileSync(file);
    const at = tail.length - 1024;
    writeFileSync(file, Buffer.concat([tail.subarray(0, at), ...rawMember(name, Buffer.from('x')), Buffer.alloc(1024)]));
    const e = refusal(() => readPackage(file, 'study'));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { file, part: name, offset: at } });
    expect(e.message).toContain(`unsafe name ${JSON.stringify(name)}`);
  });

  test('a name made longer than 100 characters with the ustar prefix is refused at read', () => {
    const file = join(freshDir(), 'p.verdict');
    writeFileSync(file, Buffer.concat([...rawMember('x.jpg', Buffer.from('x'), { prefix: 'images/'.repeat(15) }), Buffer.alloc(1024)]));
    expect(refusal(() => readPackage(file, 'study')).message).toMatch(/longer than 100 characters/);
  });

  test('a duplicate member is refused at read', () => {
    const file = goodPackage();
    const members = readTar(readFileSync(file), file);
    writeTar(file, [...members, members[3]]);
    const e = refusal(() => readPackage(file, 'study'));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { part: members[3].name } });
    expect(e.message).toMatch(/holds images\/12.jpg twice/);
  });

  test.each([
    ['a symbolic link', '2'],
    ['a folder', '5'],
    ['a pax extended header', 'x'],
    ['a GNU long name', 'L'],
  ])('a member that is %s is refused at read', (_what, type) => {
    const file = join(freshDir(), 'p.verdict');
    writeFileSync(file, Buffer.concat([...rawMember('images/12.jpg', Buffer.alloc(0), { type }), Buffer.alloc(1024)]));
    const e = refusal(() => readPackage(file, 'study'));
    expect(e).toMatchObject({ code: 'package.invalid', detail: { part: 'images/12.jpg', offset: 0 } });
    expect(e.message).toMatch(`not a regular file (tar type '${type}')`);
  });

  test('the hand-made header helper makes members our reader accepts (so the refusals above are about the name or type)', () => {
    const file = join(freshDir(), 'p.verdict');
    writeFileSync(file, Buffer.concat([...rawMember('images/12.jpg', parts[1].data), Buffer.alloc(1024)]));
    const [m] = readTar(readFileSync(file), file);
    expect(m.name).toBe('images/12.jpg');
    expect(m.data.equals(parts[1].data)).toBe(true);
    expect(existsSync(file)).toBe(true);
  });
});
