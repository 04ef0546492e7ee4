// Reads a model pack folder and checks it against its manifest: schema, paths inside the pack,
// every file's SHA-256, and (unless the caller already trusts this exact pack) that ONNX Runtime
// loads its graphs and their tensors have the manifest's names and shapes.
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { VerdictError } from '../../../app/errors';
import { inspectGraph } from './execution-providers';
import { checkGraph, checkImpliedShapes } from './graph-check';
import { graphRoles, parseManifest, type GraphRole, type Manifest } from './manifest';
import { packHash, readVerified, resolvePackPath, sha256Hex, type PackFile } from './pack-files';

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
  if (!info?.isDirectory()) throw new VerdictError('file.not-found', `${path} is not a model pack folder (a folder holding manifest.json).`, { path });
  return realpath(path);
}

/**
 * Loads the pack at `path` (its folder, or its manifest.json). `trusted(sha256)` lets the caller
 * skip the ONNX checks for a pack it has validated before under the same hash.
 */
export async function loadPack(path: string, opts: { trusted?: (sha256: string) => boolean } = {}): Promise<LoadedPack> {
  const dir = await packDir(basename(path) === 'manifest.json' ? join(path, '..') : path);
  const label = `${basename(dir)}/manifest.json`;
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(join(dir, 'manifest.json'));
  } catch {
    throw new VerdictError('model.missing-file', `${dir} has no manifest.json; a model pack is a folder holding manifest.json and the ONNX graphs it names.`, { file: 'manifest.json', path: dir });
  }
  const manifestText = manifestBytes.toString('utf8');
  const manifest = parseManifest(manifestText, label);
  const files: PackFile[] = [];
  const bytesOf = new Map<string, Buffer>();
  for (const [role, ref] of Object.entries(manifest.files)) {
    const abs = await resolvePackPath(dir, role, ref.path, label);
    const bytes = await readVerified(abs, { role, ...ref }, label);
    files.push({ role, path: ref.path, sha256: ref.sha256, bytes: bytes.length });
    if ((graphRoles(manifest) as string[]).includes(role)) bytesOf.set(role, bytes);
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
        metadata[role] = { inputMetadata: session.inputMetadata, outputMetadata: session.outputMetadata };
      } finally {
        await session.release();
      }
    }
    checkImpliedShapes(manifest, metadata);
  }
  return { dir, manifest, manifestText, files, sha256 };
}

/** Reads one graph of a registered pack for a session, checking it is still the file that was registered. */
export async function readGraph(dir: string, manifest: Manifest, role: GraphRole): Promise<Buffer> {
  const ref = manifest.files[role];
  if (!ref) throw new VerdictError('model.missing-file', `${basename(dir)} has no ${role} graph.`, { file: role, path: dir });
  const abs = await resolvePackPath(dir, role, ref.path, `${basename(dir)}/manifest.json`);
  return readVerified(abs, { role, ...ref }, `${basename(dir)}/manifest.json`);
}
