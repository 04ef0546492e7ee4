// What a packaged app folder holds: every file with its size (app.asar's entries included, each
// marked packed or unpacked), sizes grouped by folder, and which native binaries were built for
// another platform or architecture.
import { listPackage, statFile } from '@electron/asar';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type Entry = { path: string; size: number; inAsar: boolean; unpacked: boolean };

function walk(dir: string, root: string, out: Entry[]): void {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, d.name);
    if (d.isDirectory()) walk(abs, root, out);
    else out.push({ path: relative(root, abs).split(sep).join('/'), size: statSync(abs).size, inAsar: false, unpacked: false });
  }
}

/** The folder's files on disk, plus app.asar's files as `resources/app.asar/<path>` (size 0 when unpacked: they are counted on disk). */
export function listApp(appDir: string): { disk: Entry[]; asar: Entry[] } {
  const disk: Entry[] = [];
  walk(appDir, appDir, disk);
  const archive = join(appDir, 'resources', 'app.asar');
  const asar: Entry[] = [];
  for (const p of listPackage(archive, { isPack: false })) {
    const name = p
      .replace(/^[\\/]/, '')
      .split(sep)
      .join('/');
    const st = statFile(archive, name, false) as { files?: unknown; size?: number; unpacked?: boolean };
    if (st.files || st.size === undefined) continue; // a folder or a link
    asar.push({ path: `resources/app.asar/${name}`, size: st.unpacked ? 0 : st.size, inAsar: true, unpacked: st.unpacked === true });
  }
  return { disk, asar };
}

const NATIVE = /\.(node|dll|dylib)$|\.so(\.\d+)*$/;
export const isNative = (path: string): boolean => NATIVE.test(path);

// ELF e_machine for Node's architecture names.
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183, ia32: 3, arm: 40 };

/** Why a native binary cannot run on Linux/arch, or null when it can: Mach-O, PE and other machines' ELF are foreign. */
export function foreignBinary(file: string, arch: string): string | null {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46)
    return head.toString('latin1', 0, 2) === 'MZ' ? 'a Windows PE binary' : 'not an ELF binary (macOS Mach-O?)';
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  return machine === ELF_MACHINE[arch] ? null : `an ELF binary for machine ${machine}, not ${arch}`;
}

/** Bytes per folder: the first `depth` path segments below a few roots worth opening up. */
export function sizesByFolder(entries: Entry[]): Map<string, number> {
  const open = ['resources/app.asar.unpacked/node_modules', 'resources/app.asar/node_modules', 'resources/models', 'resources'];
  const sizes = new Map<string, number>();
  for (const e of entries) {
    const root = open.find((r) => e.path.startsWith(`${r}/`));
    let key = e.path.split('/')[0];
    if (root) {
      const rest = e.path.slice(root.length + 1).split('/');
      const take = rest[0].startsWith('@') ? 2 : 1;
      key = rest.length > take ? `${root}/${rest.slice(0, take).join('/')}` : `${root}/${rest[0]}`;
    }
    sizes.set(key, (sizes.get(key) ?? 0) + e.size);
  }
  return sizes;
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
