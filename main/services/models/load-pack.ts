// Reads a model pack folder and checks it against its manifest: schema, limits (pack-files.ts
// PACK_LIMITS), paths inside the pack, regular files only, every file's SHA-256 (streamed), and
// (unless the caller already trusts this exact pack) that ONNX Runtime loads its graphs and
// their tensors have the manifest's names and shapes.
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { checkCamHead, readCamHead } from './cam-head';
import { inspectGraph } from './execution-providers';
import { checkGraph, checkImpliedShapes } from './graph-check';
import { graphRoles, parseManifest, type GraphRole, type Manifest } from './manifest';
import {
  openRegularFile,
  PACK_LIMITS,
  packHash,
  readRegistered,
  readVerified,
  resolvePackPath,
  sha256Hex,
  verifyFile,
  type PackFile,
} from './pack-files';

/**
 * Roles only the tests read — the exporter's reference values (fixtures.json). Installers leave
 * them out (electron-builder.yml), so a pack may lack them; when present they are checked.
 */
export const TEST_ONLY_ROLES: ReadonlySet<string> = new Set(['fixtures']);

export type LoadedPack = {
  /** Real path of the pack folder. */
  dir: string;
  manifest: Manifest;
  manifestText: string;
  files: PackFile[];
  /** Hash over the manifest and every file (pack-files.ts packHash). */
  sha256: string;
};

async function packDir(path: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory())
    throw new VerdictError('file.not-found', `${path} is not a model pack folder (a folder holding manifest.json).`, { path });
  return realpath(path);
}

/** manifest.json's bytes: a regular file within PACK_LIMITS.manifestBytes, checked before it is read. */
async function readManifest(dir: string, label: string): Promise<Buffer> {
  const path = join(dir, 'manifest.json');
  const exists = await lstat(path).catch(() => null);
  if (!exists)
    throw new VerdictError(
      'model.missing-file',
      `${dir} has no manifest.json; a model pack is a folder holding manifest.json and the ONNX graphs it names.`,
      { file: 'manifest.json', path: dir },
    );
  const { fh } = await openRegularFile(path, label, PACK_LIMITS.manifestBytes, { file: 'manifest.json', path: dir });
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * Loads the pack at `path` (its folder, or its manifest.json). `trusted(sha256)` lets the caller
 * skip the ONNX checks for a pack it has validated before under the same hash; `accept` may
 * refuse the pack from its manifest alone (an id another pack holds), before any file is read.
 */
export async function loadPack(
  path: string,
  opts: { trusted?: (sha256: string) => boolean; accept?: (manifest: Manifest, dir: string) => void } = {},
): Promise<LoadedPack> {
  const dir = await packDir(basename(path) === 'manifest.json' ? join(path, '..') : path);
  const label = `${basename(dir)}/manifest.json`;
  const manifestBytes = await readManifest(dir, label);
  const manifestText = manifestBytes.toString('utf8');
  const manifest = parseManifest(manifestText, label);
  const roles = Object.entries(manifest.files);
  if (roles.length > PACK_LIMITS.files) {
    throw new VerdictError(
      'model.invalid-manifest',
      `${label}: files: ${roles.length} file roles, above the limit of ${PACK_LIMITS.files}.`,
      { file: label, field: 'files', limit: PACK_LIMITS.files },
    );
  }
  opts.accept?.(manifest, dir);
  const files: PackFile[] = [];
  const bytesOf = new Map<string, Buffer>();
  // Several roles may name one file: it is hashed once (20,000 roles on one file used to mean 20,000 reads).
  const verified = new Map<string, number>();
  for (const [role, ref] of roles) {
    const abs = await resolvePackPath(dir, role, ref.path, label).catch((e: unknown) => {
      if (TEST_ONLY_ROLES.has(role) && e instanceof VerdictError && e.code === 'model.missing-file') return null;
      throw e;
    });
    if (abs === null) {
      // Left out of installers: the pack keeps its hash (packHash reads the manifest's record).
      files.push({ role, path: ref.path, sha256: ref.sha256, bytes: null });
      continue;
    }
    const key = `${abs}\0${ref.sha256}`;
    let size = verified.get(key);
    if ((graphRoles(manifest) as string[]).includes(role)) {
      const bytes = await readVerified(abs, { role, ...ref }, label);
      bytesOf.set(role, bytes);
      size = bytes.length;
    } else if (size === undefined) {
      size = await verifyFile(abs, { role, ...ref }, label);
    }
    verified.set(key, size);
    files.push({ role, path: ref.path, sha256: ref.sha256, bytes: size });
  }
  const sha256 = packHash(sha256Hex(manifestBytes), files);
  if (opts.trusted?.(sha256)) checkImpliedShapes(manifest);
  else {
    const metadata: Parameters<typeof checkImpliedShapes>[1] = {};
    for (const role of graphRoles(manifest)) {
      const file = manifest.files[role]!.path;
      const session = await inspectGraph(bytesOf.get(role)!, file);
      try {
        checkGraph(file, manifest.graphs[role]!, session);
        // A declared CAM head must be what the graph computes (cam-head.ts): checked on probe inputs.
        const cam = role === 'model' ? await readCamHead(dir, manifest) : null;
        if (cam) await checkCamHead(session, manifest, cam.head, label);
        metadata[role] = { inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata };
      } finally {
        await session.release();
      }
    }
    checkImpliedShapes(manifest, metadata);
  }
  return { dir, manifest, manifestText, files, sha256 };
}

/** Reads one graph of a registered pack for a session, checking it is still the file that was registered (one pass: readRegistered). */
export async function readGraph(dir: string, manifest: Manifest, role: GraphRole): Promise<Buffer> {
  const ref = manifest.files[role];
  if (!ref) throw new VerdictError('model.missing-file', `${basename(dir)} has no ${role} graph.`, { file: role, path: dir });
  const abs = await resolvePackPath(dir, role, ref.path, `${basename(dir)}/manifest.json`);
  return readRegistered(abs, { role, ...ref }, `${basename(dir)}/manifest.json`);
}
